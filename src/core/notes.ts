/**
 * Notes schema and pure note logic. A note belongs to a cited work and is stored under that work's strongest
 * key (doi: > pmid: > pmcid: > title:), so the same work cited on any page finds it.
 */
export const NOTE_SCHEMA_VERSION = 2;
export const NOTE_PREFIX = 'note:';
/** How many page URLs a note remembers. */
const MAX_SEEN = 25;
const MAX_TAGS = 50;
const MAX_TAG_LENGTH = 60;

export interface Note {
  v: typeof NOTE_SCHEMA_VERSION;
  /** The work key the note is stored under. */
  key: string;
  /** Other keys the work was seen under (e.g. its title key before a DOI was known). */
  aliases: string[];
  text: string;
  /** User labels, trimmed, unique (case-insensitively), in the order added. Schema v2; v1 notes read as []. */
  tags: string[];
  /** Title of the cited work, for the notes list. */
  title?: string;
  /** Epoch milliseconds. */
  created: number;
  updated: number;
  /** Pages (URLs) where the work was cited when the note was edited; local only, never sent anywhere. */
  seenOn: string[];
}

export const storageKey = (workKey: string): string => NOTE_PREFIX + workKey;

/** Trims, drops empties and case-insensitive duplicates, caps length and count. */
export function normalizeTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of tags) {
    const tag = raw.replace(/\s+/g, ' ').trim().slice(0, MAX_TAG_LENGTH);
    if (!tag || seen.has(tag.toLowerCase())) continue;
    seen.add(tag.toLowerCase());
    out.push(tag);
    if (out.length === MAX_TAGS) break;
  }
  return out;
}

/**
 * Validates a stored value, migrating older schema versions (v1 had no tags); returns null for anything that is
 * not a well-formed note. `title` is omitted, not undefined, when absent so notes compare equal after JSON.
 */
export function parseNote(x: unknown): Note | null {
  if (typeof x !== 'object' || x === null) return null;
  const o = x as Record<string, unknown>;
  if ((o.v !== 1 && o.v !== NOTE_SCHEMA_VERSION) || typeof o.key !== 'string' || typeof o.text !== 'string') return null;
  if (typeof o.created !== 'number' || typeof o.updated !== 'number') return null;
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
  const note: Note = {
    v: NOTE_SCHEMA_VERSION,
    key: o.key,
    aliases: strings(o.aliases),
    text: o.text,
    tags: o.v === 1 ? [] : normalizeTags(strings(o.tags)),
    created: o.created,
    updated: o.updated,
    seenOn: strings(o.seenOn),
  };
  if (typeof o.title === 'string') note.title = o.title;
  return note;
}

/** A note with no text and no tags carries nothing worth keeping. */
export const isEmptyNote = (n: Pick<Note, 'text' | 'tags'>): boolean => n.text.trim() === '' && n.tags.length === 0;

/** The work keys a storage change touches (stored keys plus the aliases of old and new values). */
export function workKeysOfChange(changes: Record<string, { oldValue?: unknown; newValue?: unknown }>): Set<string> {
  const keys = new Set<string>();
  // Only notes' values are read: most changes are the lookup cache's, large and of no interest here.
  for (const k of Object.keys(changes)) {
    if (!k.startsWith(NOTE_PREFIX)) continue;
    keys.add(k.slice(NOTE_PREFIX.length));
    const change = changes[k]!;
    for (const v of [change.oldValue, change.newValue]) {
      const note = parseNote(v);
      if (note) for (const a of [note.key, ...note.aliases]) keys.add(a);
    }
  }
  return keys;
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
  const note: Note = {
    v: NOTE_SCHEMA_VERSION,
    key,
    aliases: [...aliases],
    text: edit.text,
    tags: existing?.tags ?? [],
    created: existing?.created ?? now,
    // Strictly later than the edit before, even within one millisecond: sync compares these times.
    updated: Math.max(now, (existing?.updated ?? 0) + 1),
    seenOn: seen.slice(0, MAX_SEEN),
  };
  const title = edit.title ?? existing?.title;
  if (title !== undefined) note.title = title;
  return note;
}
