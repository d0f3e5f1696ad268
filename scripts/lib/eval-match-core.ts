/**
 * Matching evaluation over a simulated search index (docs/matching.md §4b): the production matcher
 * (src/core/match) fed with hits from the in-process BM25 stand-in for Crossref `query.bibliographic`.
 * Shared by scripts/eval-match.ts and tests/unit/match.test.ts.
 */
import { createHash } from 'node:crypto';
import { candidateFirstAuthor, candidateTitle, candidateYear } from '../../src/core/match/candidate.ts';
import {
  DEFAULT_THRESHOLD,
  DEFAULT_TUNING,
  expandPageRanges,
  explainValidation,
  matchReference,
  prepareReference,
  searchQueryText,
  selectCandidates,
  ratio,
  normalizeText,
  searchQuery,
  SEARCH_ROWS,
  type Candidate,
  type MatchOptions,
} from '../../src/core/match/index.ts';
import type { SimSearchIndex } from './sim-search.ts';

export interface MatchCase {
  id: string;
  source: string;
  split?: string;
  style?: string;
  ref_string: string | null;
  gold_doi: string | string[] | null;
  gold_pmid?: string | null;
}

export type Half = 'tune' | 'holdout';

/** Deterministic 50/50 split of cases by md5(id): even first byte = tune. */
export function halfOf(id: string): Half {
  return createHash('md5').update(id).digest()[0]! % 2 === 0 ? 'tune' : 'holdout';
}

/** Stable pseudo-random order key (for --limit samples spread over sources and styles). */
export function sampleKey(id: string): string {
  return createHash('sha1').update(id).digest('hex');
}

