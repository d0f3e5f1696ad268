import type { CslItem } from './csl';
import { pageTitle, printedText, type PrintedReference } from './printed';

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
  /** What the reference prints, when the adapter leaves its CSL fields to the background (core/printed.ts). */
  printed?: PrintedReference;
}

export type RefState = 'pending' | 'resolved' | 'unresolved' | 'error';

/** A reference as it travels between content script and background. */
export interface ReferenceInput extends ExtractedReference {
  /** 1-based position in the page's list. */
  n: number;
}

/**
 * A reference as sent for lookup: a structured printed reference leaves its text out, which its blocks make
 * (printedText): a third less to serialise on the page's main thread.
 */
export type LookupReference = Omit<ReferenceInput, 'text'> & { text?: string };

const textFromBlocks = (ref: Pick<ReferenceInput, 'printed'>) => !!ref.printed && !ref.printed.free;

export function forLookup(ref: ReferenceInput): LookupReference {
  if (!textFromBlocks(ref)) return ref;
  const { text: _made, ...sent } = ref;
  return sent;
}

/** The reference the page read, from what it sent for lookup. */
export function fromLookup(ref: LookupReference): ReferenceInput {
  if (typeof ref.text === 'string') return ref as ReferenceInput;
  return { ...ref, text: textFromBlocks(ref) ? printedText(ref.printed!) : '' };
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

/** The background's answer for one reference, as the resolver makes and caches it. */
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

/**
 * What the page is told of a result: everything it shows, without the CSL item, which stays in the background
 * (citations are formatted there from the resolver's results). Chrome serialises every message on the page's main
 * thread at a cost per byte, and the CSL item was most of each reply.
 */
export interface ResultForPage extends Omit<ReferenceResult, 'csl'> {
  /** The work's title, only when it differs from the page's own (search links of unresolved references, note titles). */
  title?: string;
  /** The text of the user's note on the work, when there is one (resolve replies only). */
  note?: string;
}

/** The page's view of a result (`ref` as the page sent it); the title travels only when the page does not have it already. */
export function resultForPage(r: ReferenceResult, ref: ReferenceInput): ResultForPage {
  const { csl, ...shown } = r;
  return csl.title !== undefined && csl.title !== pageTitle(ref) ? { ...shown, title: csl.title } : shown;
}

/**
 * A reference whose citation the page asks for: what it sent to be resolved, plus every identifier it shows for it
 * now (printed or looked up), so that a work whose metadata could not be fetched still cites with its DOI.
 */
export interface CitedReference extends ReferenceInput {
  /** Default: the page's own `ids`. */
  shownIds?: Identifiers;
  /**
   * For a reference sent for lookup with its linked identifiers alone (no text): the rest the page prints, read when
   * the citation was asked for. What it was resolved as stays the reference itself (its cache key, its rejections).
   */
  printedRest?: ExtractedReference;
}

/** The reference with all the page prints for it, when a citation needs it. */
export function withPrintedRest(ref: CitedReference): ReferenceInput {
  const rest = ref.printedRest;
  return rest ? { ...rest, n: ref.n, ids: { ...rest.ids, ...ref.ids } } : ref;
}

/** The CSL item of a reference from what the page shows, with the page's identifiers folded in. */
export function cslFromPage(ref: ReferenceInput): CslItem {
  const csl: CslItem = { type: 'article-journal', ...ref.csl, id: `ref-${ref.n}` };
  if (ref.ids.doi) csl.DOI = ref.ids.doi;
  if (ref.ids.pmid) csl.PMID = ref.ids.pmid;
  if (ref.ids.pmcid) csl.PMCID = ref.ids.pmcid;
  return csl;
}
