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
}

export interface MatchOptions extends SelectOptions, ValidateOptions {
  /** Minimum validation similarity to accept a candidate. */
  threshold?: number;
}

export type MatchResult =
  | { doi: string; confidence: number; similarity: number; candidate: Candidate }
  | { doi: null; best?: number };
