/**
 * Validation similarity of one search hit against an unstructured reference string, after Crossref's
 * search-based matching with validation (SBMV, Tkaczyk 2018-19; docs/matching.md §1.1): generalised Jaccard over
 * numbers (each consumed once), first-author name and relevance, a support rule, a penalty per unexplained number.
 * Additions, each measured on the tune half with scripts/eval-match.ts (precision first):
 *  - the string's words explained by the record (a different title or author list lowers the score);
 *  - conflicts (the string prints another year / first page, or another first author, or a page of a whole book) cost
 *    extra;
 *  - absence is not evidence: no penalty for an issue, last page or title number the string does not print,
 *    nor for the printed year when the record has none;
 *  - the supports must include something article-specific (a non-generic title, a first page other than a bare
 *    "1", or, for title-less styles, two of the record's authors or one and the volume in the journal's year, or
 *    its whole author list in the journal's exact year with nothing else printed, or a short title printed whole
 *    that is not front matter), the journal title counts as a support, and a volume equal to the single printed
 *    year counts once; a record with only a title and a year is named by a long title printed whole (or all its
 *    words) with that year;
 *  - a number with one OCR-misread character ("2n06"), or a letter put in between its digits ("1N099"), gets half
 *    credit instead of counting against;
 *  - a word split by a stray space, run together with the next, or with one misread character is explained;
 *  - a number split by a stray space ("(20 06)") counts whole when the record holds the whole, and one split and
 *    misread at once ("(20 1R)") gets half credit; a first page so read counts as support like a plain one;
 *  - a long word run together and misread ("Nuwsibgstandard") is explained within one edit per six characters;
 *  - an author list that contradicts the record's (another of its authors first, or a co-author skipped with no
 *    "et al." or "…") counts against it;
 *  - numbers printed beside the citation (a day, an online date, a discussion's pages, "3rd"), a supplement or part
 *    beside the issue, and the last page of a lettered range ("E592-E602") are not evidence against a record.
 */
import {
  candidateAuthorFamilies,
  candidateContainer,
  candidateFirstAuthor,
  candidateIssue,
  candidateNames,
  candidatePage,
  candidateShortContainer,
  candidateTitle,
  candidateVolume,
  candidateYear,
  nameFamily,
} from './candidate';
import { partialRatio, withinEditsOfSubstring } from './fuzzy';
import { GenJaccard } from './jaccard';
import { canonicalNumber, contentWords, expandPageRanges, normalizeText, numbersIn, searchQueryText } from './text';
import type { Candidate, CandidateName, ValidateOptions, ValidationTuning } from './types';

/** Tuned on the tune half of shared/eval/matching-tune.jsonl (see scripts/eval-match.ts). */
export const DEFAULT_TUNING: ValidationTuning = {
  restWeight: 1,
  wordsWeight: 1,
  conflictWeight: 2,
  authorConflictWeight: 2,
  specificTitleLength: 15,
  ambiguityMargin: 0.01,
  specificAuthorCount: 2,
  garbledNumberCredit: 0.5,
  splitNumberCredit: 1,
  authorListConflict: true,
  noisyWords: true,
  titleConflictRun: 3,
  titleSubstitution: true,
};

/** Minimum number of agreeing fields for a non-zero similarity (SBMV). */
export const MIN_SUPPORT = 3;
/** Fuzzy agreement needed for title, journal and first author to count as support (SBMV). */
export const FUZZY_SUPPORT = 0.7;
/** First-author similarity below which the string is taken to name someone else. */
const AUTHOR_CONFLICT = 0.5;
/** A citation label and single-letter initials at the start of a normalised string: "1 a y l " of "1 A.Y.L. Ho". */
const LEADING_LABEL_AND_INITIALS = /^(?:\d{1,4} )?(?:\p{L} )*/u;

/** A reference string prepared once and validated against many candidates. */
export interface PreparedReference {
  /** Length of the string as sent to search (the denominator of the normalised relevance score). */
  queryLength: number;
  /** Normalised text (folded, letters and digits, single spaces). */
  norm: string;
  /** Bibliographic numbers in order, leading zeros dropped. */
  numbers: string[];
  /** Last page of each "first-last" range, keyed by first page. */
  rangeEnds: Map<string, string>;
  /** Ranges that read as pages ("22-32": rising, not inside a decimal or a "5_17" page label). */
  pageRanges: [first: string, last: string][];
  /** "volume(issue)" pairs seen in the string, with both numbers of a combined issue ("163(1-3)"). */
  volumeIssue: Map<string, string[]>;
  /** `norm` without its spaces: a word a PDF split or ran with the next one is still in it whole. */
  normJoined: string;
  /** Content words of the string (see contentWords). */
  words: string[];
  /** Tokens of digits with one letter in place of a digit ("2n06", "201A"), as OCR noise leaves them. */
  garbled: string[];
  /**
   * Numbers printed beside the citation, which no record field holds: days of dates ("January 31"), an online date
   * ("Epub 2008 Nov 5"), pages of a published discussion or reply ("discussion 347"), ordinals ("Maher LJ 3rd").
   */
  asides: string[];
  /** Neighbouring numbers one space apart ("(20 06)", "1 631"), as printed: a PDF may have split one number. */
  splits: [first: string, second: string][];
  /**
   * Letters-and-digits stretches of the text with single spaces taken out, and the digit runs in each: where a number
   * split by a stray space and misread at once ("(20 1R)" for 2013, "x535" for 1535) can still be read.
   */
  stretches: Stretch[];
  /** The author list is cut short ("et al.", "…"): names it skips are not evidence. */
  authorsTruncated: boolean;
  /** The string with case and punctuation kept, quotes unified and spaces collapsed (see asPrinted). */
  printed: string;
  /** `printed` in lower case. */
  printedFolded: string;
  /** The words of `norm`. */
  wordSet: ReadonlySet<string>;
  /** A page range printed in Roman numerals ("ix–x"), if any. */
  romanRange: string | undefined;
}

const MONTH =
  '(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\\b\\.?';
const DAY_RE = new RegExp(`\\b${MONTH}\\s*(\\d{1,2})(?!\\d)|(?<!\\d)(\\d{1,2})\\s+${MONTH}`, 'gi');

const ONLINE_DATE_RE = new RegExp(`\\b(?:epub|published online)\\b:?(?:\\s*(?:\\d{4}|\\d{1,2}(?!\\d)|${MONTH}),?)+`, 'gi');
const DISCUSSION_RE = /\b(?:discussion|author reply)\s+[a-z]?\d+(?:\s*[-\u2010-\u2015\u2212]\s*[a-z]?\d+)?/gi;
const ORDINAL_RE = /(?<![\p{L}\p{N}])(\d{1,2})(?:st|nd|rd|th)(?![\p{L}\p{N}])/giu;

function asidesIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(DAY_RE)) {
    const day = canonicalNumber(m[1] ?? m[2]!);
    if (Number(day) >= 1 && Number(day) <= 31) out.push(day);
  }
  for (const m of text.matchAll(ONLINE_DATE_RE)) out.push(...numbersIn(m[0]).map(canonicalNumber));
  for (const m of text.matchAll(DISCUSSION_RE)) out.push(...numbersIn(m[0]).map(canonicalNumber));
  for (const m of text.matchAll(ORDINAL_RE)) out.push(canonicalNumber(m[1]!));
  return out;
}

/** A token of 2-5 characters, one of them a letter among digits: where OCR misread a digit ("2n06", "201A"). */
function isGarbledNumber(token: string): boolean {
  return token.length >= 2 && token.length <= 5 && /\d/.test(token) && token.replace(/\d/g, '').length === 1;
}

const SUPPLEMENT_RE =
  /(\d+)[a-z]?(?:\s*\(\s*(?:(\d+)\s*,?\s*)?|\s+)(?:suppl(?:ement)?|pt|part|spec(?:ial)?(?:\s+(?:no|iss(?:ue)?))?)\.?(?:\s*(\d+))?/gi;
// A page range whose pages carry a letter: e-pages and supplements ("E592-E602", "S181- S184", "544S-548S", "S20-7").
const LETTERED_RANGE_RE =
  /(?<![\p{L}\p{N}])([a-z]?)(\d+)([a-z]?)\s?[-\u2010-\u2015\u2212]\s?([a-z]?)(\d+)([a-z]?)(?![\p{L}\p{N}])/giu;

/** First and last page of each lettered page range, the last written out ("S20-7" ends at 27). */
function letteredRanges(text: string): [first: string, last: string][] {
  const out: [string, string][] = [];
  for (const m of text.matchAll(LETTERED_RANGE_RE)) {
    const [, before = '', first = '', after = '', before2 = '', last = '', after2 = ''] = m;
    const letter = (before + after).toLowerCase();
    // One letter on the first page, and the last page with the same one or none.
    if (letter.length !== 1 || !['', letter].includes((before2 + after2).toLowerCase())) continue;
    const end = last.length < first.length ? first.slice(0, first.length - last.length) + last : last;
    if (Number(end) >= Number(first)) out.push([canonicalNumber(first), canonicalNumber(end)]);
  }
  return out;
}

export function prepareReference(refString: string): PreparedReference {
  const query = searchQueryText(refString);
  const text = expandPageRanges(query);
  const rangeEnds = new Map<string, string>();
  for (const m of text.matchAll(/(\d+)-(\d+)/g)) rangeEnds.set(canonicalNumber(m[1]!), canonicalNumber(m[2]!));
  for (const [first, last] of letteredRanges(text)) if (!rangeEnds.has(first)) rangeEnds.set(first, last);
  const volumeIssue = new Map<string, string[]>();
  for (const m of text.matchAll(/(\d+)[a-z]?\s*\((\d+)(?:-(\d+))?\)/gi)) {
    volumeIssue.set(canonicalNumber(m[1]!), [m[2]!, ...(m[3] === undefined ? [] : [m[3]])].map(canonicalNumber));
  }
  // A supplement or part beside or in place of the issue ("31(Suppl 2)", "54 Suppl 1", "35(4 Suppl 1)", "14(1 Pt 1)"),
  // as Crossref records often leave it out.
  for (const m of text.matchAll(SUPPLEMENT_RE)) {
    const volume = canonicalNumber(m[1]!);
    const numbers = [m[2], m[3]].filter((n): n is string => n !== undefined).map(canonicalNumber);
    if (!volumeIssue.has(volume) && numbers.length > 0) volumeIssue.set(volume, numbers);
  }
  const norm = normalizeText(text);
  const printed = asPrinted(query);
  return {
    queryLength: Math.max(1, query.length),
    norm,
    normJoined: norm.replace(/ /g, ''),
    numbers: numbersIn(text).map(canonicalNumber),
    rangeEnds,
    pageRanges: [...text.matchAll(PAGE_RANGE_RE)]
      .map((m): [string, string] => [canonicalNumber(m[1]!), canonicalNumber(m[2]!)])
      .filter(([a, b]) => Number(a) < Number(b)),
    volumeIssue,
    words: contentWords(text),
    garbled: (text.match(/[\p{L}\p{N}]+/gu) ?? []).filter(isGarbledNumber),
    asides: asidesIn(text),
    splits: splitNumbersIn(text),
    stretches: stretchesIn(text),
    authorsTruncated: TRUNCATED_RE.test(text),
    printed,
    printedFolded: printed.toLowerCase(),
    wordSet: new Set(norm.split(' ')),
    romanRange: ROMAN_RANGE_RE.exec(text)?.[0],
  };
}

/** Whether `field` occurs in `text` with no letter or digit joined to either end ("KAS-R" is not in "KAS-RR"). */
function occursAsWhole(text: string, field: string): boolean {
  for (let at = text.indexOf(field); at >= 0; at = text.indexOf(field, at + 1)) {
    if (!WORD_CHAR_RE.test(text.charAt(at - 1)) && !WORD_CHAR_RE.test(text.charAt(at + field.length))) return true;
  }
  return false;
}
const WORD_CHAR_RE = /[\p{L}\p{N}]/u;
/**
 * Evidence that the string was written from this record: its title, journal and first author printed whole with
 * their case and punctuation (1 each; 0.5 when only the case differs, as title-casing styles print them), and each
 * word of two or more letters of its author names that the string prints ("Lasse" of "Kjær, Lasse" against a
 * record with "L."). Initials are left out: styles write any given name as them.
 */
function verbatimEvidence(ref: PreparedReference, fields: readonly (string | undefined)[], cand: Candidate): number {
  let evidence = 0;
  for (const f of fields) {
    if (f === undefined || f.length < 2) continue;
    const printed = asPrinted(f);
    if (occursAsWhole(ref.printed, printed)) evidence += 1;
    else if (occursAsWhole(ref.printedFolded, printed.toLowerCase())) evidence += 0.5;
  }
  const nameWords = new Set(
    candidateNames(cand).flatMap((n) => normalizeText(`${typeof n.given === 'string' ? n.given : ''} ${nameFamily(n) ?? ''}`).split(' ')),
  );
  for (const w of nameWords) if (w.length >= 2 && ref.wordSet.has(w)) evidence += 1;
  return evidence;
}

/** Text compared as printed: case and punctuation kept, only quote variants and spacing unified. */
function asPrinted(s: string): string {
  return s
    .replace(/<[^>]+>/g, ' ')
    .replace(/[\u2018\u2019\u201a\u201b\u2032`´]/g, "'")
    .replace(/[\u201c\u201d\u201e\u2033]/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A page or page range in Roman numerals ("iii", "vii-viii", "I–VIII"), as front matter is paged. */
const ROMAN_PAGES_RE = /^([ivxlcdm]+)(?:\s*[-\u2010-\u2015\u2212]\s*([ivxlcdm]+))?$/i;
/** The dashes of page ranges, for patterns built from pieces. */
const DASH = '[-\u2010-\u2015\u2212]';
/** A page range in lower-case Roman numerals, as front matter is paged ("ix–x", "vii-xii"). */
const ROMAN_NUMERAL = '(?=[ivxlc])c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})';
const ROMAN_RANGE_RE = new RegExp(`(?<![\\p{L}\\p{N}])${ROMAN_NUMERAL}\\s?${DASH}\\s?${ROMAN_NUMERAL}(?![\\p{L}\\p{N}])`, 'u');

const PAGE_RANGE_RE = /(?<![\d._])(\d+)-(\d+)(?![\d_]|\.\d)/g;

// "…" or "..." before a name; ". . ." with nothing after is an empty field of a degraded string.
const TRUNCATED_RE = /(?:…|\.\s?\.\s?\.)\s*\p{L}|\bet\.?\s?al\b|\band others\b|\bu\.\s?a\./iu;

// Two digit runs one space apart, overlapping pairs included ("1 9 88" gives "1 9" and "9 88").
const SPLIT_RE = /(?<![\p{L}\p{N}.,])(\d{1,3}) (?=(\d{1,3})(?![\p{L}\p{N}]|\.\d))/gu;

function splitNumbersIn(text: string): [string, string][] {
  return [...text.matchAll(SPLIT_RE)].map((m) => [m[1]!, m[2]!]);
}

/** A run of letters and digits with the single spaces inside it removed, and its digit runs as the text has them. */
export interface Stretch {
  text: string;
  /** Digit runs of the text (not joined across spaces): start and end in `text`, value without leading zeros. */
  runs: [start: number, end: number, value: string][];
}

function stretchesIn(text: string): Stretch[] {
  const out: Stretch[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}]+(?: [\p{L}\p{N}]+)*/gu)) {
    if (!/\d/.test(m[0])) continue;
    const words = m[0].split(' ');
    const runs: Stretch['runs'] = [];
    let at = 0;
    for (const w of words) {
      for (const r of w.matchAll(/\d+/g)) runs.push([at + r.index, at + r.index + r[0].length, canonicalNumber(r[0])]);
      at += w.length;
    }
    out.push({ text: words.join(''), runs });
  }
  return out;
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isLetter = (c: string | undefined) => c !== undefined && !isDigit(c);

/**
 * Where a stretch prints `value` through PDF noise: its digits in place, whole digit runs only, and either pieces a
 * stray space split ("1 985" in "Y1 985)") or one digit read as a letter in a number of ≥ 3 digits that stands apart
 * from words ("20 1R", "x535"; not the "h" of "Research 67"). The digit runs it takes and whether a letter stood in.
 */
function findNoisyNumber(
  stretches: readonly Stretch[],
  value: string,
  pool: readonly string[],
): { runs: string[]; misread: boolean } | undefined {
  const n = value.length;
  for (const { text, runs } of stretches) {
    for (let a = 0; a + n <= text.length; a++) {
      const b = a + n;
      if (isDigit(text[a - 1]) || isDigit(text[b])) continue;
      let letterAt = -1;
      let ok = true;
      for (let i = 0; i < n && ok; i++) {
        const c = text[a + i]!;
        if (isDigit(c)) ok = c === value[i];
        else if (letterAt >= 0 || n < 3) ok = false;
        else letterAt = i;
      }
      if (!ok) continue;
      if ((letterAt === 0 && isLetter(text[a - 1])) || (letterAt === n - 1 && isLetter(text[b]))) continue;
      const inside = runs.filter(([s, e]) => s < b && e > a);
      if (inside.some(([s, e]) => s < a || e > b)) continue;
      // A whole number on its own was scored as printed.
      if (letterAt < 0 && inside.length < 2) continue;
      // Each digit run explains one field: it must still be unexplained.
      const left = pool.slice();
      if (!inside.every(([, , v]) => removeOne(left, v))) continue;
      return { runs: inside.map(([, , v]) => v), misread: letterAt >= 0 };
    }
  }
  return undefined;
}

/**
 * Credits fields the string prints split and misread at once (see findNoisyNumber), after the plainer readings: the
 * digit runs taken leave the pool of unexplained numbers. Split pieces earn `splitCredit`, a misread `misreadCredit`.
 */
function creditNoisyNumbers(
  sim: GenJaccard,
  stretches: readonly Stretch[],
  fields: readonly [key: string, value: string | undefined][],
  pool: string[],
  splitCredit: number,
  misreadCredit: number,
): void {
  for (const [key, value] of fields) {
    if (value === undefined || (sim.stringWeight(key) ?? 0) > 0) continue;
    const found = findNoisyNumber(stretches, value, pool);
    const credit = found && (found.misread ? misreadCredit : splitCredit);
    if (!found || !credit) continue;
    found.runs.forEach((r) => removeOne(pool, r));
    sim.set(key, 1, credit);
  }
}

/**
 * Whether `token` reads as `target` with its one letter in place of a digit, or, in a number of at least three digits,
 * a letter put in between two ("1N099" for 1099).
 */
function garbledMatches(token: string, target: string): boolean {
  if (token.length === target.length + 1 && target.length >= 3) {
    const at = token.search(/\D/);
    return at > 0 && at < target.length && token.slice(0, at) + token.slice(at + 1) === target;
  }
  if (token.length !== target.length) return false;
  for (let i = 0; i < token.length; i++) {
    if (token[i] !== target[i] && /\d/.test(token[i]!)) return false;
  }
  return true;
}

/**
 * Gives partial credit to candidate numbers the string prints garbled ("2n06" for 2006): the token's digit runs
 * leave the pool of unexplained numbers and the field counts as found.
 */
function creditGarbledNumbers(
  sim: GenJaccard,
  garbled: readonly string[],
  fields: readonly [key: string, value: string | undefined][],
  pool: string[],
  credit: number,
): void {
  for (const token of garbled) {
    const runs = numbersIn(token).map(canonicalNumber);
    if (!runs.every((r) => pool.includes(r))) continue;
    const hit = fields.find(([key, value]) => value !== undefined && (sim.stringWeight(key) ?? 0) === 0 && garbledMatches(token, value));
    if (!hit) continue;
    runs.forEach((r) => removeOne(pool, r));
    sim.set(hit[0], 1, credit);
  }
}

/** Reads fields the string prints split by a stray space or garbled, each only when no plain copy of it was read. */
function creditSplitOrGarbled(
  sim: GenJaccard,
  ref: PreparedReference,
  fields: readonly [key: string, value: string | undefined][],
  pool: string[],
  tuning: ValidationTuning,
): void {
  if (tuning.splitNumberCredit > 0 && ref.splits.length > 0) creditSplitNumbers(sim, ref.splits, fields, pool, tuning.splitNumberCredit);
  if (tuning.garbledNumberCredit > 0 && ref.garbled.length > 0) creditGarbledNumbers(sim, ref.garbled, fields, pool, tuning.garbledNumberCredit);
}

/** Reads a year the string prints split, garbled or both ("(20 04)", "(1z62)", "(2J 08)"), when no plain one was read. */
function creditNoisyYear(sim: GenJaccard, ref: PreparedReference, year: string | undefined, pool: string[], tuning: ValidationTuning): void {
  creditSplitOrGarbled(sim, ref, [['year_0', year]], pool, tuning);
  if (sim.stringWeight('year_0') === 0) {
    creditNoisyNumbers(sim, ref.stretches, [['year_0', year]], pool, tuning.splitNumberCredit, tuning.garbledNumberCredit);
  }
}

/** Whether the string prints `year` once more, split or garbled, beside its one plain copy in `pool`. */
function yearPrintedNoisily(ref: PreparedReference, year: string, pool: readonly string[], tuning: ValidationTuning): boolean {
  const scratch = new GenJaccard();
  scratch.set('year_0', 1, 0);
  const rest = pool.slice();
  removeOne(rest, year);
  creditNoisyYear(scratch, ref, year, rest, tuning);
  return (scratch.stringWeight('year_0') ?? 0) > 0;
}

/**
 * Credits a field the string prints split by a stray space ("(20 06)" for 2006, "1 631" for page 1631): both
 * pieces leave the pool of unexplained numbers. Only pieces no field explained on their own are joined.
 */
function creditSplitNumbers(
  sim: GenJaccard,
  splits: readonly [string, string][],
  fields: readonly [key: string, value: string | undefined][],
  pool: string[],
  credit: number,
): void {
  for (const [printedFirst, printedSecond] of splits) {
    const first = canonicalNumber(printedFirst);
    const second = canonicalNumber(printedSecond);
    if (!pool.includes(first) || !pool.includes(second) || (first === second && pool.filter((n) => n === first).length < 2)) continue;
    const joined = canonicalNumber(printedFirst + printedSecond);
    const hit = fields.find(([key, value]) => value !== undefined && (sim.stringWeight(key) ?? 0) === 0 && canonicalNumber(value) === joined);
    if (!hit) continue;
    removeOne(pool, first);
    removeOne(pool, second);
    sim.set(hit[0], 1, credit);
  }
}

/** Where the name (≥ 2 characters) first stands as whole words in the normalised string, or -1. */
function namePosition(norm: string, name: string): number {
  return name.length < 2 ? -1 : ` ${norm} `.indexOf(` ${name} `);
}

/** Whether the string prints initials beside the name's family name, none of them its given name's ("Zhu, Y." for Lan Zhu). */
function initialsDisagree(ref: PreparedReference, name: CandidateName | undefined): boolean {
  const given = typeof name?.given === 'string' ? normalizeText(name.given) : '';
  const family = typeof name?.family === 'string' ? normalizeText(name.family) : '';
  const at = namePosition(ref.norm, family);
  if (given === '' || at < 0) return false;
  const isInitial = (w: string | undefined) => w !== undefined && /^\p{L}$/u.test(w);
  const before = ref.norm.slice(0, at).split(' ').filter(Boolean);
  const after = ref.norm.slice(at + family.length).split(' ').filter(Boolean);
  const initials: string[] = [];
  for (let i = before.length - 1; isInitial(before[i]); i--) initials.push(before[i]!);
  for (let i = 0; isInitial(after[i]); i++) initials.push(after[i]!);
  return initials.length > 0 && !initials.includes(given[0]!);
}

/**
 * Whether the string's author list contradicts the record's: another of the record's authors is printed before
 * its first author ("Hong, Park" for Park, Hong), or the string names two of them but skips one in between
 * ("Phat, Thu" for Phat, Long, Thu). A name the string may print misspelt (PDF text) is not counted as skipped.
 */
function authorListConflict(ref: PreparedReference, families: readonly string[], noisy: boolean): boolean {
  if (families.length < 2) return false;
  const names = families.map(normalizeText);
  const first = names[0]!;
  const firstAt = namePosition(ref.norm, first);
  if (firstAt < 0) {
    // The string opens with another of the record's authors and never names its first one.
    const lead = ` ${ref.norm} `.search(/ [\p{L}\p{N}]{3}/u);
    return names.some((n, i) => i > 0 && n !== first && namePosition(ref.norm, n) === lead) && !(noisy && printedNoisily(ref.norm, first));
  }
  // Co-authors are looked for outside the first author's name and the word after it, which may be their given name
  // ("Beyazal Çeliker, Fatma" for Beyazal Çeliker, …, Çeliker; "Wang, Chen" for Wang, …, Chen).
  const end = firstAt + first.length;
  const next = ref.norm.indexOf(' ', end + 1);
  const blankTo = next < 0 ? ref.norm.length : next;
  const others = ref.norm.slice(0, firstAt) + ' '.repeat(blankTo - firstAt) + ref.norm.slice(blankTo);
  let lastFound = -1;
  const positions = names.map((n, i) => {
    // A repeat of the first author's name is found wherever the first author is.
    const at = i === 0 ? firstAt : n === first ? -1 : namePosition(others, n);
    if (at >= 0) lastFound = i;
    return at;
  });
  // Another author before the first, unless the first is printed noisily before it ("Pletn ev, S., Pletneva, N.").
  const earlier = positions.find((at, i) => i > 0 && names[i] !== first && at >= 0 && at < firstAt);
  if (earlier !== undefined && !(noisy && printedNoisily(ref.norm.slice(0, earlier), first))) return true;
  if (ref.authorsTruncated) return false;
  for (let i = 1; i < lastFound; i++) {
    if (positions[i]! >= 0 || names[i] === first) continue;
    // Two letters misread ("Gc" for Ge) cannot be told from another name.
    if (noisy && (names[i]!.length < 3 || printedNoisily(ref.norm, names[i]!, 3))) continue;
    return true;
  }
  return false;
}

/**
 * Whether a name may stand in the text split by a stray space or with one misread character, or, for a name of
 * several words ("Brian Smith"), whether one of its longer words does.
 */
function printedNoisily(text: string, name: string, minMisread = NOISY_MISREAD): boolean {
  const joined = text.replace(/ /g, '');
  const parts = name.split(' ');
  const targets = parts.length > 1 ? [parts.join(''), ...parts.filter((p) => p.length >= 4)] : parts;
  return targets.some((t) => joined.includes(t) || (t.length >= minMisread && withinOneSubstitution(joined, t)));
}

/** Whether `text` contains `target` with at most one character changed. */
function withinOneSubstitution(text: string, target: string): boolean {
  for (let i = 0; i + target.length <= text.length; i++) {
    let diff = 0;
    for (let j = 0; j < target.length && diff < 2; j++) if (text[i + j] !== target[j]) diff++;
    if (diff < 2) return true;
  }
  return false;
}

/**
 * Whether the string prints every content word of a title of at least four, in whatever order: the title as
 * text extraction or a reordered subtitle ("Cancer: Inflaming metastasis" / "Inflaming metastasis: cancer") leaves it.
 */
function titleWordsPrinted(ref: PreparedReference, title: string): boolean {
  const words = new Set(contentWords(title));
  if (words.size < TITLE_WORDS) return false;
  const printed = new Set(ref.words);
  for (const w of words) if (!printed.has(w)) return false;
  return true;
}
const TITLE_WORDS = 4;

export interface ValidationDetail {
  similarity: number;
  /** How many of {title, journal, year, volume, first author, first page} agree. */
  support: number;
  /** Why the similarity was forced to 0, if it was. */
  rejected?: 'support' | 'not-specific' | 'no-numbers';
  titleSimilarity: number | undefined;
  authorSimilarity: number | undefined;
  /** Numbers of the string no candidate field accounted for. */
  unmatchedNumbers: string[];
  /** Whether the string prints the candidate's title (fuzzily, or all its words). */
  titleSupported: boolean;
  /** Most unexplained content words in a row: a title, or a journal, the record does not have. */
  unexplainedRun: number;
  /** The string's content words the candidate does not explain. */
  unexplainedWords: string[];
  features: Record<string, [candidate: number, string: number]>;
  /**
   * How much of the record the string prints as the record has it: its full page range, and see verbatimEvidence.
   * Breaks ties between records of one work (a publisher's and JSTOR's DOI): the string was written from the record it
   * reproduces.
   */
  readonly verbatim: number;
}

function removeOne(list: string[], value: string): boolean {
  const i = list.indexOf(value);
  if (i < 0) return false;
  list.splice(i, 1);
  return true;
}

/**
 * Scores each number of a candidate field against the string's numbers, consuming each match once. With
 * `onlyFound`, numbers absent from the string are skipped rather than counted against the candidate.
 */
function scoreNumbers(sim: GenJaccard, key: string, field: string | undefined, pool: string[], onlyFound = false): void {
  if (field === undefined) return;
  numbersIn(field).forEach((n, i) => {
    const found = removeOne(pool, canonicalNumber(n));
    if (found || !onlyFound) sim.set(`${key}_${i}`, 1, found ? 1 : 0);
  });
}

function isYearLike(n: string): boolean {
  const v = Number(n);
  return n.length === 4 && v >= 1600 && v <= 2100;
}

/** Whether `w` is in the pool, or abbreviates a pool word ("med" for "medicine"). */
function inPool(w: string, exact: ReadonlySet<string>, pool: readonly string[]): boolean {
  return exact.has(w) || pool.some((p) => p.length > w.length && p.startsWith(w));
}

/** Whether two words of equal length differ in exactly one character (an OCR misread). */
function oneSubstitution(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length && diff < 2; i++) if (a[i] !== b[i]) diff++;
  return diff === 1;
}

/** How the record explains each of the string's content words. */
const WordSource = { None: 0, Title: 1, Other: 2 } as const;
type WordSource = (typeof WordSource)[keyof typeof WordSource];

/** A matcher of words against the words of some record fields (see explainWords). */
function wordExplainer(fields: readonly (string | undefined)[], noisy: boolean): (w: string) => boolean {
  const text = fields.filter(Boolean).join(' ');
  const pool = contentWords(text);
  const exact = new Set(pool);
  // Only a word the record does not explain as printed needs the run-together text: clean strings never build it.
  let joined: string | undefined;
  const joinedText = () => (joined ??= normalizeText(text).replace(/ /g, ''));
  return (w) =>
    inPool(w, exact, pool) ||
    (noisy &&
      ((w.length >= NOISY_PIECE && joinedText().includes(w)) ||
        (w.length >= NOISY_MISREAD && pool.some((p) => oneSubstitution(w, p))) ||
        (w.length >= NOISY_EDITED && withinEditsOfSubstring(joinedText(), w, Math.floor(w.length / NOISY_CHARS_PER_EDIT)))));
}

/**
 * Which of the string's words the candidate's title, or else its names and journal, explain. With `noisy`, text
 * from PDFs also counts: a piece of a word split by a stray space, words run together, or one misread character.
 */
function explainWords(words: readonly string[], cand: Candidate, families: readonly string[], noisy: boolean): WordSource[] {
  const byTitle = wordExplainer([candidateTitle(cand)], noisy);
  const byOther = wordExplainer(
    [
      candidateContainer(cand),
      candidateShortContainer(cand),
      ...families,
      // A chapter's citation names the book's editors too ("In: Jones A, Brown B (eds)").
      ...[...(cand.author ?? []), ...(cand.editor ?? [])].flatMap((a) => [a.given, a.family]),
    ],
    noisy,
  );
  return words.map((w) => (byTitle(w) ? WordSource.Title : byOther(w) ? WordSource.Other : WordSource.None));
}

/** A title that opens (after an initial or two some deposits put first) with the kind of notice it is. */
const NOTICE_TITLE_RE =
  /^(?:\p{L}{1,2} ){0,2}(erratum|errata|corrigendum|corrigenda|addendum|retraction|retracted|withdrawn|expression of concern)\b/u;

/** Edits within which a word counts as printed in a text: a spelling variant, a misread or split, as PDF text has. */
const wordEdits = (w: string) => Math.max(1, Math.floor(w.length / 3));

/**
 * Whether the string prints at least as many of the title's own words as it leaves out and, where the rest should be,
 * words the record does not explain: the title of a sibling (another species, chapter or part of a series), not this
 * one. Words count as printed, and as the title's, within a few edits; only words after the first printed title word
 * are looked at, so co-authors a sparse record leaves out are not taken for another title.
 */
function titleSubstituted(
  ref: PreparedReference,
  normTitle: string,
  others: readonly (string | undefined)[],
  sources: readonly WordSource[],
): boolean {
  const titleWords = [...new Set(contentWords(normTitle))];
  if (titleWords.length === 0) return false;
  const joined = ref.normJoined;
  const missing = titleWords.filter(
    (t) =>
      !joined.includes(t) &&
      // A printed abbreviation ("med" for "medicine") prints the word.
      !ref.words.some((w) => t.length > w.length && t.startsWith(w)) &&
      !withinEditsOfSubstring(joined, t, wordEdits(t)),
  );
  if (missing.length === 0) return false;
  // The title's own words, not its journal's or authors' (which title-less styles print), must be as many as the rest.
  const otherWords = new Set(contentWords(others.filter(Boolean).join(' ')));
  const own = new Set(titleWords.filter((t) => !missing.includes(t) && !otherWords.has(t)));
  if (own.size < missing.length) return false;
  const firstTitleWord = ref.words.findIndex((w) => own.has(w));
  if (firstTitleWord < 0) return false;
  const titleJoined = normTitle.replace(/ /g, '');
  return ref.words.some(
    (w, i) => i > firstTitleWord && sources[i] === WordSource.None && !withinEditsOfSubstring(titleJoined, w, wordEdits(w)),
  );
}

/**
 * Titles of front and back matter, and of sections, that recur in every issue or book ("Contents", "7. Literatur"):
 * they name no work.
 */
const FRONT_MATTER_TITLES = new Set([
  'abbreviations', 'abstracts', 'acknowledgements', 'acknowledgments', 'advertisement', 'announcements', 'anhang',
  'appendix', 'back matter', 'backmatter', 'bibliography', 'book reviews', 'books received', 'contents',
  'contributors', 'correspondence', 'cover', 'covers', 'cover image', 'diskussion', 'discussion', 'editorial',
  'editorial board', 'einleitung', 'errata', 'erratum', 'corrigendum', 'foreword', 'front matter', 'frontmatter',
  'glossary', 'impressum', 'imprint', 'in this issue', 'index', 'inhalt', 'inhaltsverzeichnis', 'introduction',
  'issue information', 'letters', 'list of contributors', 'literatur', 'literature', 'masthead', 'news', 'notes',
  'preface', 'references', 'register', 'sachregister', 'subject index', 'author index', 'table of contents',
  'title page', 'titelei', 'vorwort', 'nachwort', 'conclusion', 'conclusions',
]);

function isFrontMatter(normTitle: string): boolean {
  const core = normTitle.replace(/^(?:\d+ )+/, '');
  return core.length < 4 || FRONT_MATTER_TITLES.has(core);
}

/** A record's page field that is a plain page range ("1439-1445", "S213-S217"; not "2_108-2_116"). */
const PAGE_SPAN_RE = new RegExp(`^[a-z]?\\d+[a-z]?\\s*${DASH}\\s*[a-z]?\\d+[a-z]?$`, 'i');

/** Whether `text` prints the page after a dash, as a range's end, whatever its first page reads ("45F–467", "–S217"). */
function printedAsRangeEnd(text: string, page: string): boolean {
  return new RegExp(`${DASH}\\s?[a-z]?0*${page}(?!\\d)`, 'i').test(text);
}

/** Length of the longest run of `value` in `list`. */
function longestRun<T>(list: readonly T[], value: T): number {
  let best = 0;
  let run = 0;
  for (const x of list) {
    run = x === value ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}

/** Characters of a title that, printed whole with its year, names a record that has nothing else (normalised). */
const LONG_TITLE = 25;

/** Digits from which a number of the title or journal may be read garbled. */
const GARBLED_TEXT_NUMBER = 4;

/** Shortest split-off piece, and shortest word with a misread character, that count as explained. */
const NOISY_PIECE = 4;
const NOISY_MISREAD = 5;
/**
 * Words run together and misread at once ("Nuwsibgstandard", "Computercommhnications"): from this length, one
 * character inserted, dropped or changed per this many of the word. Shorter words would find their like in any
 * sibling's title ("erhalt" in "chlorhaltigen").
 */
const NOISY_EDITED = 10;
const NOISY_CHARS_PER_EDIT = 6;

export function explainValidation(
  ref: PreparedReference,
  cand: Candidate,
  opts: ValidateOptions = {},
): ValidationDetail {
  const tuning = opts.tuning ? { ...DEFAULT_TUNING, ...opts.tuning } : DEFAULT_TUNING;
  const sim = new GenJaccard();
  if (opts.useScore && typeof cand.score === 'number' && Number.isFinite(cand.score)) {
    // SBMV's relevance terms, on Crossref's scale.
    const s = cand.score * (opts.scoreScale ?? 1);
    sim.set('score', s / 100, Math.max(1, s / 100));
    sim.set('score_norm', s / ref.queryLength, Math.max(1, s / ref.queryLength));
  }

  const pool = ref.numbers.slice();
  const volume = candidateVolume(cand);
  const yearNum = candidateYear(cand);
  const year = yearNum === undefined ? undefined : String(yearNum);
  const issue = candidateIssue(cand);
  const page = candidatePage(cand);
  const title = candidateTitle(cand);
  const container = candidateContainer(cand);
  const families = candidateAuthorFamilies(cand);

  // Journals numbered by year print it once but it serves as both volume and year; unless the year is printed again,
  // split or garbled ("Additives for Polymers 1990, 14 (199 0)").
  const volumeIsYear =
    volume !== undefined &&
    volume === year &&
    pool.filter((n) => n === year).length === 1 &&
    !yearPrintedNoisily(ref, year, pool, tuning);
  if (volumeIsYear) pool.push(year);

  scoreNumbers(sim, 'volume', volume, pool);
  scoreNumbers(sim, 'year', year, pool);
  // A split or garbled year ("(20 04)", "(1z62)") is read before the issue or a page can take one of its pieces.
  creditNoisyYear(sim, ref, year, pool, tuning);
  const pageNumbers = page === undefined ? [] : numbersIn(page);
  const firstPage = pageNumbers[0] === undefined ? undefined : canonicalNumber(pageNumbers[0]);
  // The issue must not take a piece of the volume or the first page split by a stray space ("1 47, 11" for volume
  // 147, issue 1; "6, 2 11" for page 211 of issue 2), or garbled ("1z7, 105" for volume 107 of issue 1).
  const volumeNumber = volume === undefined ? undefined : numbersIn(volume)[0];
  const unreadFirstPage = firstPage !== undefined && !pool.includes(firstPage) ? firstPage : undefined;
  creditSplitOrGarbled(sim, ref, [['volume_0', volumeNumber], ['page_0', unreadFirstPage]], pool, tuning);
  // Nor a first page printed as the start of a range ("15, 3–9" for issue 3, pages 3-9).
  const firstPageStartsRange = firstPage !== undefined && pool.includes(firstPage) && ref.rangeEnds.has(firstPage);
  if (firstPageStartsRange && (sim.stringWeight('page_0') ?? 0) === 0) scoreNumbers(sim, 'page', firstPage, pool);
  const firstPageRead = (sim.stringWeight('page_0') ?? 0) > 0;
  scoreNumbers(sim, 'issue', issue, pool, true);
  // The record's first page printed only as the end of another range ("22-32" for a record starting at 32).
  const firstPageEndsRange =
    firstPage !== undefined && ref.pageRanges.some(([, last]) => last === firstPage) && !ref.pageRanges.some(([start]) => start === firstPage);
  if (firstPageRead) {
    // Read above.
  } else if (firstPageEndsRange) {
    sim.set('page_0', 1, 0);
  } else {
    scoreNumbers(sim, 'page', pageNumbers[0], pool);
  }
  // The last page of a range counts only beside its first page, or printed after a dash: printed alone, it is the first
  // page of the next work ("38, 1445" is not the record at 1439-1445). Not so a page of other parts ("1356.3", "2_108").
  const lastPage = pageNumbers[1] === undefined ? undefined : canonicalNumber(pageNumbers[1]);
  if (
    lastPage === undefined ||
    !PAGE_SPAN_RE.test(page?.trim() ?? '') ||
    (sim.stringWeight('page_0') ?? 0) > 0 ||
    printedAsRangeEnd(ref.printed, lastPage)
  ) {
    scoreNumbers(sim, 'pageend', pageNumbers.slice(1).join(' '), pool, true);
  }
  // Front matter is paged in Roman numerals ("vii–viii", "II"): no digits to compare, the numeral as a word.
  const roman = page !== undefined && pageNumbers.length === 0 ? ROMAN_PAGES_RE.exec(page.trim()) : null;
  if (roman) {
    const printed = (numeral: string) => ` ${ref.norm} `.includes(` ${numeral.toLowerCase()} `);
    sim.set('page_0', 1, printed(roman[1]!) ? 1 : 0);
    if (roman[2] !== undefined && printed(roman[2])) sim.set('pageend_0', 1, 1);
  }
  // A record with only a first page (common in Crossref) must not leave the printed last page as noise.
  const dropRangeEnd = () => {
    if (pageNumbers.length !== 1) return;
    const end = ref.rangeEnds.get(canonicalNumber(pageNumbers[0]!));
    if (end !== undefined) removeOne(pool, end);
  };
  if ((sim.stringWeight('page_0') ?? 0) > 0) dropRangeEnd();
  // A page range in Roman numerals ("ix–x") the record does not have counts against it as an unexplained number would.
  if (!roman && ref.romanRange !== undefined && !ROMAN_RANGE_RE.test(title ?? '')) pool.push(ref.romanRange);
  scoreNumbers(sim, 'title', title, pool, true);
  scoreNumbers(sim, 'ctitle', container, pool, true);

  // The last page may be printed garbled or split too ("1Q37", "15 44").
  const numberFields: [string, string | undefined][] = [
    ['volume_0', volume === undefined ? undefined : numbersIn(volume)[0]],
    ['year_0', year],
    ['page_0', pageNumbers[0]],
    ['issue_0', issue === undefined ? undefined : numbersIn(issue)[0]],
    ['pageend_0', pageNumbers[1]],
  ];
  const textNumbers = [title, container].flatMap((field, f) =>
    numbersIn(field ?? '').map((n, i): [string, string] => [`${f === 0 ? 'title' : 'ctitle'}_${i}`, n]),
  );
  if (tuning.garbledNumberCredit > 0 && ref.garbled.length > 0) {
    // A garbled number of the title or journal counts only with most of its digits in place ("Congress 20C0", not
    // "Leg 3z", which could be any).
    const longTextNumbers = textNumbers.filter(([, n]) => n.length >= GARBLED_TEXT_NUMBER);
    creditGarbledNumbers(sim, ref.garbled, [...numberFields, ...longTextNumbers], pool, tuning.garbledNumberCredit);
  }
  if (tuning.splitNumberCredit > 0 && ref.splits.length > 0) {
    // A split number of the title or journal ("for 20 07") joins whole.
    creditSplitNumbers(sim, ref.splits, [...numberFields, ...textNumbers], pool, tuning.splitNumberCredit);
  }
  const pageBefore = (sim.stringWeight('page_0') ?? 0) > 0;
  creditNoisyNumbers(
    sim,
    ref.stretches,
    firstPageEndsRange ? numberFields.filter(([key]) => key !== 'page_0') : numberFields,
    pool,
    tuning.splitNumberCredit,
    tuning.garbledNumberCredit,
  );
  // A first page read through noise counts like one printed plainly.
  const firstPageMatched = (sim.stringWeight('page_0') ?? 0) > 0;
  const lastPageMatched = (sim.stringWeight('pageend_0') ?? 0) > 0;
  if (firstPageMatched && !pageBefore) dropRangeEnd();

  // Records without an issue: the printed "vol(issue)" issue is not evidence against them.
  if (issue === undefined && volume !== undefined) {
    for (const n of ref.volumeIssue.get(canonicalNumber(numbersIn(volume)[0] ?? '')) ?? []) removeOne(pool, n);
  }

  // A number beside the citation that no field took ("(January 31)", "Epub 2008 Nov 5") is neither evidence for nor
  // against.
  for (const n of ref.asides) removeOne(pool, n);

  let authorSimilarity: number | undefined;
  const author = candidateFirstAuthor(cand);
  if (author !== undefined) {
    const a = normalizeText(author);
    if (a !== '') {
      // As SBMV, the name is looked for near the start; a label and initials before it ("1 A.Y.L. Ho") do not count.
      const lead = LEADING_LABEL_AND_INITIALS.exec(ref.norm)?.[0].length ?? 0;
      authorSimilarity = partialRatio(a, ref.norm.slice(0, lead + 3 * a.length));
      sim.set('author', 1, authorSimilarity);
    }
  }

  // A year off by one (online and print years differ), beside the volume or first page: without them, the next year's
  // work of that name is another one (a conference's 2006 and 2007 proceedings).
  if (yearNum !== undefined && sim.stringWeight('year_0') === 0 && ((sim.stringWeight('volume_0') ?? 0) > 0 || firstPageMatched)) {
    if (removeOne(pool, String(yearNum - 1)) || removeOne(pool, String(yearNum + 1))) sim.set('year_0', 1, 0.5);
  }
  // Records without a year (sparse metadata): one printed year is not evidence against them.
  if (yearNum === undefined) {
    const printed = pool.find(isYearLike);
    if (printed !== undefined) removeOne(pool, printed);
  }

  const normTitle = title === undefined ? undefined : normalizeText(title);
  let titleSimilarity: number | undefined;
  let titleIsSpecific = false;
  if (normTitle !== undefined) {
    if (normTitle !== '') titleSimilarity = partialRatio(normTitle, ref.norm);
    // "Index", "Editorial Board", "Preface": such titles recur in every volume and single nothing out.
    titleIsSpecific = normTitle.length >= tuning.specificTitleLength;
  }
  let containerSupport = false;
  if (container !== undefined) {
    const c = normalizeText(container);
    containerSupport = c.length >= 4 && partialRatio(c, ref.norm) > FUZZY_SUPPORT;
  }

  const titleSupport =
    titleSimilarity !== undefined && (titleSimilarity > FUZZY_SUPPORT || titleWordsPrinted(ref, title ?? ''));
  let support = 0;
  if (titleSupport) support++;
  if (containerSupport) support++;
  if ((sim.stringWeight('year_0') ?? 0) > 0) support++;
  // One printed year is one piece of evidence, even when it doubles as the volume.
  if ((sim.stringWeight('volume_0') ?? 0) > 0 && !volumeIsYear) support++;
  if (authorSimilarity !== undefined && authorSimilarity > FUZZY_SUPPORT) support++;
  if (firstPageMatched) support++;
  // Page 1 starts countless e-only articles; only with its last page does it single one out.
  const pageIsSpecific =
    firstPageMatched && ((roman ? roman[1]!.toLowerCase() !== 'i' : canonicalNumber(pageNumbers[0] ?? '') !== '1') || lastPageMatched);
  const names = [...new Set(families.map(normalizeText).filter((f) => f !== ''))];
  const namesPrinted = names.filter((f) => namePosition(ref.norm, f) >= 0).length;
  // No title or page printed (ACS, AIP, conference papers): several of the record's authors in the journal's
  // volume of that year still single a work out.
  const authorsSpecific =
    tuning.specificAuthorCount > 0 &&
    containerSupport &&
    (sim.stringWeight('year_0') ?? 0) > 0 &&
    namesPrinted +
      ((sim.stringWeight('volume_0') ?? 0) > 0 && !volumeIsYear ? 1 : 0) >=
      tuning.specificAuthorCount;

  // The string prints a different year / first page than the record: evidence against, not just absence.
  if (year !== undefined && sim.stringWeight('year_0') === 0 && pool.some(isYearLike)) {
    sim.set('year_conflict', 0, tuning.conflictWeight);
  }
  if (page !== undefined && !firstPageMatched && pool.some((n) => !isYearLike(n))) {
    sim.set('page_conflict', 0, tuning.conflictWeight);
  }
  // A page printed against a whole book (no journal, volume or pages) cites a part of it: a chapter, or its preface
  // at "ix–x". One digit may be noise or an edition.
  if (container === undefined && volume === undefined && page === undefined && pool.some((n) => n.length > 1 && !isYearLike(n))) {
    sim.set('part_conflict', 0, tuning.conflictWeight);
  }
  if (authorSimilarity !== undefined && authorSimilarity < AUTHOR_CONFLICT) {
    sim.set('author_conflict', 0, tuning.authorConflictWeight);
  } else if (tuning.authorListConflict && authorListConflict(ref, families, tuning.noisyWords)) {
    sim.set('author_list_conflict', 0, tuning.authorConflictWeight);
  }
  const sources = explainWords(ref.words, cand, families, tuning.noisyWords);
  if (tuning.wordsWeight > 0) {
    const share = sources.length === 0 ? 1 : sources.filter((s) => s !== WordSource.None).length / sources.length;
    sim.set('words', tuning.wordsWeight, tuning.wordsWeight * share);
  }
  const unexplainedRun = longestRun(sources, WordSource.None);
  // The string prints a title, and another one: a run of words the record does not explain, where its journal is
  // printed but its title is not ("Chiu, H. The Sino-Indian Border Dispute. Pacific Affairs 61, 490" against a book
  // review on the same page). A count, not a share: a long author list must not dilute it.
  if (
    tuning.titleConflictRun > 0 &&
    normTitle !== undefined &&
    normTitle !== '' &&
    !titleSupport &&
    containerSupport &&
    unexplainedRun >= tuning.titleConflictRun
  ) {
    sim.set('title_conflict', 0, tuning.conflictWeight);
  }
  // A string that prints a title without saying it is an erratum or retraction notice cites the work, not its notice.
  // (Title-less styles cite notices with nothing to say so.)
  const notice = normTitle === undefined ? undefined : NOTICE_TITLE_RE.exec(normTitle)?.[1];
  // Nor does a title-less string that prints a page other than the notice's own (the page of the work its title cites).
  if (notice !== undefined && namePosition(ref.norm, notice) < 0 && (titleSupport || (page !== undefined && !firstPageMatched))) {
    sim.set('notice_conflict', 0, tuning.conflictWeight);
  }
  if (tuning.titleSubstitution && normTitle !== undefined && titleSubstituted(ref, normTitle, [container, ...families], sources)) {
    sim.set('title_substitution', 0, tuning.conflictWeight);
  }
  // Nothing printed disagrees with the record: its exact year, its volume and first page if it has them, all its names
  // (initials agreeing), and no number it does not explain.
  const nothingElse =
    sim.stringWeight('year_0') === 1 &&
    (volume === undefined || (sim.stringWeight('volume_0') ?? 0) > 0) &&
    (page === undefined || firstPageMatched) &&
    pool.length === 0 &&
    namesPrinted === names.length &&
    !initialsDisagree(ref, candidateNames(cand)[0]);
  // A title-less citation that prints that, the record's journal, and no word it does not explain (another name or a
  // title) names the author's one work there: a second one would be retrieved beside it and tie.
  const everyWordExplained = !sources.includes(WordSource.None);
  const titlePrintedWhole = normTitle !== undefined && namePosition(ref.norm, normTitle) >= 0;
  const namedByAuthors = nothingElse && names.length > 0 && containerSupport && everyWordExplained;
  // So does a short title printed whole that is not front matter ("Wade, Jimmy" in Oxford Music Online, not "Contents").
  const namedByShortTitle =
    nothingElse &&
    titlePrintedWhole &&
    !titleIsSpecific &&
    !isFrontMatter(normTitle) &&
    (containerSupport || container === undefined);
  const specific =
    (titleSupport && titleIsSpecific) || pageIsSpecific || authorsSpecific || namedByAuthors || namedByShortTitle;
  pool.forEach((_n, i) => sim.set(`rest_${i}`, 0, tuning.restWeight));

  // Without a number (no year, volume or page printed), only a specific title with its first author and its journal or
  // book names a work.
  const namedWithoutNumbers =
    titleSupport && titleIsSpecific && containerSupport && authorSimilarity !== undefined && authorSimilarity > FUZZY_SUPPORT;
  // A record with nothing but a title and a year (a report, a book without authors) is named by a long title printed
  // whole (or every word of it, in another order) with its exact year and nothing else: two supports are all it has.
  const namedByTitleAndYear =
    nothingElse &&
    names.length === 0 &&
    container === undefined &&
    normTitle !== undefined &&
    normTitle.length >= LONG_TITLE &&
    (titlePrintedWhole || titleWordsPrinted(ref, title ?? '')) &&
    everyWordExplained;
  const rejected =
    ref.numbers.length === 0 && !namedWithoutNumbers ? 'no-numbers'
      : support < MIN_SUPPORT && !namedByTitleAndYear ? 'support'
      : !specific ? 'not-specific'
      : undefined;
  let verbatim: number | undefined;
  return {
    similarity: rejected ? 0 : sim.similarity(),
    support,
    ...(rejected ? { rejected } : {}),
    titleSimilarity,
    authorSimilarity,
    unmatchedNumbers: pool,
    titleSupported: titleSupport,
    unexplainedRun,
    unexplainedWords: ref.words.filter((_w, i) => sources[i] === WordSource.None),
    features: sim.entries(),
    // Read only when two records tie, and then more than once.
    get verbatim() {
      verbatim ??= (lastPageMatched ? 1 : 0) + verbatimEvidence(ref, [title, container, author], cand);
      return verbatim;
    },
  };
}

/** Validation similarity in [0,1] of a candidate for a raw reference string (0 = rejected). */
export function validate(refString: string, cand: Candidate, opts?: ValidateOptions): number {
  return explainValidation(prepareReference(refString), cand, opts).similarity;
}
