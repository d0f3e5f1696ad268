import type { CslItem } from '../csl';
import { candidateTitle, candidateYear } from './candidate';
import { ratio } from './fuzzy';
import { selectCandidates } from './select';
import { DEFAULT_STRUCTURED_THRESHOLD, validateStructured } from './structured';
import { normalizeText, searchQueryText } from './text';
import type { Candidate, MatchOptions, MatchResult } from './types';
import { DEFAULT_TUNING, explainValidation, prepareReference } from './validate';

/**
 * Candidates asked of the search service per reference string, as Crossref's own search-based matcher does
 * (docs/matching.md); the matcher eval's stand-in search returns as many, so that it measures what users get.
 */
export const SEARCH_ROWS = 20;

/**
 * Acceptance threshold on the validation similarity for unstructured strings, chosen on the tune half of
 * shared/eval/matching-tune.jsonl (scripts/eval-match.ts --half tune --sweep) as the lowest value keeping
 * leave-target-out links to records that do not duplicate the target at ≤ 1.25% (artificial styles) while glutton
 * PMC recall stays > 0.9.
 */
export const DEFAULT_THRESHOLD = 0.8;

/**
 * Similarity → estimated probability that the link is right, piecewise linear. Knots are measured on the tune
 * half assuming 40% of references have no DOI in the index (as in Crossref's real sample, 806/2,000): correct
 * links / (all links + links made with the target left out), per similarity bin. So DEFAULT_THRESHOLD (0.8) maps
 * to 0.9 and an exact match to ~0.985.
 */
const CONFIDENCE_KNOTS: readonly [similarity: number, confidence: number][] = [
  [0, 0],
  [0.5, 0.5],
  [0.6, 0.6],
  [0.7, 0.8],
  [0.8, 0.9],
  [0.85, 0.96],
  [0.9, 0.97],
  [1, 0.985],
];

export function confidenceFromSimilarity(similarity: number): number {
  const s = Math.min(1, Math.max(0, similarity));
  for (let i = 1; i < CONFIDENCE_KNOTS.length; i++) {
    const [x1, y1] = CONFIDENCE_KNOTS[i]!;
    if (s <= x1) {
      const [x0, y0] = CONFIDENCE_KNOTS[i - 1]!;
      return y0 + ((y1 - y0) * (s - x0)) / (x1 - x0);
    }
  }
  return CONFIDENCE_KNOTS[CONFIDENCE_KNOTS.length - 1]![1];
}

/**
 * Whether two records give the same year and (nearly) the same title, or one title holds the other whole (a subtitle
 * one deposit left out, a review's added byline): two DOIs of one work.
 */
function sameRecordedWork(a: Candidate, b: Candidate): boolean {
  const ta = normalizeText(candidateTitle(a) ?? '');
  const tb = normalizeText(candidateTitle(b) ?? '');
  if (candidateYear(a) !== candidateYear(b) || ta === '' || tb === '') return false;
  if (ratio(ta, tb) >= SAME_TITLE) return true;
  const [short, long] = ta.length < tb.length ? [ta, tb] : [tb, ta];
  return short.length >= HELD_TITLE_MIN_CHARS && ` ${long} `.includes(` ${short} `);
}
const SAME_TITLE = 0.9;
/** Shorter titles ("Introduction", "Reply") recur inside other works' titles. */
const HELD_TITLE_MIN_CHARS = 15;

interface Scored {
  cand: Candidate;
  similarity: number;
  /** Secondary evidence that only breaks ties between different DOIs (see ValidationDetail.verbatim). */
  readonly tieBreak: number;
}

/**
 * Best candidate above the threshold, or abstention. Candidates of other DOIs within the ambiguity margin of the best
 * are ties: the one with the strictly highest tie-break evidence wins, otherwise the string cannot tell them apart
 * (a duplicate DOI or a sibling) and the matcher abstains.
 */
function decide(scored: readonly Scored[], threshold: number, margin: number): MatchResult {
  if (scored.length === 0) return { doi: null };
  let best = scored[0]!;
  for (const s of scored) if (s.similarity > best.similarity) best = s;
  if (best.similarity <= 0 || best.similarity < threshold) return { doi: null, best: Math.max(0, best.similarity) };
  // Per DOI, its best-scoring record within the margin.
  const ties = new Map<string, Scored>();
  for (const s of scored) {
    if (s.similarity <= 0 || best.similarity - s.similarity >= margin) continue;
    const doi = s.cand.DOI.toLowerCase();
    const seen = ties.get(doi);
    if (!seen || s.similarity > seen.similarity || (s.similarity === seen.similarity && s.tieBreak > seen.tieBreak)) ties.set(doi, s);
  }
  let pick = best;
  if (ties.size > 1) {
    const ranked = [...ties.values()].sort((a, b) => b.tieBreak - a.tieBreak);
    // Only records of one work are told apart this way; siblings (same authors, journal and year) stay ambiguous.
    if (ranked[0]!.tieBreak === ranked[1]!.tieBreak || !ranked.every((r) => sameRecordedWork(r.cand, ranked[0]!.cand))) {
      return { doi: null, best: best.similarity };
    }
    pick = ranked[0]!;
  }
  return {
    doi: pick.cand.DOI.toLowerCase(),
    confidence: confidenceFromSimilarity(pick.similarity),
    similarity: pick.similarity,
    candidate: pick.cand,
  };
}

/**
 * Picks the DOI a raw reference string refers to among search hits (Crossref `message.items` in rank order), or
 * abstains. Same steps as Crossref SBMV: candidate selection by relevance, validation, best above threshold; plus
 * abstention when two DOIs validate equally well.
 */
export function matchReference(refString: string, items: readonly Candidate[], opts: MatchOptions = {}): MatchResult {
  const ref = prepareReference(refString);
  const candidates = selectCandidates(searchQueryText(refString), items, opts);
  const scored = candidates.map((cand) => {
    const d = explainValidation(ref, cand, opts);
    return {
      cand,
      similarity: d.similarity,
      get tieBreak() {
        return d.verbatim;
      },
    };
  });
  return decide(
    scored,
    opts.threshold ?? DEFAULT_THRESHOLD,
    opts.tuning?.ambiguityMargin ?? DEFAULT_TUNING.ambiguityMargin,
  );
}

/**
 * The same for structured fields read from the page (query Crossref with structuredQuery(csl), rows=100 as SBMV
 * does). Default threshold: Crossref's 0.76.
 */
export function matchStructured(
  csl: Partial<CslItem>,
  items: readonly Candidate[],
  opts: Pick<MatchOptions, 'threshold' | 'tuning'> = {},
): MatchResult {
  return decide(
    items.map((cand) => ({ cand, similarity: validateStructured(csl, cand), tieBreak: 0 })),
    opts.threshold ?? DEFAULT_STRUCTURED_THRESHOLD,
    opts.tuning?.ambiguityMargin ?? DEFAULT_TUNING.ambiguityMargin,
  );
}
