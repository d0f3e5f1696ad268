import type { Storage } from 'webextension-polyfill';
import { applyEdit, isEmptyNote, normalizeTags, parseNote, storageKey, type Note } from '../../core/notes';
import { ImportError, notesFromStorage, parseNotesExport } from '../../core/notes-library';
import { mergeTexts } from '../../core/notes-merge';
import { HandledError } from '../../messaging/server';

export interface NoteEdit {
  keys: string[];
  text: string;
  title?: string;
  url?: string;
  /** The stored text this edit started from; when the note changed since (another tab), the two are merged. */
  base?: string;
}

export interface NoteUpdate {
  key: string;
  text?: string;
  tags?: string[];
  /** As NoteEdit.base, for a text change. */
  base?: string;
}

/** Told about every note written or removed here (the storage.sync mirror listens). */
export interface NoteWriteListener {
  written(notes: Note[]): void;
  removed(keys: string[]): void;
}

/** Where an edit arriving with a stale base was made, for the marker line when both texts are kept. */
const ELSEWHERE = 'in another tab or window';

const isQuotaError = (e: unknown) => /quota|QUOTA_BYTES/i.test(String((e as Error)?.message ?? e));
const MAX_TEXT = 100_000;

/** A storage failure as the user-facing, coded error. */
function storageError(err: unknown, what: string): HandledError {
  if (err instanceof HandledError) return err;
  if (isQuotaError(err)) return new HandledError(`Storage is full, so ${what}.`, 'quota');
  return new HandledError(`Storage failed, so ${what}: ${(err as Error)?.message ?? err}`, 'storage');
}

/**
 * Notes in extension storage. Writes are serialised so two quick edits can never interleave, and an edit made
 * from an older text (another tab saved in between) is merged with the stored note, not written over it. Each
 * write is one storage.set, so a worker stopped mid-save leaves the old note or the new one, never a mix.
 */
export class NoteStore {
  private queue: Promise<unknown> = Promise.resolve();
  listener: NoteWriteListener | undefined;

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

  /**
   * Every note, most recently updated first. A note left under its old key by a worker stopped between moving it
   * to a stronger key and removing the old copy is hidden here and cleaned up.
   */
  async list(): Promise<Note[]> {
    const notes = notesFromStorage(await this.area.get(null));
    const stale = supersededKeys(notes);
    if (stale.size === 0) return notes;
    void this.serialised(() => this.area.remove([...stale].map(storageKey))).catch(() => undefined);
    return notes.filter((n) => !stale.has(n.key));
  }

  /** Runs `task` in the write queue (the sync mirror merges remote notes this way). */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    return this.serialised(task);
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
      this.listener?.removed([key]);
      return existing;
    });
  }

  /** Changes the text and/or tags of the note under `key`; a note left with neither is deleted (answers null). */
  update(change: NoteUpdate): Promise<Note | null> {
    return this.serialised(async () => {
      const tagsOk = change.tags === undefined || (Array.isArray(change.tags) && change.tags.every((t) => typeof t === 'string'));
      const baseOk = change.base === undefined || typeof change.base === 'string';
      if (typeof change.key !== 'string' || (change.text !== undefined && typeof change.text !== 'string') || !tagsOk || !baseOk) {
        throw new HandledError('A note update needs a key, and text and tags as text.', 'invalid');
      }
      if (change.text !== undefined && change.text.length > MAX_TEXT) {
        throw new HandledError('Notes are limited to 100,000 characters.', 'too-large');
      }
      const existing = parseNote((await this.area.get(storageKey(change.key)))[storageKey(change.key)]);
      if (!existing) throw new HandledError('This note no longer exists (deleted elsewhere?).', 'not-found');
      let text = change.text ?? existing.text;
      if (change.text !== undefined && change.base !== undefined) text = mergeTexts(change.base, change.text, existing.text, ELSEWHERE).text;
      const note: Note = {
        ...existing,
        text,
        tags: change.tags ? normalizeTags(change.tags) : existing.tags,
        updated: Math.max(Date.now(), existing.updated + 1),
      };
      try {
        if (isEmptyNote(note)) {
          await this.area.remove(storageKey(note.key));
          this.listener?.removed([note.key]);
          return null;
        }
        await this.area.set({ [storageKey(note.key)]: note });
        this.listener?.written([note]);
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
      this.listener?.written(notes);
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
    if (edit.base !== undefined && typeof edit.base !== 'string') throw new HandledError('A note base must be text.', 'invalid');
    const [existing] = await this.findMany([keys]);
    // Another tab saved since this edit started: merge rather than overwrite (never silently drop text).
    const text = existing && edit.base !== undefined ? mergeTexts(edit.base, edit.text, existing.text, ELSEWHERE).text : edit.text;
    try {
      // Emptying the text on a page deletes the note, unless it carries tags given in the notes library.
      if (text.trim() === '' && !existing?.tags.length) {
        if (existing) {
          await this.area.remove(storageKey(existing.key));
          this.listener?.removed([existing.key]);
        }
        return null;
      }
      const note = applyEdit(existing ?? null, { ...edit, text, keys }, Date.now());
      // New copy first, then the old key: a stop in between leaves a duplicate that list() cleans, not a loss.
      await this.area.set({ [storageKey(note.key)]: note });
      this.listener?.written([note]);
      if (existing && existing.key !== note.key) {
        await this.area.remove(storageKey(existing.key));
        this.listener?.removed([existing.key]);
      }
      return note;
    } catch (err) {
      if (isQuotaError(err)) {
        throw new HandledError('Storage is full, so this note was not saved. Your text is still here.', 'quota');
      }
      throw new HandledError(`The note was not saved: ${(err as Error).message ?? err}`, 'storage');
    }
  }
}

/**
 * Keys of notes another note has taken over: stored under a key that a newer note lists as an alias, with text
 * that newer note still holds. Anything else is kept, so a note is never hidden that has text of its own.
 */
export function supersededKeys(notes: readonly Note[]): Set<string> {
  const stale = new Set<string>();
  const byKey = new Map(notes.map((n) => [n.key, n]));
  for (const owner of notes) {
    for (const alias of owner.aliases) {
      const old = byKey.get(alias);
      if (old && old !== owner && old.updated <= owner.updated && owner.text.includes(old.text.trim())) stale.add(alias);
    }
  }
  return stale;
}
