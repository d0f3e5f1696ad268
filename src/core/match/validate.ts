/**
 * Validation similarity of one search hit against an unstructured reference string, after Crossref's
 * search-based matching with validation (SBMV, Tkaczyk 2018-19; see docs/matching.md §1.1), with a few
 * additions for sparse metadata (documented inline).
 */
import {
  candidateContainer,
  candidateFirstAuthor,
  candidateIssue,
  candidatePage,
  candidateTitle,
  candidateVolume,
  candidateYear,
} from './candidate';
import { partialRatio } from './fuzzy';
import { GenJaccard } from './jaccard';
import { canonicalNumber, expandPageRanges, normalizeText, numbersIn, searchQueryText } from './text';
import type { Candidate, ValidateOptions } from './types';

/** A reference string prepared once and validated against many candidates. */
export interface PreparedReference {
  /** Length of the string as sent to search (the denominator of the normalised relevance score). */
  queryLength: number;
  /** Normalised text (folded, alphanumerics and single spaces). */
  norm: string;
  /** Bibliographic numbers in order, leading zeros dropped. */
  numbers: string[];
  /** Last page of each "first-last" range, keyed by first page. */
  rangeEnds: Map<string, string>;
  /** "volume(issue)" pairs seen in the string. */
  volumeIssue: Map<string, string>;
}

export function prepareReference(refString: string): PreparedReference {
  const query = searchQueryText(refString);
  const text = expandPageRanges(query);
  const rangeEnds = new Map<string, string>();
  for (const m of text.matchAll(/(\d+)-(\d+)/g)) rangeEnds.set(canonicalNumber(m[1]!), canonicalNumber(m[2]!));
  const volumeIssue = new Map<string, string>();
  for (const m of text.matchAll(/(\d+)\s*\((\d+)\)/g)) volumeIssue.set(canonicalNumber(m[1]!), canonicalNumber(m[2]!));
  return {
    queryLength: Math.max(1, query.length),
    norm: normalizeText(text),
    numbers: numbersIn(text).map(canonicalNumber),
    rangeEnds,
    volumeIssue,
  };
}

export interface ValidationDetail {
  similarity: number;
  /** How many of {title, year, volume, author, first page} agree (SBMV support rule needs 3). */
  support: number;
  titleSimilarity: number | undefined;
  authorSimilarity: number | undefined;
  /** Numbers of the string no candidate field accounted for. */
  unmatchedNumbers: string[];
  features: Record<string, [candidate: number, string: number]>;
}

/** Minimum number of agreeing fields for a non-zero similarity (SBMV). */
export const MIN_SUPPORT = 3;
/** Fuzzy agreement needed for title and first author to count as support (SBMV). */
export const FUZZY_SUPPORT = 0.7;

function removeOne(list: string[], value: string): boolean {
  const i = list.indexOf(value);
  if (i < 0) return false;
  list.splice(i, 1);
  return true;
}

/** Scores each number of a candidate field against the string's numbers, consuming each match once. */
function scoreNumbers(sim: GenJaccard, key: string, field: string | undefined, pool: string[]): void {
  if (field === undefined) return;
  numbersIn(field).forEach((n, i) => {
    sim.set(`${key}_${i}`, 1, removeOne(pool, canonicalNumber(n)) ? 1 : 0);
  });
}

function isYearLike(n: string): boolean {
  const v = Number(n);
  return n.length === 4 && v >= 1600 && v <= 2100;
}

export function explainValidation(
  ref: PreparedReference,
  cand: Candidate,
  opts: ValidateOptions = {},
): ValidationDetail {
  const sim = new GenJaccard();
  const score = opts.ignoreScore ? undefined : cand.score;
  if (typeof score === 'number' && Number.isFinite(score)) {
    const s = score * (opts.scoreScale ?? 1);
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

  // Journals numbered by year print it once but it serves as both volume and year.
  if (volume !== undefined && volume === year && pool.filter((n) => n === year).length === 1) pool.push(year);

  scoreNumbers(sim, 'volume', volume, pool);
  scoreNumbers(sim, 'year', year, pool);
  scoreNumbers(sim, 'issue', issue, pool);
  const firstPageMatched = page !== undefined && pool.includes(canonicalNumber(numbersIn(page)[0] ?? '\u0000'));
  scoreNumbers(sim, 'page', page, pool);
  // A record with only a first page (common in Crossref) must not leave the printed last page as noise.
  if (page !== undefined && firstPageMatched && numbersIn(page).length === 1) {
    const end = ref.rangeEnds.get(canonicalNumber(numbersIn(page)[0]!));
    if (end !== undefined) removeOne(pool, end);
  }
  scoreNumbers(sim, 'title', title, pool);
  scoreNumbers(sim, 'ctitle', container, pool);

  // Records without an issue: the printed "vol(issue)" issue is not evidence against them.
  if (issue === undefined && volume !== undefined) {
    const printedIssue = ref.volumeIssue.get(canonicalNumber(numbersIn(volume)[0] ?? ''));
    if (printedIssue !== undefined) removeOne(pool, printedIssue);
  }

  let authorSimilarity: number | undefined;
  const author = candidateFirstAuthor(cand);
  if (author !== undefined) {
    const a = normalizeText(author);
    if (a !== '') {
      authorSimilarity = partialRatio(a, ref.norm.slice(0, 3 * a.length));
      sim.set('author', 1, authorSimilarity);
    }
  }

  if (yearNum !== undefined && sim.stringWeight('year_0') === 0) {
    if (removeOne(pool, String(yearNum - 1)) || removeOne(pool, String(yearNum + 1))) sim.set('year_0', 1, 0.5);
  }
  // Records without a year (sparse metadata): one printed year is not evidence against them.
  if (yearNum === undefined) {
    const printed = pool.find(isYearLike);
    if (printed !== undefined) removeOne(pool, printed);
  }

  let titleSimilarity: number | undefined;
  if (title !== undefined) {
    const t = normalizeText(title);
    if (t !== '') titleSimilarity = partialRatio(t, ref.norm);
  }

  let support = 0;
  if (titleSimilarity !== undefined && titleSimilarity > FUZZY_SUPPORT) support++;
  if ((sim.stringWeight('year_0') ?? 0) > 0) support++;
  if ((sim.stringWeight('volume_0') ?? 0) > 0) support++;
  if (authorSimilarity !== undefined && authorSimilarity > FUZZY_SUPPORT) support++;
  if ((sim.stringWeight('page_0') ?? 0) > 0) support++;

  pool.forEach((_n, i) => sim.set(`rest_${i}`, 0, 1));

  const similarity = support < MIN_SUPPORT || ref.numbers.length === 0 ? 0 : sim.similarity();
  return {
    similarity,
    support,
    titleSimilarity,
    authorSimilarity,
    unmatchedNumbers: pool,
    features: sim.entries(),
  };
}

/** Validation similarity in [0,1] of a candidate for a raw reference string (0 = rejected by the support rule). */
export function validate(refString: string, cand: Candidate, opts?: ValidateOptions): number {
  return explainValidation(prepareReference(refString), cand, opts).similarity;
}
