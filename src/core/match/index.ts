/** Reference matching: raw string (or structured fields) + Crossref search hits → DOI or abstention. Pure. */
export type {
  Candidate,
  CandidateName,
  MatchOptions,
  MatchResult,
  SelectOptions,
  ValidateOptions,
  ValidationTuning,
} from './types';
export { DEFAULT_MIN_NORMALIZED_SCORE, selectCandidates } from './select';
export {
  DEFAULT_TUNING,
  explainValidation,
  FUZZY_SUPPORT,
  MIN_SUPPORT,
  prepareReference,
  validate,
} from './validate';
export type { PreparedReference, ValidationDetail } from './validate';
export {
  DEFAULT_STRUCTURED_THRESHOLD,
  isJournalAbbreviation,
  journalSimilarity,
  structuredQuery,
  validateStructured,
} from './structured';
export { confidenceFromSimilarity, DEFAULT_THRESHOLD, matchReference, matchStructured, SEARCH_ROWS } from './match';
export { expandPageRanges, normalizeText, searchQuery, searchQueryText, stripNonBibliographic } from './text';
export { partialRatio, ratio } from './fuzzy';
