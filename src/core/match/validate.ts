/**
 * Validation similarity of one search hit against an unstructured reference string, after Crossref's
 * search-based matching with validation (SBMV, Tkaczyk 2018-19; see docs/matching.md §1.1), with a few
 * additions for sparse metadata (documented inline).
 */
import {
  candidateAuthorFamilies,
  candidateContainer,
  candidateShortContainer,
  candidateFirstAuthor,
  candidateIssue,
  candidatePage,
  candidateTitle,
  candidateVolume,
  candidateYear,
} from './candidate';
import { partialRatio } from './fuzzy';
import { GenJaccard } from './jaccard';
import { canonicalNumber, contentWords, expandPageRanges, normalizeText, numbersIn, searchQueryText } from './text';
import type { Candidate, ValidateOptions, ValidationTuning } from './types';

export const DEFAULT_TUNING: ValidationTuning = {
  restWeight: 1,
  wordsWeight: 0,
  conflictWeight: 0,
  requireSpecific: false,
  strictSupport: false,
  ambiguityMargin: 0,
  authorConflictWeight: 0,
  titleWordsWeight: 0,
  containerSupport: false,
  specificTitleLength: 0,
  lenientAbsence: false,
  titleGate: 0,
};

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
  /** Content words of the string (see contentWords). */
  words: string[];
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
    words: contentWords(text),
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

/** Whether `w` is in the pool, or abbreviates a pool word ("med" for "medicine"). */
function inPool(w: string, exact: ReadonlySet<string>, pool: readonly string[]): boolean {
  return exact.has(w) || pool.some((p) => p.length > w.length && p.startsWith(w));
}

interface WordEvidence {
  /** Share of the string's words that the candidate's title, names and journal explain. */
  explained: number;
  /** Share of the candidate's title words present in the string; undefined when the string seems to carry no title. */
  titleCoverage: number | undefined;
}

function wordEvidence(words: readonly string[], cand: Candidate): WordEvidence {
  const title = contentWords(candidateTitle(cand) ?? '');
  const others = contentWords(
    [candidateContainer(cand), candidateShortContainer(cand), ...candidateAuthorFamilies(cand),
      ...(cand.author ?? []).map((a) => a.given)].filter(Boolean).join(' '),
  );
  const all = [...title, ...others];
  const exactAll = new Set(all);
  const exactOthers = new Set(others);
  let explained = 0;
  let residual = 0;
  for (const w of words) {
    if (inPool(w, exactAll, all)) explained++;
    if (!inPool(w, exactOthers, others)) residual++;
  }
  let titleCoverage: number | undefined;
  // Words beyond names and journal mean the string prints some title: then the candidate's title should be there.
  if (residual >= 2 && title.length > 0) {
    const exactWords = new Set(words);
    titleCoverage = title.filter((t) => inPool(t, exactWords, words) || words.some((w) => t.startsWith(w) && w.length >= 4)).length / title.length;
  }
  return { explained: words.length === 0 ? 1 : explained / words.length, titleCoverage };
}

