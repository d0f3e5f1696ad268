import type { Storage } from 'webextension-polyfill';
import { applyEdit, isEmptyNote, normalizeTags, parseNote, storageKey, type Note } from '../../core/notes';
import { ImportError, notesFromStorage, parseNotesExport } from '../../core/notes-library';
import { HandledError } from '../../messaging/server';

export interface NoteEdit {
  keys: string[];
  text: string;
  title?: string;
  url?: string;
}

export interface NoteUpdate {
  key: string;
  text?: string;
  tags?: string[];
}

const isQuotaError = (e: unknown) => /quota|QUOTA_BYTES/i.test(String((e as Error)?.message ?? e));
const MAX_TEXT = 100_000;

/** A storage failure as the user-facing, coded error. */
function storageError(err: unknown, what: string): HandledError {
  if (err instanceof HandledError) return err;
  if (isQuotaError(err)) return new HandledError(`Storage is full, so ${what}.`, 'quota');
  return new HandledError(`Storage failed, so ${what}: ${(err as Error)?.message ?? err}`, 'storage');
}

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
    return this.serialised(() => this.write(edit));
  }

  /** Every note, most recently updated first. */
  async list(): Promise<Note[]> {
    return notesFromStorage(await this.area.get(null));
  }

  /** Removes the note stored under `key`; answers what was removed (so the caller can offer an undo). */
  delete(key: string): Promise<Note | null> {
    return this.serialised(async () => {
      const existing = parseNote((await this.area.get(storageKey(key)))[storageKey(key)]);
      try {
        await this.area.remove(storageKey(key));
      } catch (err) {
        throw storageError(err, 'the note was not deleted');
      }
      return existing;
    });
  }

  /** Changes the text and/or tags of the note under `key`; a note left with neither is deleted (answers null). */
  update(change: NoteUpdate): Promise<Note | null> {
    return this.serialised(async () => {
      const tagsOk = change.tags === undefined || (Array.isArray(change.tags) && change.tags.every((t) => typeof t === 'string'));
      if (typeof change.key !== 'string' || (change.text !== undefined && typeof change.text !== 'string') || !tagsOk) {
        throw new HandledError('A note update needs a key, and text and tags as text.', 'invalid');
      }
      if (change.text !== undefined && change.text.length > MAX_TEXT) {
        throw new HandledError('Notes are limited to 100,000 characters.', 'too-large');
      }
      const existing = parseNote((await this.area.get(storageKey(change.key)))[storageKey(change.key)]);
      if (!existing) throw new HandledError('This note no longer exists (deleted elsewhere?).', 'not-found');
      const note: Note = {
        ...existing,
        text: change.text ?? existing.text,
        tags: change.tags ? normalizeTags(change.tags) : existing.tags,
        updated: Date.now(),
      };
      try {
        if (isEmptyNote(note)) {
          await this.area.remove(storageKey(note.key));
          return null;
        }
        await this.area.set({ [storageKey(note.key)]: note });
        return note;
      } catch (err) {
        throw storageError(err, 'the change was not saved');
      }
    });
  }

  /**
   * Imports a JSON export: everything is validated before anything is written, then all notes go in one
   * storage.set (an imported note replaces a stored note with the same key). A bad file changes nothing.
   */
  import(json: string): Promise<number> {
    return this.serialised(async () => {
      let notes: Note[];
      try {
        notes = parseNotesExport(json);
      } catch (err) {
        if (err instanceof ImportError) throw new HandledError(err.message, 'invalid-import');
        throw err;
      }
      if (notes.length === 0) return 0;
      try {
        await this.area.set(Object.fromEntries(notes.map((n) => [storageKey(n.key), n])));
      } catch (err) {
        throw storageError(err, 'nothing was imported');
      }
      return notes.length;
    });
  }

  private serialised<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async write(edit: NoteEdit): Promise<Note | null> {
    const keys = edit.keys.filter((k) => typeof k === 'string' && k.length > 0 && k.length < 2000);
    if (keys.length === 0) throw new HandledError('This reference has no key to store a note under.', 'invalid');
    if (edit.text.length > 100_000) throw new HandledError('Notes are limited to 100,000 characters.', 'too-large');
    const [existing] = await this.findMany([keys]);
    try {
      // Emptying the text on a page deletes the note, unless it carries tags given in the notes library.
      if (edit.text.trim() === '' && !existing?.tags.length) {
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
