import { browser } from 'wxt/browser';
import type { Storage } from 'webextension-polyfill';
import type { NotesChanged } from '../messaging/protocol';
import { serve } from '../messaging/server';
import { workKeysOfChange } from '../core/notes';
import { STYLE_CHOICES } from '../core/citation-styles';
import type { CslItem } from '../core/csl';
import { withPrintedCsl } from '../core/printed';
import { fromLookup, resultForPage, type CitedReference } from '../core/reference';
import { registerCopyCommands, type CommandApis } from './commands';
import { injectOnClick } from './toolbar';
import { formatCitation, formatList } from './format';
import { CustomStyleStore } from './format/custom-styles';
import { TtlCache } from './net/cache';
import { NoteStore } from './notes/store';
import { NoteSync } from './notes/sync';
import { resultsForPage } from './page-results';
import { Resolver } from './resolver';
import { Rejections } from './resolver/rejections';
import { preloadParser } from '../core/parse';
import { createServices } from './services';
import { SettingsStore } from './settings-store';
import { ZoteroConnector } from './zotero/connector';

/** Every tab hears it; tabs without a RefLens content script just do not answer. */
async function tellTabs(msg: NotesChanged): Promise<void> {
  for (const tab of await browser.tabs.query({})) {
    if (tab.id !== undefined) browser.tabs.sendMessage(tab.id, msg).catch(() => undefined);
  }
}

/** Wires the background: storage-backed stores, the service clients, the resolver and the message handlers. */
export function createBackground(): void {
  const local = browser.storage.local;
  const notes = new NoteStore(local);
  // storage.sync is absent in some browsers (and Firefox forks); the mirror then reports itself unavailable.
  const notesSync = new NoteSync(local, browser.storage.sync as Storage.StorageArea | undefined, notes);
  notes.listener = notesSync;
  const syncReady = notesSync.start().catch((err) => console.warn('RefLens: notes sync unavailable', err));
  const settings = new SettingsStore(local);
  const rejections = new Rejections(local);
  const customStyles = new CustomStyleStore(local);
  const zotero = new ZoteroConnector();
  /** The user's notes as `note` fields of a list's items (keys given per item, in order). */
  const withNotes = async (items: CslItem[], noteKeys?: string[][]): Promise<CslItem[]> => {
    if (!noteKeys) return items;
    const found = await notes.findMany(noteKeys.slice(0, items.length));
    return items.map((item, i) => (found[i]?.text ? { ...item, note: found[i]!.text } : item));
  };
  const formatOptions = async () => ({ locale: (await settings.get()).locale, custom: await customStyles.list() });
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
  /** CSL items for citations; the settings first, since the result cache is kept per combination of service switches. */
  const citationItems = async (refs: CitedReference[]): Promise<CslItem[]> => {
    await ready;
    return resolver.citationItems(refs);
  };
  // What every page asks for next, read in parallel while the page loads (a revisit then needs one more read,
  // a first visit none before its first request).
  rejections.preload();
  results.preload();
  services.cache?.preload();
  // The first page's references are parsed before its first request; load the model while nothing waits.
  setTimeout(preloadParser, 0);

  browser.storage.onChanged.addListener((changes, area) => {
    if (area === 'sync') void syncReady.then(() => notesSync.remoteChanged(changes)).catch((err) => console.warn('RefLens: notes sync failed', err));
    if (area !== 'local') return;
    const noteKeys = workKeysOfChange(changes);
    if (noteKeys.size) void tellTabs({ reflensNotesChanged: [...noteKeys] });
    if ('settings' in changes) {
      settings.invalidate();
      void settings.get();
    }
    if ('rejections' in changes) rejections.invalidate();
    if ('cslStyles' in changes) customStyles.invalidate();
  });

  // Other sites: the user asks for RefLens with the toolbar button (activeTab grants this one tab, this once).
  // MV3 (Chrome) has `action`; Firefox's MV2 build has `browserAction`.
  (browser.action ?? browser.browserAction).onClicked.addListener((tab) => {
    const tabId = tab.id;
    if (tabId === undefined) return;
    void injectOnClick(() => browser.scripting.executeScript({ target: { tabId }, files: ['/content-scripts/generic.js'] }));
  });

  const contentMatches = (browser.runtime.getManifest().content_scripts ?? []).flatMap((cs) => cs.matches ?? []);
  registerCopyCommands(browser as unknown as CommandApis, contentMatches);

  serve({
    resolve: async ({ refs: sent }, sender) => {
      // The printed blocks are read into CSL fields once here; the resolver and resultsForPage then find them done.
      const refs = sent.map((ref) => withPrintedCsl(fromLookup(ref)));
      await ready;
      // The tab and document the batch comes from: a page's batches share one deadline.
      const results = await resolver.resolve(refs, sender.tabId === undefined ? undefined : `${sender.tabId} ${sender.url ?? ''}`);
      return { results: await resultsForPage(refs, results, notes) };
    },
    openAccess: async ({ refs }) => ({ results: await resolver.openAccess(refs) }),
    'match.reject': async ({ ref, values }) => {
      await ready;
      return { result: resultForPage(await resolver.reject(ref, values), ref) };
    },
    format: async ({ ref, style }) => {
      const [item] = await citationItems([ref]);
      return formatCitation(item!, style ?? (await settings.get()).style, await formatOptions());
    },
    'format.list': async ({ refs, style, noteKeys }) =>
      formatList(await withNotes(await citationItems(refs), noteKeys), style ?? (await settings.get()).style, await formatOptions()),
    'styles.list': async () => {
      const s = await settings.get();
      return { styles: [...STYLE_CHOICES, ...(await customStyles.choices())], style: s.style, locale: s.locale };
    },
    'styles.add': async ({ xml, fileName }) => ({ style: await customStyles.add(xml, fileName) }),
    'styles.remove': async ({ id }) => {
      const removed = await customStyles.remove(id);
      if (removed && (await settings.get()).style === id) await settings.set({ style: STYLE_CHOICES[0]!.id });
      return { removed };
    },
    'zotero.save': async ({ refs, noteKeys }) => ({ saved: await zotero.save(await withNotes(await citationItems(refs), noteKeys)) }),
    'notes.get': async ({ keys }) => ({ notes: await notes.findMany(keys) }),
    'notes.save': async (edit) => {
      const note = await notes.save(edit);
      const notice = await notesSync.noticeFor(note).catch(() => undefined);
      return notice ? { note, notice } : { note };
    },
    'notes.list': async () => ({ notes: await notes.list() }),
    'notes.delete': async ({ key }) => ({ note: await notes.delete(key) }),
    'notes.import': async ({ json }) => ({ imported: await notes.import(json) }),
    'notes.update': async (change) => ({ note: await notes.update(change) }),
    'notes.sync.get': async () => {
      await syncReady;
      return notesSync.status();
    },
    'notes.sync.set': async ({ enabled }) => {
      await syncReady;
      return notesSync.setEnabled(enabled === true);
    },
    'settings.get': () => settings.get(),
    'settings.set': (patch) => settings.set(patch),
  });
}
