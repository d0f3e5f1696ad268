/**
 * The notes library: search, key links, and export / import of all notes (JSON lossless, Markdown, CSV).
 * Pure: no browser APIs, so every format is tested as exact strings.
 */
import { doiUrl, pmcUrl, pubmedUrl } from './identifiers';
import { NOTE_PREFIX, NOTE_SCHEMA_VERSION, parseNote, storageKey, type Note } from './notes';
import { safeHttpUrl } from './url';

export const EXPORT_FORMAT = 'reflens-notes';
/** An import larger than this is refused before parsing (storage.local holds 10 MB in all). */
export const MAX_IMPORT_CHARS = 20_000_000;
const MAX_NOTE_TEXT = 100_000;

export interface NotesExport {
  format: typeof EXPORT_FORMAT;
  /** Note schema version of the notes in the file. */
  version: number;
  exported: string;
  /** Number of notes, so a cut-short file is recognised. */
  count: number;
  notes: Note[];
}

export interface KeyLink {
  kind: 'doi' | 'pubmed' | 'pmc' | 'arxiv';
  label: string;
  value: string;
  href: string;
}

/** Notes in library order: most recently updated first, then by key so the order is total. */
export function sortNotes(notes: readonly Note[]): Note[] {
  return [...notes].sort((a, b) => b.updated - a.updated || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Every note in a storage snapshot (storage.get(null)), migrated, in library order. */
export function notesFromStorage(all: Record<string, unknown>): Note[] {
  const notes: Note[] = [];
  for (const [k, v] of Object.entries(all)) {
    if (!k.startsWith(NOTE_PREFIX)) continue;
    const note = parseNote(v);
    if (note && storageKey(note.key) === k) notes.push(note);
  }
  return sortNotes(notes);
}

/** DOI / PubMed / PMC / arXiv links of the work, from its key and aliases; only http(s) URLs. */
export function keyLinks(note: Pick<Note, 'key' | 'aliases'>): KeyLink[] {
  const links: KeyLink[] = [];
  const seen = new Set<string>();
  for (const key of [note.key, ...note.aliases]) {
    const colon = key.indexOf(':');
    const prefix = key.slice(0, colon);
    const value = key.slice(colon + 1);
    if (!value || seen.has(prefix)) continue;
    let link: Omit<KeyLink, 'href'> & { url: string };
    if (prefix === 'doi') link = { kind: 'doi', label: 'DOI', value, url: doiUrl(value) };
    else if (prefix === 'pmid') link = { kind: 'pubmed', label: 'PubMed', value, url: pubmedUrl(value) };
    else if (prefix === 'pmcid') link = { kind: 'pmc', label: 'PMC', value, url: pmcUrl(value) };
    else if (prefix === 'arxiv') link = { kind: 'arxiv', label: 'arXiv', value, url: `https://arxiv.org/abs/${encodeURI(value)}` };
    else continue;
    const href = safeHttpUrl(link.url);
    if (!href) continue;
    seen.add(prefix);
    links.push({ kind: link.kind, label: link.label, value, href });
  }
  return links;
}

/** Title for display: the stored title, else the title key's text, else the key itself. */
export function displayTitle(note: Pick<Note, 'key' | 'title'>): string {
  if (note.title?.trim()) return note.title.trim();
  if (note.key.startsWith('title:')) return note.key.slice(6).replace(/\|\d*$/, '');
  return note.key;
}

const fold = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

/** The search term that selects one tag: `#tag`, quoted when the tag has spaces. */
export const tagQuery = (tag: string): string => (/[\s"]/.test(tag) ? `#"${tag.replace(/"/g, '')}"` : `#${tag}`);

/**
 * Does the note match the search? Every term (a word, or a "quoted phrase") must occur in its title, text, tags,
 * keys or pages (case- and accent-insensitive); a `#term` or `#"two words"` must equal one of its tags.
 */
export function matchesQuery(note: Note, query: string): boolean {
  const terms = (fold(query).match(/#?"[^"]*"?|\S+/g) ?? [])
    .map((t) => ({ tag: t.startsWith('#'), text: t.replace(/^#/, '').replace(/"/g, '').replace(/\s+/g, ' ').trim() }))
    .filter((t) => t.text);
  if (terms.length === 0) return true;
  const tags = note.tags.map(fold);
  const haystack = fold([note.title ?? '', note.text, ...note.tags, note.key, ...note.aliases, ...note.seenOn].join('\n'));
  return terms.every((t) => (t.tag ? tags.includes(t.text) : haystack.includes(t.text)));
}

// ---------------------------------------------------------------- export

/** Lossless JSON: schema version plus every field of every note. */
export function toJson(notes: readonly Note[], now: Date): string {
  const file: NotesExport = {
    format: EXPORT_FORMAT,
    version: NOTE_SCHEMA_VERSION,
    exported: now.toISOString(),
    count: notes.length,
    notes: [...notes],
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** Backslash-escapes Markdown syntax in page-derived text (titles); one line. */
function mdInline(s: string): string {
  return s.replace(/\s+/g, ' ').trim().replace(/[\\`*_[\]<>#|~&]/g, (c) => `\\${c}`);
}

/** Readable Markdown: one section per note; the note text is the user's own and kept as written. */
export function toMarkdown(notes: readonly Note[], now: Date): string {
  const out = [`# RefLens notes`, '', `Exported ${now.toISOString()}, ${notes.length} note${notes.length === 1 ? '' : 's'}.`, ''];
  for (const n of notes) {
    out.push(`## ${mdInline(displayTitle(n))}`, '');
    for (const l of keyLinks(n)) out.push(`- ${l.label}: <${l.href}>`);
    if (n.tags.length) out.push(`- Tags: ${n.tags.map(mdInline).join(', ')}`);
    out.push(`- Updated: ${new Date(n.updated).toISOString()}`);
    const pages = n.seenOn.map((u) => safeHttpUrl(u)).filter((u): u is string => !!u);
    if (pages.length) out.push(`- Seen on: ${pages.map((u) => `<${u}>`).join(', ')}`);
    out.push('', n.text.trim(), '');
  }
  return out.join('\n');
}

/** One RFC 4180 field, defused for spreadsheets: a cell starting with = + - @ (or tab / CR) gets a leading quote. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const CSV_COLUMNS = ['key', 'title', 'doi', 'pmid', 'pmcid', 'tags', 'text', 'created', 'updated', 'seen_on', 'aliases'] as const;

/** CSV with a header row, CRLF line ends (RFC 4180); lists inside a cell are separated by "; " or new lines. */
export function toCsv(notes: readonly Note[]): string {
  const rows = [CSV_COLUMNS.join(',')];
  for (const n of notes) {
    const link = (kind: KeyLink['kind']) => keyLinks(n).find((l) => l.kind === kind)?.value ?? '';
    const cells = [
      n.key,
      n.title ?? '',
      link('doi'),
      link('pubmed'),
      link('pmc'),
      n.tags.join('; '),
      n.text,
      new Date(n.created).toISOString(),
      new Date(n.updated).toISOString(),
      n.seenOn.join('\n'),
      n.aliases.join('\n'),
    ];
    rows.push(cells.map(csvCell).join(','));
  }
  return `${rows.join('\r\n')}\r\n`;
}

// ---------------------------------------------------------------- import

export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportError';
  }
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** Why one exported note is not valid, or undefined when it is. Strict: an import must not silently drop data. */
function noteProblem(x: unknown): string | undefined {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return 'is not an object';
  const o = x as Record<string, unknown>;
  if (o.v !== 1 && o.v !== NOTE_SCHEMA_VERSION) return `has unknown schema version ${JSON.stringify(o.v)}`;
  if (typeof o.key !== 'string' || !/^[a-z]+:./.test(o.key) || o.key.length >= 2000) return 'has no valid "key"';
  if (typeof o.text !== 'string') return 'has no "text"';
  if (o.text.length > MAX_NOTE_TEXT) return 'has a text over 100,000 characters';
  if (!isTime(o.created) || !isTime(o.updated)) return 'needs "created" and "updated" times (milliseconds)';
  if (o.title !== undefined && typeof o.title !== 'string') return 'has a "title" that is not text';
  if (!isStringArray(o.aliases)) return 'needs "aliases" as a list of texts';
  if (!isStringArray(o.seenOn)) return 'needs "seenOn" as a list of texts';
  if (o.v === NOTE_SCHEMA_VERSION && !isStringArray(o.tags)) return 'needs "tags" as a list of texts';
  if (o.v === 1 && o.tags !== undefined) return 'has "tags", which schema version 1 does not have';
  return undefined;
}

/**
 * Parses and validates a JSON export completely; throws ImportError naming the first problems, so a caller can
 * write all notes at once or nothing. Version-1 notes are migrated.
 */
export function parseNotesExport(json: string): Note[] {
  if (typeof json !== 'string' || json.trim() === '') throw new ImportError('The file is empty.');
  if (json.length > MAX_IMPORT_CHARS) throw new ImportError('The file is too large to be a RefLens notes export.');
  let data: unknown;
  try {
    data = JSON.parse(json.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new ImportError(`The file is not valid JSON (is it complete?): ${(err as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || (data as { format?: unknown }).format !== EXPORT_FORMAT) {
    throw new ImportError('This is not a RefLens notes export (its "format" is not "reflens-notes").');
  }
  const file = data as Record<string, unknown>;
  if (typeof file.version !== 'number' || !Number.isInteger(file.version) || file.version < 1) {
    throw new ImportError('The export has no valid schema "version".');
  }
  if (file.version > NOTE_SCHEMA_VERSION) {
    throw new ImportError(`The export was made by a newer RefLens (notes schema ${file.version}); update RefLens first.`);
  }
  if (!Array.isArray(file.notes)) throw new ImportError('The export has no "notes" list.');
  if (file.count !== undefined && file.count !== file.notes.length) {
    throw new ImportError(`The export is incomplete: it announces ${String(file.count)} notes but holds ${file.notes.length}.`);
  }
  const problems: string[] = [];
  const keys = new Set<string>();
  file.notes.forEach((x, i) => {
    const problem = noteProblem(x);
    const key = (x as { key?: unknown })?.key;
    const label = `Note ${i + 1}${typeof key === 'string' ? ` (${key.slice(0, 80)})` : ''}`;
    if (problem) problems.push(`${label} ${problem}.`);
    else if (keys.has(key as string)) problems.push(`${label} appears twice.`);
    else keys.add(key as string);
  });
  if (problems.length) {
    const more = problems.length > 3 ? ` (and ${problems.length - 3} more problems)` : '';
    throw new ImportError(`Nothing was imported. ${problems.slice(0, 3).join(' ')}${more}`);
  }
  return file.notes.map((x) => parseNote(x)!);
}
