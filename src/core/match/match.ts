import { selectCandidates } from './select';
import { searchQueryText } from './text';
import type { Candidate, MatchOptions, MatchResult } from './types';
import { DEFAULT_TUNING, explainValidation, prepareReference } from './validate';

/** Acceptance threshold on the validation similarity, tuned on the tune half (see scripts/eval-match.ts). */
export const DEFAULT_THRESHOLD = 0.5;

/**
 * Confidence in [0,1] from a validation similarity: DEFAULT_THRESHOLD maps to 0.9, 1 maps to 1, linearly between;
 * below the threshold it falls linearly to 0. (Precision at the threshold on the tune data is ~0.99.)
 */
export function confidenceFromSimilarity(similarity: number, threshold = DEFAULT_THRESHOLD): number {
  const s = Math.min(1, Math.max(0, similarity));
  if (s >= threshold) return threshold >= 1 ? 1 : 0.9 + (0.1 * (s - threshold)) / (1 - threshold);
  return threshold <= 0 ? 0 : (0.9 * s) / threshold;
}

/**
 * Picks the DOI a raw reference string refers to among search hits (Crossref `message.items`, rank order), or
 * abstains. Same steps as Crossref SBMV: candidate selection by relevance, validation similarity, best above
 * threshold.
 */
export function matchReference(refString: string, items: readonly Candidate[], opts: MatchOptions = {}): MatchResult {
  const threshold = opts.threshold ?? DEFAULT_THRESHOLD;
  const ref = prepareReference(refString);
  const candidates = selectCandidates(searchQueryText(refString), items, opts);
  let best: Candidate | undefined;
  let bestSim = -1;
  let runnerUp = -1;
  for (const cand of candidates) {
    const s = explainValidation(ref, cand, opts).similarity;
    if (s > bestSim) {
      if (best !== undefined && best.DOI.toLowerCase() !== cand.DOI.toLowerCase()) runnerUp = bestSim;
      bestSim = s;
      best = cand;
    } else if (s > runnerUp && best !== undefined && best.DOI.toLowerCase() !== cand.DOI.toLowerCase()) {
      runnerUp = s;
    }
  }
  if (best === undefined) return { doi: null };
  if (bestSim < threshold || bestSim <= 0) return { doi: null, best: bestSim };
  const margin = opts.tuning?.ambiguityMargin ?? DEFAULT_TUNING.ambiguityMargin;
  if (margin > 0 && bestSim - runnerUp < margin) return { doi: null, best: bestSim };
  return {
    doi: best.DOI.toLowerCase(),
    confidence: confidenceFromSimilarity(bestSim, threshold),
    similarity: bestSim,
    candidate: best,
  };
}