/** Page 1 starts countless e-only articles: it does not single one out. */
function isFirstPageOne(page: string | undefined): boolean {
  return page !== undefined && canonicalNumber(numbersIn(page)[0] ?? '') === '1';
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
  const tuning = opts.tuning ? { ...DEFAULT_TUNING, ...opts.tuning } : DEFAULT_TUNING;
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
  const volumeIsYear = volume !== undefined && volume === year && pool.filter((n) => n === year).length === 1;
  if (volumeIsYear) pool.push(year);

  const lenient = tuning.lenientAbsence;
  scoreNumbers(sim, 'volume', volume, pool);
  scoreNumbers(sim, 'year', year, pool);
  // Many styles print no issue and no last page: their absence is not evidence against the record.
  scoreNumbers(sim, 'issue', issue, pool, lenient);
  const pageNumbers = page === undefined ? [] : numbersIn(page);
  const firstPageMatched = pageNumbers.length > 0 && pool.includes(canonicalNumber(pageNumbers[0]!));
  if (lenient && page !== undefined) {
    scoreNumbers(sim, 'page', pageNumbers[0], pool);
    scoreNumbers(sim, 'pageend', pageNumbers.slice(1).join(' '), pool, true);
  } else {
    scoreNumbers(sim, 'page', page, pool);
  }
  const lastPageMatched = (sim.stringWeight('pageend_0') ?? sim.stringWeight('page_1') ?? 0) > 0;
  // A record with only a first page (common in Crossref) must not leave the printed last page as noise.
  if (page !== undefined && firstPageMatched && numbersIn(page).length === 1) {
    const end = ref.rangeEnds.get(canonicalNumber(numbersIn(page)[0]!));
    if (end !== undefined) removeOne(pool, end);
  }
  scoreNumbers(sim, 'title', title, pool, lenient);
  scoreNumbers(sim, 'ctitle', container, pool, lenient);

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
  let titleIsSpecific = false;
  if (title !== undefined) {
    const t = normalizeText(title);
    if (t !== '') titleSimilarity = partialRatio(t, ref.norm);
    // "Index", "Editorial Board", "Preface": such titles recur in every volume and single nothing out.
    titleIsSpecific = t.length >= tuning.specificTitleLength;
  }
  let containerSupport = false;
  if (tuning.containerSupport && container !== undefined) {
    const c = normalizeText(container);
    containerSupport = c.length >= 4 && partialRatio(c, ref.norm) > FUZZY_SUPPORT;
  }

  const titleSupport = titleSimilarity !== undefined && titleSimilarity > FUZZY_SUPPORT;
  const pageSupport = (sim.stringWeight('page_0') ?? 0) > 0;
  let support = 0;
  if (titleSupport) support++;
  if ((sim.stringWeight('year_0') ?? 0) > 0) support++;
  // One printed year is one piece of evidence, even when it doubles as the volume.
  if ((sim.stringWeight('volume_0') ?? 0) > 0 && !(tuning.strictSupport && volumeIsYear)) support++;
  if (authorSimilarity !== undefined && authorSimilarity > FUZZY_SUPPORT) support++;
  if (pageSupport) support++;
  if (containerSupport) support++;

  if (tuning.conflictWeight > 0) {
    // The string prints a different year / first page than the record: evidence against, not just absence.
    if (year !== undefined && sim.stringWeight('year_0') === 0 && pool.some(isYearLike)) {
      sim.set('year_conflict', 0, tuning.conflictWeight);
    }
    if (page !== undefined && sim.stringWeight('page_0') === 0 && pool.some((n) => !isYearLike(n))) {
      sim.set('page_conflict', 0, tuning.conflictWeight);
    }
  }
  if (tuning.authorConflictWeight > 0 && authorSimilarity !== undefined && authorSimilarity < 0.5) {
    sim.set('author_conflict', 0, tuning.authorConflictWeight);
  }
  let titleConflict = false;
  if (tuning.wordsWeight > 0 || tuning.titleWordsWeight > 0 || tuning.titleGate > 0) {
    const ev = wordEvidence(ref.words, cand);
    // The string prints a title and it is not this record's.
    titleConflict =
      tuning.titleGate > 0 &&
      ev.titleCoverage !== undefined &&
      ev.titleCoverage < tuning.titleGate &&
      !(titleSimilarity !== undefined && titleSimilarity > FUZZY_SUPPORT);
    if (tuning.wordsWeight > 0) sim.set('words', tuning.wordsWeight, tuning.wordsWeight * ev.explained);
    if (tuning.titleWordsWeight > 0 && ev.titleCoverage !== undefined) {
      sim.set('title_words', tuning.titleWordsWeight, tuning.titleWordsWeight * ev.titleCoverage);
    }
  }
  pool.forEach((_n, i) => sim.set(`rest_${i}`, 0, tuning.restWeight));

  const rejected =
    titleConflict ||
    support < MIN_SUPPORT ||
    ref.numbers.length === 0 ||
    (tuning.requireSpecific &&
      !(titleSupport && titleIsSpecific) &&
      !(pageSupport && (!tuning.strictSupport || !isFirstPageOne(page) || lastPageMatched)));
  const similarity = rejected ? 0 : sim.similarity();
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
