import type { CslItem } from './csl';

/** Identifiers of one cited work. DOIs are normalised (lower case, no resolver prefix). PMCIDs carry "PMC". */
export interface Identifiers {
  doi?: string;
  pmid?: string;
  pmcid?: string;
  arxiv?: string;
}

export type IdKind = 'doi' | 'pubmed' | 'pmc';

/** What a site adapter reads from one reference item on the page. */
export interface ExtractedReference {
  /** Visible text of the reference, whitespace-collapsed, without link-button labels. */
  text: string;
  /** Identifiers printed or linked on the page. */
  ids: Identifiers;
  /** Structured fields read from the markup (may be partial). */
  csl: Partial<CslItem>;
}

export type RefState = 'pending' | 'resolved' | 'unresolved' | 'error';

/** A reference as it travels between content script and background. */
export interface ReferenceInput extends ExtractedReference {
  /** 1-based position in the page's list. */
  n: number;
}

export interface LinkedId {
  value: string;
  source: 'page' | 'lookup';
  /** In [0,1]; present only for lookups. */
  confidence?: number;
}

export interface OpenAccessCopy {
  url: string;
  version: 'published' | 'accepted' | 'submitted' | 'unknown';
  host: string;
}

export type FlagKind = 'retracted' | 'correction' | 'expression-of-concern';

export interface Flag {
  kind: FlagKind;
  /** Link to the notice, when known. */
  url?: string;
  label: string;
}

/** The background's answer for one reference. */
export interface ReferenceResult {
  n: number;
  state: RefState;
  doi?: LinkedId;
  pmid?: LinkedId;
  pmcid?: LinkedId;
  oa?: OpenAccessCopy;
  flags?: Flag[];
  /** Best-known metadata, used for citations. */
  csl: CslItem;
  /** Every key the work is known under, strongest first (see workKeys). */
  workKeys: string[];
  /** Short, honest reason when state is unresolved or error. */
  message?: string;
}

/** The CSL item of a reference from what the page shows, with the page's identifiers folded in. */
export function cslFromPage(ref: ReferenceInput): CslItem {
  const csl: CslItem = { type: 'article-journal', ...ref.csl, id: `ref-${ref.n}` };
  if (ref.ids.doi) csl.DOI = ref.ids.doi;
  if (ref.ids.pmid) csl.PMID = ref.ids.pmid;
  if (ref.ids.pmcid) csl.PMCID = ref.ids.pmcid;
  return csl;
}
