/** The subset of a Crossref work (`message.items[]` of GET /works?query.bibliographic=…) that the matcher reads. */
export interface Candidate {
  DOI: string;
  title?: string[];
  author?: CandidateName[];
  editor?: CandidateName[];
  'container-title'?: string[];
  'short-container-title'?: string[];
  issued?: { 'date-parts'?: (number | null)[][] };
  volume?: string;
  issue?: string;
  page?: string;
  'article-number'?: string;
  type?: string;
  /** Search relevance of the hit; absent when the API was called with `select=`. */
  score?: number;
}

export interface CandidateName {
  family?: string;
  given?: string;
  literal?: string;
  name?: string;
}

export interface SelectOptions {
  /** Keep hits after the first while score × scoreScale / query length ≥ this. Crossref SBMV default 0.4. */
  minNormalizedScore?: number;
  /** Multiplies backend scores onto the Crossref `query.bibliographic` scale (1 for Crossref itself). */
  scoreScale?: number;
}

export interface ValidateOptions {
  /**
   * Add SBMV's relevance terms (score/100 and score/query length) to the similarity. Off by default: the
   * threshold was tuned without them, and with an offline BM25 stand-in they lowered recall at equal precision.
   */
  useScore?: boolean;
  /** Multiplies `score` onto the Crossref `query.bibliographic` scale; 1 for Crossref itself. */
  scoreScale?: number;
  /** Feature weights; defaults are the tuned values (DEFAULT_TUNING). For experiments. */
  tuning?: Partial<ValidationTuning>;
}

export interface ValidationTuning {
  /** Weight of each string number no candidate field accounts for (SBMV: 1). */
  restWeight: number;
  /** Weight of the share of the string's words explained by the candidate's title, names and journal. */
  wordsWeight: number;
  /** Penalty when the string prints another year / first page than the record. */
  conflictWeight: number;
  /** Penalty when the candidate's first author is not at the start of the string. */
  authorConflictWeight: number;
  /** Titles shorter than this (normalised characters) are not article-specific evidence ("Index", "Preface"). */
  specificTitleLength: number;
  /** Abstain when another DOI validates within this margin of the best (records the string cannot tell apart). */
  ambiguityMargin: number;
  /**
   * With no title or page to go on, this many of the record's author names in the string, plus its journal and
   * year, single a work out (0 = never).
   */
  specificAuthorCount: number;
  /** Credit for a printed number with one OCR-garbled character ("2n06" for 2006); 0 = off. */
  garbledNumberCredit: number;
  /** Count an author list that contradicts the record's (order, a skipped co-author) against it. */
  authorListConflict: boolean;
  /** Credit for a number printed split by a stray space ("20 06" for 2006); 0 = off. */
  splitNumberCredit: number;
  /** Count split, run-together and one-character-misread words as explained (text extracted from PDFs). */
  noisyWords: boolean;
  /**
   * This many unexplained words in a row, with the record's journal printed and its title not, are another title:
   * a conflict (0 = off).
   */
  titleConflictRun: number;
  /**
   * The string prints most of the record's title but other words in place of the rest ("Psoralea bituminosa" for
   * Psoralea corylifolia): another work of a series, a conflict (false = off).
   */
  titleSubstitution: boolean;
}

export interface MatchOptions extends SelectOptions, ValidateOptions {
  /** Minimum validation similarity to accept a candidate. */
  threshold?: number;
}

export type MatchResult =
  | { doi: string; confidence: number; similarity: number; candidate: Candidate }
  | { doi: null; best?: number };