export function normalizeDoiForEval(s: string): string {
  let d = s
    .trim()
    .replace(/^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:\s*)/i, '')
    .replace(/[.,;:'"]+$/, '')
    .toLowerCase();
  // A closing bracket is part of the DOI only when it closes one opened inside it: 10.1061/(asce)…134:6(737).
  while (/[)\]]$/.test(d) && count(d, d.endsWith(')') ? '(' : '[') < count(d, d.endsWith(')') ? ')' : ']')) {
    d = d.slice(0, -1).replace(/[.,;:'"]+$/, '');
  }
  return d;
}

function count(s: string, ch: string): number {
  return s.split(ch).length - 1;
}

export function goldDois(c: MatchCase): string[] {
  if (c.gold_doi === null || c.gold_doi === undefined) return [];
  const list = Array.isArray(c.gold_doi) ? c.gold_doi : [c.gold_doi];
  return list.map(normalizeDoiForEval).filter((d) => d !== '');
}

const DOI_IN_TEXT = /10\.\d{4,9}\/[^\s"<>]+/g;

export interface CaseOutcome {
  id: string;
  source: string;
  style: string;
  gold: string[];
  /** Best-validated candidate and its similarity (before the threshold is applied). */
  predicted: string | null;
  similarity: number;
  /** The same with the gold records left out of the search results (hard negatives). */
  ltoPredicted: string | null;
  ltoSimilarity: number;
  /** The leave-target-out link points to a record of the same work as the gold (see sameWork). */
  ltoDuplicate: boolean;
  /**
   * The string cannot cite the gold record (it shows neither the record's volume nor its first page, or prints a page
   * range without that first page): the gold DOI names another work (NLM gold DOIs are sometimes stale;
   * docs/matching.md §5).
   */
  goldDisagrees: boolean;
  /** Why the gold was not linked at the matcher's threshold (null when it was, or the case has no gold). */
  missCause: MissCause | null;
  /** The string itself carries a DOI (trivially resolved; stripped before searching). */
  doiInString: boolean;
  doiInStringCorrect: boolean;
}

/**
 * Why a case with a gold DOI got no correct link: the gold was not among the search hits, or not selected as a
 * candidate; validation gave it 0 (too few agreeing fields, nothing naming this work, no numbers) or a similarity
 * under the threshold; another DOI scored higher; or another DOI scored within the ambiguity margin, a record of the
 * same work (see sameWork) or a sibling.
 */
export type MissCause =
  | 'not-retrieved'
  | 'not-selected'
  | 'rejected-support'
  | 'rejected-not-specific'
  | 'rejected-no-numbers'
  | 'below-threshold'
  | 'outscored'
  | 'tie-same-work'
  | 'tie-sibling';

function missCause(ref: string, hits: readonly Candidate[], gold: ReadonlySet<string>, opts: MatchOptions): MissCause {
  const isGold = (c: Candidate) => gold.has(c.DOI.toLowerCase());
  if (!hits.some(isGold)) return 'not-retrieved';
  const candidates = selectCandidates(searchQueryText(ref), hits, opts);
  if (!candidates.some(isGold)) return 'not-selected';
  const prepared = prepareReference(ref);
  const scored = candidates.map((cand) => ({ cand, d: explainValidation(prepared, cand, opts) }));
  const g = scored.filter((s) => isGold(s.cand)).sort((a, b) => b.d.similarity - a.d.similarity)[0]!;
  if (g.d.rejected) return `rejected-${g.d.rejected}`;
  if (g.d.similarity < (opts.threshold ?? DEFAULT_THRESHOLD)) return 'below-threshold';
  if (scored.some((s) => !isGold(s.cand) && s.d.similarity > g.d.similarity)) return 'outscored';
  const margin = opts.tuning?.ambiguityMargin ?? DEFAULT_TUNING.ambiguityMargin;
  const rivals = scored.filter((s) => !isGold(s.cand) && s.d.similarity > 0 && g.d.similarity - s.d.similarity < margin);
  return rivals.some((s) => sameWork(g.cand, s.cand)) ? 'tie-same-work' : 'tie-sibling';
}

export interface EvalOptions extends MatchOptions {
  rows?: number;
  leaveTargetOut?: boolean;
}

/**
 * Runs the matcher once per case with threshold 0 (so the best candidate and its similarity are known), so that
 * any threshold can be scored afterwards: a link is returned iff similarity ≥ threshold, exactly as matchReference
 * decides with that threshold.
 */
export function runCases(cases: readonly MatchCase[], index: SimSearchIndex, opts: EvalOptions = {}): CaseOutcome[] {
  const rows = opts.rows ?? SEARCH_ROWS;
  const matchOpts: MatchOptions = { ...opts, threshold: 0 };
  return cases.map((c) => {
    const gold = goldDois(c);
    const ref = c.ref_string ?? '';
    const inString = (ref.match(DOI_IN_TEXT) ?? []).map(normalizeDoiForEval);
    const outcome: CaseOutcome = {
      id: c.id,
      source: c.source,
      style: c.style ?? '',
      gold,
      predicted: null,
      similarity: 0,
      ltoPredicted: null,
      ltoSimilarity: 0,
      ltoDuplicate: false,
      goldDisagrees: false,
      missCause: null,
      doiInString: inString.length > 0,
      doiInStringCorrect: inString.some((d) => gold.includes(d)),
    };
    if (ref.trim() === '') return outcome;
    const query = searchQuery(ref);
    const goldRecord = gold.length > 0 ? index.get(gold[0]!) : undefined;
    if (goldRecord) outcome.goldDisagrees = disagrees(goldRecord, ref);
    const goldSet = new Set(gold);
    // One search serves both runs: the top rows+|gold| hits, gold dropped for leave-target-out.
    const hits = index.search(query, rows + (opts.leaveTargetOut ? goldSet.size : 0));
    const r = matchReference(ref, hits.slice(0, rows), matchOpts);
    if (r.doi !== null) {
      outcome.predicted = r.doi;
      outcome.similarity = r.similarity;
    }
    const linked = r.doi !== null && goldSet.has(r.doi) && r.similarity >= (opts.threshold ?? DEFAULT_THRESHOLD);
    if (goldSet.size > 0 && !linked) outcome.missCause = missCause(ref, hits.slice(0, rows), goldSet, opts);
    if (opts.leaveTargetOut && goldSet.size > 0) {
      const without = hits.filter((h) => !goldSet.has(h.DOI.toLowerCase())).slice(0, rows);
      const l = matchReference(ref, without, matchOpts);
      if (l.doi !== null) {
        outcome.ltoPredicted = l.doi;
        outcome.ltoSimilarity = l.similarity;
        outcome.ltoDuplicate = goldRecord !== undefined && sameWork(goldRecord, l.candidate);
      }
    }
    return outcome;
  });
}

/**
 * Whether the string cannot cite the record: its volume and first page are both missing from the string's numbers,
 * or the string prints a page range that neither starts at nor contains the record's first page.
 */
function disagrees(c: Candidate, ref: string): boolean {
  const volume = c.volume?.match(/\d+/)?.[0];
  const page = c.page?.match(/^\d+/)?.[0];
  if (page !== undefined) {
    const first = Number(page);
    const ranges = [...expandPageRanges(ref).matchAll(/(?<![\d.])(\d+)-(\d+)(?!\d|\.\d)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
    const printed = ranges.filter(([a, b]) => b > a && a !== Number(c.issued?.['date-parts']?.[0]?.[0]));
    if (printed.length > 0 && !printed.some(([a, b]) => first >= a && first <= b)) return true;
  }
  if (volume === undefined || page === undefined) return false;
  const numbers = new Set((ref.match(/\d+/g) ?? []).map((n) => n.replace(/^0+(?=\d)/, '')));
  return !numbers.has(volume.replace(/^0+(?=\d)/, '')) && !numbers.has(page.replace(/^0+(?=\d)/, ''));
}

/**
 * Whether two records describe the same work, so that no string can tell them apart: same year, the same volume and
 * first page wherever both records give them, and titles equal once markup and punctuation are gone, or nearly so
 * (a spelling variant), or one holding the other whole (a dropped subtitle, a review's added byline) when both
 * records give the same first page; or the same first author on the same page range of the same volume. Issues are
 * ignored: "02" and "2", or an issue one deposit left out.
 */
export function sameWork(a: Candidate, b: Candidate): boolean {
  if (candidateYear(a) !== candidateYear(b)) return false;
  const first = (x: string | undefined) => x?.match(/\d+/)?.[0]?.replace(/^0+(?=\d)/, '');
  const agree = (x: string | undefined, y: string | undefined) =>
    first(x) === undefined || first(y) === undefined || first(x) === first(y);
  if (!agree(a.volume, b.volume) || !agree(a.page, b.page)) return false;
  const ta = normalizeText(candidateTitle(a) ?? '');
  const tb = normalizeText(candidateTitle(b) ?? '');
  if (ta === '' || tb === '') return false;
  if (ta === tb || ratio(ta, tb) >= 0.9) return true;
  // Or one first author on the same pages (a range) of the same volume: one article deposited twice, its title written
  // two ways (a review titled by the book it reviews, "BOOK REVIEW: … Rochester, VT: Schenkman, 2001.").
  const range = (x: string | undefined) => x?.match(/^\D*(\d+)\D+(\d+)$/)?.slice(1).map((n) => n.replace(/^0+(?=\d)/, ''));
  const [ra, rb] = [range(a.page), range(b.page)];
  const author = (x: Candidate) => normalizeText(candidateFirstAuthor(x) ?? '');
  if (ra && rb && ra[0] !== ra[1] && ra.join() === rb.join() && first(a.volume) !== undefined && author(a) !== '' && author(a) === author(b)) {
    return true;
  }
  const samePage = first(a.page) !== undefined && first(a.page) === first(b.page);
  const [short, long] = ta.length < tb.length ? [ta, tb] : [tb, ta];
  return samePage && ` ${long} `.includes(` ${short} `);
}

export interface Metrics {
  n: number;
  withGold: number;
  links: number;
  correct: number;
  precision: number;
  recall: number;
  f1: number;
  /** Links returned with the gold record absent / cases with gold; null when not measured. */
  falseLinkRate: number | null;
  falseLinks: number | null;
  /** False links whose record duplicates the gold record's metadata (indistinguishable by construction). */
  falseLinksToDuplicates: number | null;
  /** The other false links, made for strings that cannot cite their gold record (the link may well be right). */
  falseLinksWhereGoldDisagrees: number | null;
  /** Wrong links on cases whose gold record disagrees with the string (see CaseOutcome.goldDisagrees). */
  wrongWhereGoldDisagrees: number;
  /** Precision not counting those as wrong: an upper bound, as `precision` is a lower one. */
  precisionGoldAdjudicated: number;
}

export function score(outcomes: readonly CaseOutcome[], threshold: number, leaveTargetOut: boolean): Metrics {
  let withGold = 0;
  let links = 0;
  let correct = 0;
  let falseLinks = 0;
  let duplicates = 0;
  let ltoGoldDisagrees = 0;
  let goldDisagrees = 0;
  for (const o of outcomes) {
    if (o.gold.length > 0) withGold++;
    if (o.predicted !== null && o.similarity >= threshold) {
      links++;
      if (o.gold.includes(o.predicted)) correct++;
      else if (o.goldDisagrees) goldDisagrees++;
    }
    if (o.gold.length > 0 && o.ltoPredicted !== null && o.ltoSimilarity >= threshold) {
      falseLinks++;
      if (o.ltoDuplicate) duplicates++;
      else if (o.goldDisagrees) ltoGoldDisagrees++;
    }
  }
  const precision = links === 0 ? 1 : correct / links;
  const recall = withGold === 0 ? 0 : correct / withGold;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return {
    n: outcomes.length,
    withGold,
    links,
    correct,
    precision,
    recall,
    f1,
    falseLinkRate: leaveTargetOut ? (withGold === 0 ? 0 : falseLinks / withGold) : null,
    falseLinks: leaveTargetOut ? falseLinks : null,
    falseLinksToDuplicates: leaveTargetOut ? duplicates : null,
    falseLinksWhereGoldDisagrees: leaveTargetOut ? ltoGoldDisagrees : null,
    wrongWhereGoldDisagrees: goldDisagrees,
    precisionGoldAdjudicated: links === 0 ? 1 : (correct + goldDisagrees) / links,
  };
}

export function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

export function parseCases(jsonl: string): MatchCase[] {
  return jsonl
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as MatchCase);
}
