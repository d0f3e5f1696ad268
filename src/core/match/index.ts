/** Reference matching: raw string (or structured fields) + Crossref search hits → DOI or abstention. Pure. */
export type { Candidate, CandidateName, MatchOptions, MatchResult, SelectOptions, ValidateOptions } from './types';
export { DEFAULT_MIN_NORMALIZED_SCORE, selectCandidates } from './select';
export { explainValidation, FUZZY_SUPPORT, MIN_SUPPORT, prepareReference, validate } from './validate';
export type { PreparedReference, ValidationDetail } from './validate';
export { confidenceFromSimilarity, DEFAULT_THRESHOLD, matchReference } from './match';
export { expandPageRanges, normalizeText, searchQueryText, stripNonBibliographic } from './text';
export { partialRatio, ratio } from './fuzzy';
