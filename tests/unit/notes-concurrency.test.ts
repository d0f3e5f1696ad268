import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { NoteStore, supersededKeys } from '../../src/background/notes/store';
import { NoteSaver, type SavedNote } from '../../src/content/note-saver';
import { applyEdit, storageKey, type Note } from '../../src/core/notes';
import { conflictMarker, mergeTexts } from '../../src/core/notes-merge';
import { MessageError } from '../../src/messaging/client';

const KEY = 'doi:10.1000/xyz';
const WHERE = 'in another tab';

describe('mergeTexts', () => {
  it('takes the only side that changed', () => {
    expect(mergeTexts('a', 'a', 'b', WHERE)).toEqual({ text: 'b', how: 'same' });
    expect(mergeTexts('a', 'b', 'a', WHERE)).toEqual({ text: 'b', how: 'same' });
    expect(mergeTexts('a', 'c', 'c', WHERE)).toEqual({ text: 'c', how: 'same' });
  });

  it('applies edits to different parts of the note', () => {
    const base = 'Methods: RCT.\nResults: pending.\n';
    const theirs = 'Methods: RCT, n=120.\nResults: pending.\n';
    const ours = 'Methods: RCT.\nResults: HR 0.7.\n';
    expect(mergeTexts(base, ours, theirs, WHERE)).toEqual({ text: 'Methods: RCT, n=120.\nResults: HR 0.7.\n', how: 'clean' });
  });

  it('keeps two additions at the same place, the stored one first, on separate lines', () => {
    expect(mergeTexts('Start.', 'Start. Ours', 'Start. Theirs', WHERE).text).toBe('Start. Theirs\n Ours');
    expect(mergeTexts('', 'ours', 'theirs', WHERE).text).toBe('theirs\nours');
  });

  it('keeps both texts under a marker when the edits overlap', () => {
    const r = mergeTexts('The drug works.', 'The drug fails.', 'The drug mostly works.', WHERE);
    expect(r.how).toBe('both-kept');
    expect(r.text).toBe(`The drug mostly works.\n\n${conflictMarker(WHERE)}\nThe drug fails.`);
  });

  it('does not let a tab that cleared the note delete text another tab wrote', () => {
    expect(mergeTexts('old', '', 'old and new', WHERE).text).toBe('old and new');
  });
});

describe('NoteStore: two tabs editing at once', () => {
  let store: NoteStore;
  beforeEach(() => {
    fakeBrowser.reset();
    store = new NoteStore(fakeBrowser.storage.local);
  });

  it('merges a save started from an older text instead of overwriting the newer one', async () => {
    await store.save({ keys: [KEY], text: 'Shared start.', base: '' });
    // Tab A and tab B both loaded "Shared start."; A saves first, then B with the same base.
    await store.save({ keys: [KEY], text: 'Shared start. From A.', base: 'Shared start.' });
    const b = await store.save({ keys: [KEY], text: 'Shared start. From B.', base: 'Shared start.' });
    expect(b?.text).toContain('From A.');
    expect(b?.text).toContain('From B.');
    const [stored] = await store.findMany([[KEY]]);
    expect(stored?.text).toBe(b?.text);
  });

  it('keeps edits of different notes apart when they arrive together', async () => {
    await Promise.all([
      store.save({ keys: [KEY], text: 'one', base: '' }),
      store.save({ keys: ['pmid:1'], text: 'two', base: '' }),
      store.save({ keys: [KEY], text: 'one more', base: 'one' }),
    ]);
    const [a, b] = await store.findMany([[KEY], ['pmid:1']]);
    expect([a?.text, b?.text]).toEqual(['one more', 'two']);
  });

  it('a repeated save (the answer to the first was lost) changes nothing', async () => {
    await store.save({ keys: [KEY], text: 'v1', base: '' });
    const first = await store.save({ keys: [KEY], text: 'v2', base: 'v1' });
    const again = await store.save({ keys: [KEY], text: 'v2', base: 'v1' });
    expect(again?.text).toBe('v2');
    expect(first?.text).toBe('v2');
  });

  it('a tab whose note was deleted elsewhere brings it back with its text', async () => {
    await store.save({ keys: [KEY], text: 'v1', base: '' });
    await store.delete(KEY);
    expect((await store.save({ keys: [KEY], text: 'v1 and more', base: 'v1' }))?.text).toBe('v1 and more');
  });

  it('merges library edits (notes.update) the same way', async () => {
    await store.save({ keys: [KEY], text: 'line 1\nline 2', base: '' });
    await store.save({ keys: [KEY], text: 'line 1 (page)\nline 2', base: 'line 1\nline 2' });
    const n = await store.update({ key: KEY, text: 'line 1\nline 2 (library)', base: 'line 1\nline 2' });
    expect(n?.text).toBe('line 1 (page)\nline 2 (library)');
  });

  it('hides and removes a copy left under the old key when a move to a stronger key was cut short', async () => {
    const old = applyEdit(null, { keys: ['title:x|2020'], text: 'note' }, 1);
    const moved = applyEdit(old, { keys: [KEY, 'title:x|2020'], text: 'note' }, 2);
    await fakeBrowser.storage.local.set({ [storageKey(old.key)]: old, [storageKey(moved.key)]: moved });
    expect(supersededKeys([moved, old])).toEqual(new Set(['title:x|2020']));
    expect((await store.list()).map((n) => n.key)).toEqual([KEY]);
    await store.exclusive(async () => undefined);
    expect(Object.keys(await fakeBrowser.storage.local.get(null))).toEqual([storageKey(KEY)]);
  });

  it('keeps an old-key copy that holds text the newer note lacks', () => {
    const old: Note = applyEdit(null, { keys: ['title:x|2020'], text: 'only here' }, 1);
    const moved: Note = { ...applyEdit(old, { keys: [KEY, 'title:x|2020'], text: 'different' }, 2) };
    expect(supersededKeys([moved, old]).size).toBe(0);
  });
});

