import type { Storage } from 'webextension-polyfill';
import { applyEdit, parseNote, storageKey, type Note } from '../../core/notes';
import { HandledError } from '../../messaging/server';

export interface NoteEdit {
  keys: string[];
  text: string;
  title?: string;
  url?: string;
}

const isQuotaError = (e: unknown) => /quota|QUOTA_BYTES/i.test(String((e as Error)?.message ?? e));

/** Notes in extension storage. Writes are serialised so two quick edits can never interleave. */
export class NoteStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly area: Storage.StorageArea) {}

  /** The note of each work (first of its keys that has one), in input order. */
  async findMany(keyLists: string[][]): Promise<Array<Note | null>> {
    const all = [...new Set(keyLists.flat())].map(storageKey);
    if (all.length === 0) return keyLists.map(() => null);
    const stored = await this.area.get(all);
    return keyLists.map((keys) => {
      for (const k of keys) {
        const note = parseNote(stored[storageKey(k)]);
        if (note) return note;
      }
      return null;
    });
  }

  save(edit: NoteEdit): Promise<Note | null> {
    const run = this.queue.then(() => this.write(edit));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async write(edit: NoteEdit): Promise<Note | null> {
    const keys = edit.keys.filter((k) => typeof k === 'string' && k.length > 0 && k.length < 2000);
    if (keys.length === 0) throw new HandledError('This reference has no key to store a note under.', 'invalid');
    if (edit.text.length > 100_000) throw new HandledError('Notes are limited to 100,000 characters.', 'too-large');
    const [existing] = await this.findMany([keys]);
    try {
      if (edit.text.trim() === '') {
        if (existing) await this.area.remove(storageKey(existing.key));
        return null;
      }
      const note = applyEdit(existing ?? null, { ...edit, keys }, Date.now());
      await this.area.set({ [storageKey(note.key)]: note });
      if (existing && existing.key !== note.key) await this.area.remove(storageKey(existing.key));
      return note;
    } catch (err) {
      if (isQuotaError(err)) {
        throw new HandledError('Storage is full, so this note was not saved. Your text is still here.', 'quota');
      }
      throw new HandledError(`The note was not saved: ${(err as Error).message ?? err}`, 'storage');
    }
  }
}
