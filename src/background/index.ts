import { browser } from 'wxt/browser';
import { serve } from '../messaging/server';
import { formatCitation } from './format';
import { NoteStore } from './notes/store';
import { pageResult } from './resolver/page';
import { SettingsStore } from './settings-store';

/** Wires the background: storage-backed stores and the message handlers. */
export function createBackground(): void {
  const notes = new NoteStore(browser.storage.local);
  const settings = new SettingsStore(browser.storage.local);

  browser.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && 'settings' in changes) settings.invalidate();
  });

  serve({
    resolve: async ({ refs }) => ({ results: refs.map(pageResult) }),
    format: async ({ item, style }) => formatCitation(item, style ?? (await settings.get()).style),
    'notes.get': async ({ keys }) => ({ notes: await notes.findMany(keys) }),
    'notes.save': async (edit) => ({ note: await notes.save(edit) }),
    'settings.get': () => settings.get(),
    'settings.set': (patch) => settings.set(patch),
  });
}
