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
  /** Multiplies `score` onto the Crossref scale before it is used as a feature; 1 for Crossref. */
  scoreScale?: number;
  /** Ignore `score` even when present (e.g. a backend whose scores are not comparable). */
  ignoreScore?: boolean;
  /** Feature weights; defaults are the tuned values (DEFAULT_TUNING). For experiments. */
  tuning?: Partial<ValidationTuning>;
}

export interface ValidationTuning {
  /** Weight of each string number no candidate field accounts for (SBMV: 1). */
  restWeight: number;
  /** Weight of the share of the string's words explained by the candidate's title, names and journal (0 = off). */
  wordsWeight: number;
  /** Extra penalty when the candidate's year / first page is missing from a string that prints another one. */
  conflictWeight: number;
  /** Require the title or the first page among the supporting fields (author+year+volume alone name a volume, not an article). */
  requireSpecific: boolean;
  /** Volume equal to the single printed year is not a second support; first page "1" does not single out an article. */
  strictSupport: boolean;
  /** Abstain when another DOI validates within this margin of the best (records the string cannot tell apart). */
  ambiguityMargin: number;
  /** Penalty when the candidate's first author is not at the start of the string (similarity < 0.5). */
  authorConflictWeight: number;
  /** Weight of the share of the candidate's title words found in a string that prints a title. */
  titleWordsWeight: number;
  /** The container title found in the string counts as one more support (helps author-less records). */
  containerSupport: boolean;
  /** Titles shorter than this (normalised characters) do not count as article-specific evidence. */
  specificTitleLength: number;
  /** Issue, last page and title/journal numbers missing from the string do not count against the candidate. */
  lenientAbsence: boolean;
  /** Reject when the string prints a title and fewer than this share of the candidate's title words are in it. */
  titleGate: number;
}

export interface MatchOptions extends SelectOptions, ValidateOptions {
  /** Minimum validation similarity to accept a candidate. */
  threshold?: number;
}

export type MatchResult =
  | { doi: string; confidence: number; similarity: number; candidate: Candidate }
  | { doi: null; best?: number };
