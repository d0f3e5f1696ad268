import type { CslItem, CslName } from './csl';
import type { ExtractedReference } from './reference';
import { collapse } from './text';

/*
 * CSL fields of a Vancouver-style (medical) reference from what it prints, as an adapter reads it off the page
 * without interpreting it (PrintedReference). The background makes the fields (withPrintedCsl), so that pages do not
 * run the name and journal-line parsers for every item of lists of thousands: cold in the page, they were a quarter
 * of the time spent reading an item.
 *
 * Author names: "Murthy RK" becomes {family: "Murthy", given: "R.K."}: initials get a period each, hyphenated
 * initials keep the hyphen ("Kim S-B" -> "S.-B."), so CSL processors can re-initialise them in any style.
 */

/** What a reference prints, block by block; `free` when it is running text (fields then come from its text). */
export interface PrintedReference {
  /** Author names as printed ("Murthy RK", "Makino, H.", "et al."). */
  authors?: string[];
  /** The author list ends in "…" (more authors than printed). */
  truncated?: boolean;
  /** The bold title line, as printed. */
  title?: string;
  /** The journal line ("N Engl J Med. 2020; 382: 597-609") and its italic part (the journal). */
  source?: string;
  journal?: string;
  /** Any other text after those blocks, block by block. */
  rest?: string[];
  free?: boolean;
}

const endSentence = (s: string) => (/[.?!]$/.test(s) ? s : `${s}.`);

/**
 * The reference's text from its blocks: author list, title, journal line, then the rest. An adapter makes the text
 * of a structured reference with it, so that the text need not travel with the blocks (see forLookup).
 */
export function printedText(p: PrintedReference): string {
  const parts: string[] = [];
  const authors = p.authors?.join(', ');
  if (authors) parts.push(endSentence(p.truncated ? `${authors}, et al.` : authors));
  if (p.title) parts.push(endSentence(p.title));
  if (p.source) parts.push(p.source);
  if (p.rest) parts.push(...p.rest);
  return collapse(parts.join(' '));
}

const YEAR = String.raw`(?:1[5-9]|20)\d{2}`;
/** PDF-extraction debris "A BS TR AC T" (a spaced-out "Abstract") glued to the end of a scraped title. */
const SPACED_ABSTRACT = /\s+A\s+BS\s+TR\s+AC\s+T\.?$/i;
/** Mendeley's "Science (80-. )" journal-name artefact. */
const SCIENCE_80 = /\s*\(80-\s*\.?\s*\)$/;
const INITIALS = /^(?:\p{Lu}\.?-?){1,4}$/u;
const INSTITUTION =
  /\b(?:group|committee|consortium|society|association|organi[sz]ation|collaborat\w*|investigators|network|institute|council|board|panel|team|working|foundation|agency|programme|program|study|trial)\b/i;
export const ET_AL = /^et\.?\s*al\.?$/i;
const CONTAINER_THEN_YEAR = new RegExp(String.raw`^(.*?)[.,]?\s+(${YEAR}\b.*)$`);
const YEAR_THEN_VOLUME = new RegExp(String.raw`^\s*(${YEAR})[a-z]?\b\s*;?\s*(.*)$`);
const FREE_VOLUME = new RegExp(String.raw`\b(${YEAR})\s*;\s*([^\s:;(]+)?\s*(?:\(([^)]+)\))?\s*:\s*([\w-]+)`);
const FREE_YEAR = new RegExp(String.raw`\b(${YEAR})\b`);

/** "RK" -> "R.K.", "S-B" -> "S.-B.", ["N", "I"] -> "N.I.". */
function formatInitials(tokens: string[]): string {
  return tokens
    .join('')
    .replace(/\./g, '')
    .replace(/\p{Lu}/gu, (ch) => `${ch}.`);
}

/** One printed name: "Murthy RK", "Kim S-B", "D'yachkova Y", "Khan SA.", "Angelo, K.", institutions as literal. */
export function parseAuthorName(raw: string): CslName | undefined {
  const text = collapse(raw);
  if (!text || ET_AL.test(text)) return undefined;
  const comma = text.indexOf(',');
  if (comma > 0) {
    const family = text.slice(0, comma).trim();
    const given = text.slice(comma + 1).trim();
    return given ? { family, given } : { family };
  }
  const s = text.replace(/\.$/, '');
  const tokens = s.split(' ');
  let i = tokens.length;
  while (i > 1 && INITIALS.test(tokens[i - 1] ?? '')) i--;
  const familyPart = tokens.slice(0, i).join(' ');
  if (INSTITUTION.test(familyPart)) return { literal: s };
  if (i < tokens.length) return { family: familyPart, given: formatInitials(tokens.slice(i)) };
  if (tokens.length === 1) return /^\p{Lu}{2,}$/u.test(s) ? { literal: s } : { family: s };
  return { literal: s };
}

function namesToCsl(names: string[], csl: Partial<CslItem>): void {
  const authors: CslName[] = [];
  for (const n of names) {
    if (ET_AL.test(collapse(n))) {
      csl._etAl = true;
      continue;
    }
    const name = parseAuthorName(n);
    if (name) authors.push(name);
  }
  if (authors.length) csl.author = authors;
}

function cleanTitle(raw: string): string {
  return raw
    .trim()
    .replace(SPACED_ABSTRACT, '')
    .replace(/\s*[†‡§*]+\.?$/u, '')
    .replace(/\s*\.$/, '')
    .trim();
}

