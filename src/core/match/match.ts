import type { CslItem } from '../csl';
import { selectCandidates } from './select';
import { DEFAULT_STRUCTURED_THRESHOLD, validateStructured } from './structured';
import { searchQueryText } from './text';
import type { Candidate, MatchOptions, MatchResult } from './types';
import { DEFAULT_TUNING, explainValidation, prepareReference } from './validate';

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

/** Best-scoring candidate, and the best score of any candidate with another DOI. */
function pickBest(
  candidates: readonly Candidate[],
  score: (c: Candidate) => number,
): { best?: Candidate; bestSim: number; runnerUp: number } {
  let best: Candidate | undefined;
  let bestSim = -1;
  let runnerUp = -1;
  for (const cand of candidates) {
    const s = score(cand);
    const sameAsBest = best !== undefined && best.DOI.toLowerCase() === cand.DOI.toLowerCase();
    if (s > bestSim) {
      if (best !== undefined && !sameAsBest) runnerUp = bestSim;
      bestSim = s;
      best = cand;
    } else if (s > runnerUp && !sameAsBest) {
      runnerUp = s;
    }
  }
  return { best, bestSim, runnerUp };
}

function decide(
  picked: ReturnType<typeof pickBest>,
  threshold: number,
  margin: number,
): MatchResult {
  const { best, bestSim, runnerUp } = picked;
  if (best === undefined) return { doi: null };
  if (bestSim <= 0 || bestSim < threshold) return { doi: null, best: Math.max(0, bestSim) };
  // Two different records fit equally well: a duplicate DOI or a sibling the string cannot tell apart.
  if (runnerUp > 0 && bestSim - runnerUp < margin) return { doi: null, best: bestSim };
  return {
    doi: best.DOI.toLowerCase(),
    confidence: confidenceFromSimilarity(bestSim),
    similarity: bestSim,
    candidate: best,
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
  return decide(
    pickBest(candidates, (c) => explainValidation(ref, c, opts).similarity),
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
    pickBest(items, (c) => validateStructured(csl, c)),
    opts.threshold ?? DEFAULT_STRUCTURED_THRESHOLD,
    opts.tuning?.ambiguityMargin ?? DEFAULT_TUNING.ambiguityMargin,
  );
}