describe('NoteSaver (the page side of a save)', () => {
  const noWait = async () => undefined;

  it('retries while the background is unreachable, then shows the saved state', async () => {
    const box = { value: 'typed' };
    const sent: Array<[string, string]> = [];
    let failures = 2;
    const done: string[] = [];
    const saver = new NoteSaver(box, {
      save: async (text, base) => {
        sent.push([text, base]);
        if (failures-- > 0) throw new MessageError('message port closed', 'unavailable');
        return { text };
      },
      done: (_has, message) => done.push(message),
    }, noWait);
    await saver.flush();
    expect(sent).toEqual([['typed', ''], ['typed', ''], ['typed', '']]);
    expect(done).toEqual(['Note saved']);
    expect(saver.lastSaved).toBe('typed');
  });

  it('gives up after a while with the text kept, and does not retry other errors', async () => {
    const box = { value: 'typed' };
    let calls = 0;
    const kinds: string[] = [];
    const saver = new NoteSaver(box, {
      save: async () => {
        calls++;
        throw new MessageError('gone', 'unavailable');
      },
      done: (_h, m, kind) => kinds.push(`${kind}: ${m}`),
    }, noWait);
    await saver.flush();
    expect(calls).toBeGreaterThan(3);
    expect(kinds[0]).toMatch(/^error: .*still here/);
    expect(box.value).toBe('typed');
    expect(saver.lastSaved).toBe('');

    calls = 0;
    const full = new NoteSaver(box, {
      save: async () => {
        calls++;
        throw new MessageError('Storage is full', 'quota');
      },
      done: () => undefined,
    }, noWait);
    await full.flush();
    expect(calls).toBe(1);
  });

  it('shows the merged text; text typed while the save was under way is saved next and merged again', async () => {
    const box = { value: 'A' };
    let stored = '';
    let answer: (v: SavedNote) => void = () => undefined;
    const sent: Array<[string, string]> = [];
    const saver = new NoteSaver(box, {
      save: (text, base) => {
        sent.push([text, base]);
        // The first save meets an edit from another tab; later ones are merged as the store does.
        if (sent.length === 1) return new Promise((ok) => (answer = ok));
        stored = mergeTexts(base, text, stored, WHERE).text;
        return Promise.resolve({ text: stored });
      },
      done: () => undefined,
    }, noWait);
    const flushing = saver.flush();
    box.value = 'A and more';
    void saver.flush();
    stored = 'Other tab.\nA';
    answer({ text: stored });
    await flushing;
    await new Promise((ok) => setTimeout(ok, 0));
    expect(sent).toEqual([['A', ''], ['A and more', 'A']]);
    expect(box.value).toBe('Other tab.\nA and more');
    expect(saver.lastSaved).toBe('Other tab.\nA and more');
  });

  it('one save at a time; a change made meanwhile is saved next, from the new base', async () => {
    const box = { value: 'one' };
    const sent: Array<[string, string]> = [];
    const saver = new NoteSaver(box, {
      save: async (text, base) => {
        sent.push([text, base]);
        return { text };
      },
      done: () => undefined,
    }, noWait);
    const first = saver.flush();
    box.value = 'one two';
    await saver.flush();
    await first;
    await new Promise((ok) => setTimeout(ok, 0));
    expect(sent).toEqual([['one', ''], ['one two', 'one']]);
  });

  it('a change from another tab replaces the text only when nothing is unsaved', () => {
    const box = { value: '' };
    const saver = new NoteSaver(box, { save: async (text) => ({ text }), done: () => undefined }, noWait);
    expect(saver.stored('stored')).toBe(true);
    expect(box.value).toBe('stored');
    box.value = 'stored + typing';
    expect(saver.stored('changed elsewhere')).toBe(false);
    expect(box.value).toBe('stored + typing');
    // The next save starts from the text this tab saw stored, so the background merges.
    expect(saver.lastSaved).toBe('stored');
  });
});

describe('mergeTexts works on whole words', () => {
  it('never splices two edits of one word into a new word', () => {
    const r = mergeTexts('The drug works.', 'The drug fails.', 'The drug works well in the subgroup.', WHERE);
    expect(r.how).toBe('both-kept');
    expect(r.text).toContain('The drug works well in the subgroup.');
    expect(r.text).toContain('The drug fails.');
  });

  it('merges edits of neighbouring words', () => {
    expect(mergeTexts('alpha beta gamma', 'alpha beta GAMMA', 'ALPHA beta gamma', WHERE)).toEqual({ text: 'ALPHA beta GAMMA', how: 'clean' });
  });
});
