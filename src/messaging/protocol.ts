import type { CslItem } from '../core/csl';
import type { ReferenceInput, ReferenceResult } from '../core/reference';
import type { Note } from '../core/notes';
import type { Settings } from '../core/settings';

/**
 * The one message protocol between content scripts / extension pages and the background.
 * Each entry maps a message type to its request payload and its response.
 */
export interface Protocol {
  /** Resolve a batch of references. Answers one result per input, in input order. */
  resolve: { req: { refs: ReferenceInput[] }; res: { results: ReferenceResult[] } };
  /** The user rejects the looked-up identifiers of one reference; answers the reference resolved again without them. */
  'match.reject': { req: { ref: ReferenceInput; values: string[] }; res: { result: ReferenceResult } };
  /** Format one work in a citation style (CSL style id, or 'bibtex' | 'ris' | 'csl-json'). */
  format: {
    req: { item: CslItem; style?: string };
    res: { text: string; html?: string; style: string };
  };
  /** Notes for several works at once; keyed by the first work key of each entry that has a note. */
  'notes.get': { req: { keys: string[][] }; res: { notes: Array<Note | null> } };
  'notes.save': {
    req: { keys: string[]; text: string; title?: string; url?: string };
    res: { note: Note | null };
  };
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
