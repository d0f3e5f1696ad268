/**
 * Notes schema and pure note logic. A note belongs to a cited work and is stored under that work's strongest
 * key (doi: > pmid: > pmcid: > title:), so the same work cited on any page finds it.
 */
export const NOTE_SCHEMA_VERSION = 1;
export const NOTE_PREFIX = 'note:';
/** How many page URLs a note remembers. */
const MAX_SEEN = 25;

export interface Note {
  v: typeof NOTE_SCHEMA_VERSION;
  /** The work key the note is stored under. */
  key: string;
  /** Other keys the work was seen under (e.g. its title key before a DOI was known). */
  aliases: string[];
  text: string;
  /** Title of the cited work, for the notes list. */
  title?: string;
  /** Epoch milliseconds. */
  created: number;
  updated: number;
  /** Pages (URLs) where the work was cited when the note was edited; local only, never sent anywhere. */
  seenOn: string[];
}

export const storageKey = (workKey: string): string => NOTE_PREFIX + workKey;

/** Validates a stored or imported value; returns null for anything that is not a well-formed note. */
export function parseNote(x: unknown): Note | null {
  if (typeof x !== 'object' || x === null) return null;
  const o = x as Record<string, unknown>;
  if (o.v !== NOTE_SCHEMA_VERSION || typeof o.key !== 'string' || typeof o.text !== 'string') return null;
  if (typeof o.created !== 'number' || typeof o.updated !== 'number') return null;
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
  return {
    v: NOTE_SCHEMA_VERSION,
    key: o.key,
    aliases: strings(o.aliases),
    text: o.text,
    title: typeof o.title === 'string' ? o.title : undefined,
    created: o.created,
    updated: o.updated,
    seenOn: strings(o.seenOn),
  };
}

/**
 * The note after an edit. `existing` may have been stored under a weaker key; the result is keyed by the
 * strongest key now known (keys[0]) and remembers the others as aliases.
 */
export function applyEdit(
  existing: Note | null,
  edit: { keys: string[]; text: string; title?: string; url?: string },
  now: number,
): Note {
  const key = edit.keys[0];
  if (!key) throw new Error('A note needs a work key');
  const aliases = new Set([...(existing?.aliases ?? []), ...(existing ? [existing.key] : []), ...edit.keys]);
  aliases.delete(key);
  const seen = existing?.seenOn.filter((u) => u !== edit.url) ?? [];
  if (edit.url) seen.unshift(edit.url);
  return {
    v: NOTE_SCHEMA_VERSION,
    key,
    aliases: [...aliases],
    text: edit.text,
    title: edit.title ?? existing?.title,
    created: existing?.created ?? now,
    updated: now,
    seenOn: seen.slice(0, MAX_SEEN),
  };
}
