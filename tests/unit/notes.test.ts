import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { applyEdit, parseNote, storageKey, type Note } from '../../src/core/notes';
import { NoteStore } from '../../src/background/notes/store';

const DOI_KEY = 'doi:10.1007/s10549-019-05427-1';
const TITLE_KEY = 'title:radiological complete remission in her2 positive metastatic breast cancer patients|2019';

describe('note schema', () => {
  it('rejects malformed values', () => {
    for (const bad of [null, 1, 'x', {}, { v: 3, key: 'a', text: '', created: 1, updated: 1 }, { v: 1, key: 3 }]) {
      expect(parseNote(bad)).toBeNull();
    }
  });

  it('keeps creation time, moves to the strongest key and remembers aliases and pages', () => {
    const first = applyEdit(null, { keys: [TITLE_KEY], text: 'a', url: 'https://a.example/1' }, 100);
    const second = applyEdit(first, { keys: [DOI_KEY, TITLE_KEY], text: 'b', url: 'https://b.example/2' }, 200);
    expect(second).toMatchObject({ key: DOI_KEY, text: 'b', created: 100, updated: 200 });
    expect(second.aliases).toEqual([TITLE_KEY]);
    expect(second.seenOn).toEqual(['https://b.example/2', 'https://a.example/1']);
    expect(parseNote(JSON.parse(JSON.stringify(second)))).toEqual(second);
  });
});

describe('NoteStore', () => {
  let store: NoteStore;
  beforeEach(() => {
    fakeBrowser.reset();
    store = new NoteStore(fakeBrowser.storage.local);
  });

  it('finds the same note from another page that cites the work by DOI', async () => {
    await store.save({ keys: [DOI_KEY, TITLE_KEY], text: 'Key trial', url: 'https://www.clinical-breast-cancer.com/x' });
    const [found, none] = await store.findMany([[DOI_KEY, 'title:other|2019'], ['pmid:1']]);
    expect(found?.text).toBe('Key trial');
    expect(none).toBeNull();
  });

  it('moves a note saved under a title key once a DOI is known', async () => {
    await store.save({ keys: [TITLE_KEY], text: 'before DOI' });
    const note = await store.save({ keys: [DOI_KEY, TITLE_KEY], text: 'after DOI' });
    expect(note?.key).toBe(DOI_KEY);
    const all = await fakeBrowser.storage.local.get(null);
    expect(Object.keys(all)).toEqual([storageKey(DOI_KEY)]);
    expect((all[storageKey(DOI_KEY)] as Note).created).toBe(note?.created);
  });

  it('deletes a note emptied by the user', async () => {
    await store.save({ keys: [DOI_KEY], text: 'x' });
    expect(await store.save({ keys: [DOI_KEY], text: '   ' })).toBeNull();
    expect(await fakeBrowser.storage.local.get(null)).toEqual({});
  });

  it('serialises quick successive saves so the last text wins', async () => {
    await Promise.all(['a', 'ab', 'abc'].map((text) => store.save({ keys: [DOI_KEY], text })));
    const [note] = await store.findMany([[DOI_KEY]]);
    expect(note?.text).toBe('abc');
  });

  it('reports a full quota with a clear, coded error and stores nothing', async () => {
    vi.spyOn(fakeBrowser.storage.local, 'set').mockRejectedValueOnce(new Error('QUOTA_BYTES quota exceeded'));
    await expect(store.save({ keys: [DOI_KEY], text: 'x' })).rejects.toMatchObject({
      code: 'quota',
      message: expect.stringMatching(/storage is full/i),
    });
    expect(await fakeBrowser.storage.local.get(null)).toEqual({});
    // The store keeps working after a failure.
    expect((await store.save({ keys: [DOI_KEY], text: 'y' }))?.text).toBe('y');
  });

  it('ignores corrupt stored values', async () => {
    await fakeBrowser.storage.local.set({ [storageKey(DOI_KEY)]: { v: 1, key: DOI_KEY } });
    expect(await store.findMany([[DOI_KEY]])).toEqual([null]);
  });
});
