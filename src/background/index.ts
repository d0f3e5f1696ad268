import { browser } from 'wxt/browser';
import { serve } from '../messaging/server';
import { formatCitation } from './format';
import { TtlCache } from './net/cache';
import { NoteStore } from './notes/store';
import { Resolver } from './resolver';
import { Rejections } from './resolver/rejections';
import { createServices } from './services';
import { SettingsStore } from './settings-store';

/** Wires the background: storage-backed stores, the service clients, the resolver and the message handlers. */
export function createBackground(): void {
  const local = browser.storage.local;
  const notes = new NoteStore(local);
  const settings = new SettingsStore(local);
  const rejections = new Rejections(local);
  const services = createServices({ settings: () => settings.snapshot(), storage: local });
  const results = new TtlCache(local, { namespace: 'rlref:', maxEntries: 5000 });
  const resolver = new Resolver({
    crossref: services.crossref,
    ncbi: services.ncbi,
    enrichment: { unpaywall: services.unpaywall, europepmc: services.europepmc, openalex: services.openalex },
    rejections,
    results,
    settings: () => settings.snapshot(),
  });
  // Service clients read settings synchronously; load them once before the first lookup.
  const ready = settings.get().catch(() => undefined);
  // What every page asks for next, read in parallel while the page loads (a revisit then needs one more read,
  // a first visit none before its first request).
  rejections.preload();
  results.preload();
  services.cache?.preload();

  browser.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local') return;
    if ('settings' in changes) {
      settings.invalidate();
      void settings.get();
    }
    if ('rejections' in changes) rejections.invalidate();
  });

  // Other sites: the user asks for RefLens with the toolbar button (activeTab grants this one tab, this once).
  // MV3 (Chrome) has `action`; Firefox's MV2 build has `browserAction`.
  (browser.action ?? browser.browserAction).onClicked.addListener((tab) => {
    if (tab.id === undefined) return;
    browser.scripting
      .executeScript({ target: { tabId: tab.id }, files: ['/content-scripts/generic.js'] })
      .catch((err: Error) => console.warn('RefLens: cannot run on this page:', err.message));
  });

  serve({
    resolve: async ({ refs }) => {
      await ready;
      return { results: await resolver.resolve(refs) };
    },
    openAccess: async ({ refs }) => ({ results: await resolver.openAccess(refs) }),
    'match.reject': async ({ ref, values }) => {
      await ready;
      return { result: await resolver.reject(ref, values) };
    },
    format: async ({ item, style }) => formatCitation(item, style ?? (await settings.get()).style),
    'notes.get': async ({ keys }) => ({ notes: await notes.findMany(keys) }),
    'notes.save': async (edit) => ({ note: await notes.save(edit) }),
    'notes.list': async () => ({ notes: await notes.list() }),
    'notes.delete': async ({ key }) => ({ note: await notes.delete(key) }),
    'notes.import': async ({ json }) => ({ imported: await notes.import(json) }),
    'notes.update': async (change) => ({ note: await notes.update(change) }),
    'settings.get': () => settings.get(),
    'settings.set': (patch) => settings.set(patch),
  });
}
