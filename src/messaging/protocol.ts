import type { CitedReference, LookupReference, OpenAccessCopy, ReferenceInput, ResultForPage } from '../core/reference';
import type { Note } from '../core/notes';
import type { SyncStatus } from '../core/notes-sync';
import type { Settings } from '../core/settings';
import type { LocaleId, StyleChoice } from '../core/citation-styles';

/**
 * The one message protocol between content scripts / extension pages and the background.
 * Each entry maps a message type to its request payload and its response.
 */
export interface Protocol {
  /**
   * Resolve a batch of references. Answers one result per input, in input order, each with the user's note on the
   * work when there is one (the page asks for no notes at load).
   */
  resolve: { req: { refs: LookupReference[] }; res: { results: ResultForPage[] } };
  /**
   * Second phase for works with a DOI: services that take one request per DOI (Unpaywall) answer here, after the
   * identifiers are final, so a page is never held up by them. Answers only the references whose copy changed.
   */
  openAccess: {
    req: { refs: Array<{ n: number; doi: string; pmcid?: string }> };
    res: { results: Array<{ n: number; oa: OpenAccessCopy }> };
  };
  /** The user rejects the looked-up identifiers of one reference; answers the reference resolved again without them. */
  'match.reject': { req: { ref: ReferenceInput; values: string[] }; res: { result: ResultForPage } };
  /**
   * Format one reference in a citation style (CSL style id, or 'bibtex' | 'ris' | 'csl-json'). The background
   * builds its CSL item from the resolver's results (or the reference itself), never from the network.
   */
  format: {
    req: { ref: CitedReference; style?: string };
    /** `label`: the style's name, for messages. */
    res: { text: string; html?: string; style: string; label: string };
  };
  /**
   * A whole reference list in one format (numeric styles keep their numbers), items made as for `format`. With
   * `noteKeys` (the work keys of each reference, in order), the user's notes go into the items' `note` fields.
   */
  'format.list': {
    req: { refs: CitedReference[]; style?: string; noteKeys?: string[][] };
    res: { text: string; html?: string; style: string; label: string; count: number };
  };
  /** Every style the user can pick (built-in, then added ones), the default style and the citation language. */
  'styles.list': { req: Record<string, never>; res: { styles: StyleChoice[]; style: string; locale: LocaleId } };
  /** Adds a CSL style file; an invalid one is an error with code 'invalid-style' and stores nothing. */
  'styles.add': { req: { xml: string; fileName?: string }; res: { style: StyleChoice } };
  /** Removes an added style (the default falls back to APA if it was that one). */
  'styles.remove': { req: { id: string }; res: { removed: boolean } };
  /**
   * Saves works to the Zotero desktop app through its local connector. Code 'zotero-unavailable' when Zotero is
   * not running (or refuses), so the page can offer a file download instead.
   */
  'zotero.save': { req: { refs: CitedReference[]; noteKeys?: string[][] }; res: { saved: number } };
  /** Notes for several works at once; keyed by the first work key of each entry that has a note. */
  'notes.get': { req: { keys: string[][] }; res: { notes: Array<Note | null> } };
  /**
   * Saves the note typed on a page. `base` is the stored text the edit started from: when another tab saved in
   * between, the background merges the two (the answer's text then differs from the text sent). `notice` says
   * when the note is kept in this browser only (sync mirror on, note too large or sync area full).
   */
  'notes.save': {
    req: { keys: string[]; text: string; title?: string; url?: string; base?: string };
    res: { note: Note | null; notice?: string };
  };
  /** Every note, most recently updated first (the notes library). */
  'notes.list': { req: Record<string, never>; res: { notes: Note[] } };
  /** Deletes the note stored under `key`; answers the removed note so the library can undo. */
  'notes.delete': { req: { key: string }; res: { note: Note | null } };
  /** Imports a JSON export, all or nothing; an invalid file is an error (code 'invalid-import') and changes nothing. */
  'notes.import': { req: { json: string }; res: { imported: number } };
  /** Edits text and/or tags of the note under `key`; null when the note, left empty, was deleted. */
  'notes.update': { req: { key: string; text?: string; tags?: string[]; base?: string }; res: { note: Note | null } };
  /** The storage.sync mirror of notes: switch and status (which notes stay local only, and why). */
  'notes.sync.get': { req: Record<string, never>; res: SyncStatus };
  'notes.sync.set': { req: { enabled: boolean }; res: SyncStatus };
  'settings.get': { req: Record<string, never>; res: Settings };
  'settings.set': { req: Partial<Settings>; res: Settings };
}

export type MessageType = keyof Protocol;
export type Request<K extends MessageType> = Protocol[K]['req'];
export type Response<K extends MessageType> = Protocol[K]['res'];

export interface Envelope<K extends MessageType = MessageType> {
  reflens: 1;
  type: K;
  payload: Request<K>;
}

/** Failures travel as values so that a rejected promise never crosses the boundary unlabelled. */
export type Reply<K extends MessageType> = { ok: true; value: Response<K> } | { ok: false; error: string; code?: string };

export function isEnvelope(x: unknown): x is Envelope {
  return typeof x === 'object' && x !== null && (x as { reflens?: unknown }).reflens === 1 && typeof (x as { type?: unknown }).type === 'string';
}

/**
 * The one message the background sends to a tab's content script: copy the citation of the reference that has
 * keyboard focus or was last clicked (keyboard shortcut), or that was right-clicked (context menu).
 */
export interface ContentCommand {
  reflensCommand: 'copy-citation';
  via: 'keyboard' | 'context-menu';
}

export function isContentCommand(x: unknown): x is ContentCommand {
  return (x as ContentCommand | null)?.reflensCommand === 'copy-citation';
}

/**
 * The background's word to every tab that the notes of these works changed (typed in another tab, edited in the
 * notes library, or arrived from another device). Content scripts do not watch storage themselves: every write of
 * the lookup caches would reach them too, up to a megabyte each, converted on the page's main thread.
 */
export interface NotesChanged {
  reflensNotesChanged: string[];
}

export function isNotesChanged(x: unknown): x is NotesChanged {
  return Array.isArray((x as NotesChanged | null)?.reflensNotesChanged);
}