/** "2020; 382: 597-609", "2017; 17 (e2): 601-610", "2019; : 1-10", "2020; 38 (LBA2-LBA2)", "2018; 2018". */
function applyVolumeLine(rest: string, csl: Partial<CslItem>): void {
  const m = /^([^\s:(;]+)?\s*(?:\(([^)]*)\))?\s*(?::\s*(\S[^;]*?))?\s*\.?$/.exec(rest.trim());
  if (!m) return;
  const [, volume, issue, page] = m;
  if (volume) csl.volume = volume;
  const sameEnds = issue ? /^(\S+?)\s*[-–]\s*(\S+)$/.exec(issue) : null;
  // "(LBA2-LBA2)" is an abstract number misfiled as issue: a range with equal ends is a single page.
  if (sameEnds && sameEnds[1] === sameEnds[2] && !page) csl.page = sameEnds[1];
  else if (issue) csl.issue = issue.trim();
  if (page) csl.page = page.replace(/–/g, '-');
}

/** The journal line: italic journal, year, volume, issue, pages. */
function applySource(source: { line: string; italic?: string }, csl: Partial<CslItem>): void {
  let container: string | undefined;
  let after = source.line;
  if (source.italic && source.line.startsWith(source.italic)) {
    container = source.italic;
    after = source.line.slice(source.italic.length);
  } else {
    const m = CONTAINER_THEN_YEAR.exec(source.line);
    if (m) {
      container = m[1];
      after = m[2] ?? '';
    }
  }
  const y = YEAR_THEN_VOLUME.exec(after);
  if (y?.[1]) {
    csl.issued = { 'date-parts': [[Number(y[1])]] };
    applyVolumeLine(y[2] ?? '', csl);
  }
  container = container?.trim().replace(/\.$/, '').replace(SCIENCE_80, '').trim();
  if (!container) return;
  // A scraped article title ended up as the journal (it carries the spaced-out "Abstract" debris).
  if (SPACED_ABSTRACT.test(`${container}.`) && !csl.title) csl.title = cleanTitle(container);
  else csl['container-title'] = container;
}

/** Best effort for free-text items ("1. Steenbruggen TG, …, et al. Title? 2019;178:597-605. doi:…"). */
function parseFreeText(text: string, csl: Partial<CslItem>): void {
  const t = text.replace(/^\s*\d{1,3}\.\s+/, '');
  const boundary = /(?:\bet\s+al\.|(?<=\s)(?:\p{Lu}\.?-?){1,4}\.)\s+(?=[\p{Lu}\p{N}"“'])/u.exec(t);
  let rest = t;
  if (boundary) {
    const head = t.slice(0, boundary.index + boundary[0].length).trim();
    const names = head.split(/\s*,\s*/).filter(Boolean);
    if (names.every((n) => ET_AL.test(n) || parseAuthorName(n)?.given || parseAuthorName(n)?.literal)) {
      namesToCsl(names, csl);
      rest = t.slice(boundary.index + boundary[0].length);
    }
  }
  const end = /[.?!](?=\s|$)/.exec(rest);
  const title = cleanTitle(end ? rest.slice(0, end.index + (end[0] === '.' ? 0 : 1)) : rest);
  if (title) csl.title = title;
  const tail = (end ? rest.slice(end.index + 1) : '')
    .replace(/\b(?:doi:\s*|https?:\/\/\S+)\S*/gi, ' ')
    .replace(/\b10\.\d{4,9}\/\S+/g, ' ');
  const vol = FREE_VOLUME.exec(tail);
  const year = vol?.[1] ?? FREE_YEAR.exec(tail)?.[1];
  if (year) csl.issued = { 'date-parts': [[Number(year)]] };
  if (vol) {
    if (vol[2]) csl.volume = vol[2];
    if (vol[3]) csl.issue = vol[3];
    if (vol[4]) csl.page = vol[4];
  }
}

/** The CSL fields of a printed reference whose text is `text`. */
export function cslFromPrinted(printed: PrintedReference, text: string): Partial<CslItem> {
  const csl: Partial<CslItem> = {};
  if (printed.free) {
    parseFreeText(text, csl);
    return csl;
  }
  if (printed.authors?.length) {
    namesToCsl(printed.authors, csl);
    if (printed.truncated) csl._etAl = true;
  }
  const title = printedTitle(printed);
  if (title) csl.title = title;
  if (printed.source) applySource({ line: printed.source, italic: printed.journal }, csl);
  return csl;
}

/**
 * The title the page has for a reference without asking the background: its own CSL title, else its printed title
 * line as cslFromPrinted makes it (the background sends a result's title only when it differs from this).
 */
export function pageTitle(ref: Pick<ExtractedReference, 'csl' | 'printed'>): string | undefined {
  return ref.csl.title ?? (ref.printed ? printedTitle(ref.printed) : undefined);
}

/** The printed title line, cleaned; undefined when nothing is left. */
function printedTitle(printed: PrintedReference): string | undefined {
  return printed.title ? cleanTitle(printed.title) || undefined : undefined;
}

/** The reference with the CSL fields of what it prints (the page's own fields win); as is when it has none. */
export function withPrintedCsl<T extends ExtractedReference>(ref: T): T {
  const { printed, ...rest } = ref;
  if (!printed) return ref;
  const csl: Record<string, unknown> = { ...ref.csl };
  for (const [field, value] of Object.entries(cslFromPrinted(printed, ref.text))) csl[field] ??= value;
  return { ...rest, csl } as unknown as T;
}
