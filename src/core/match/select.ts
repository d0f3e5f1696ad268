import type { Candidate, SelectOptions } from './types';

/** Crossref SBMV default for score / query length. */
export const DEFAULT_MIN_NORMALIZED_SCORE = 0.4;

/**
 * SBMV candidate selection over search hits in rank order: always keep the first; keep each following hit while
 * its relevance score (scaled onto Crossref's scale) divided by the query length stays ≥ the minimum. Hits without
 * a score (e.g. `select=` responses) are all kept, the validator then decides.
 */
export function selectCandidates(query: string, items: readonly Candidate[], opts: SelectOptions = {}): Candidate[] {
  const min = opts.minNormalizedScore ?? DEFAULT_MIN_NORMALIZED_SCORE;
  const scale = opts.scoreScale ?? 1;
  const length = Math.max(1, query.length);
  const kept: Candidate[] = [];
  for (const [i, item] of items.entries()) {
    if (i > 0 && typeof item.score === 'number' && (item.score * scale) / length < min) break;
    kept.push(item);
  }
  return kept;
}
