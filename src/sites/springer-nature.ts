import type { CslItem, CslName } from '../core/csl';
import { idsFromText, idsFromUrl, mergeIds, normalizeDoi, normalizeTitle } from '../core/identifiers';
import type { ExtractedReference, Identifiers } from '../core/reference';
import { collapse, textOf } from './dom';
import type { SiteAdapter } from './types';

/*
 * Springer Nature's shared article renderer: SpringerLink (link.springer.com), nature.com and BMC / SpringerOpen
 * journals (publisher-dom.md §4). The list is server-rendered:
 *   [data-container-section=references] > ol|ul.c-article-references > li.c-article-references__item >
 *   p.c-article-references__text#ref-CRn + p.c-article-references__links (Article / PubMed / PMC / CAS / Scholar buttons).
 * Script later clones every item into the reading companion (li.c-reading-companion__reference-item); those copies are
 * never items. Text is unstructured, but each item has a `meta[name=citation_reference]` with `citation_id=CRn`, read
 * as the structured CSL source.
 */

/** Main BMC journal hosts (all on the same renderer); the wildcard entry covers the rest. */
export const BMC_HOSTS = [
  'www.biomedcentral.com',
  'bmccancer.biomedcentral.com',
  'bmcmedicine.biomedcentral.com',
  'bmcbioinformatics.biomedcentral.com',
  'bmcgenomics.biomedcentral.com',
  'bmcpublichealth.biomedcentral.com',
  'bmchealthservres.biomedcentral.com',
  'bmcinfectdis.biomedcentral.com',
  'bmcpsychiatry.biomedcentral.com',
  'bmcmededuc.biomedcentral.com',
  'bmcplantbiol.biomedcentral.com',
  'bmcbiol.biomedcentral.com',
  'bmcgeriatr.biomedcentral.com',
  'bmcpediatr.biomedcentral.com',
  'bmcpregnancychildbirth.biomedcentral.com',
  'bmcmusculoskeletdisord.biomedcentral.com',
  'genomebiology.biomedcentral.com',
  'malariajournal.biomedcentral.com',
  'trialsjournal.biomedcentral.com',
  'jeccr.biomedcentral.com',
  'breast-cancer-research.biomedcentral.com',
  'arthritis-research.biomedcentral.com',
  'ccforum.biomedcentral.com',
  'retrovirology.biomedcentral.com',
  'molecular-cancer.biomedcentral.com',
  'jhoonline.biomedcentral.com',
  'parasitesandvectors.biomedcentral.com',
  'systematicreviewsjournal.biomedcentral.com',
  'implementationscience.biomedcentral.com',
  'microbiomejournal.biomedcentral.com',
  'biotechnologyforbiofuels.biomedcentral.com',
  'ijbnpa.biomedcentral.com',
] as const;

const HOSTS = ['link.springer.com', 'www.nature.com', ...BMC_HOSTS, '*.biomedcentral.com', '*.springeropen.com'];

/** Containers of the article's own list: current renderer, its section wrapper, and nature.com news. */
const LIST_SCOPE = '[data-container-section="references"], #Bib1-content, section[data-title="References"], ol[data-test="references-list"]';
const ITEM = 'li.c-article-references__item, li.js-ref-item';
/** JS-built copies (reading companion sidebar, pop-ups) that repeat the items. */
const COPIES = '.c-reading-companion, [data-component-reading-companion], li.c-reading-companion__reference-item, .c-popup, [role="dialog"]';
/** Buttons below the text; the data-counter number is CSS-only. */
const NOT_TEXT = '.c-article-references__links, .c-article-references__counter, .u-visually-hidden';

/** Which buttons carry identifiers: the others (Scholar, ADS, CAS) are look-ups, never identity. */
const ID_LINKS = [
  'a[data-doi]',
  'a[data-track-action="article reference"]',
  'a[data-track-action="pubmed reference"]',
  'a[data-track-action="pubmed central reference"]',
  'a[data-track-action="external reference"]',
].join(', ');

const INITIALS = /^(?:\p{Lu}\.?){1,4}(?:-(?:\p{Lu}\.?){1,2})?$/u;

/** "RF" -> "R.F.", "F-F" -> "F.-F.", "M.G." stays. */
export function dottedInitials(raw: string): string {
  return raw
    .replace(/\./g, '')
    .split('-')
    .map((part) => [...part].map((c) => `${c}.`).join(''))
    .join('-');
}

/**
 * One name as publishers print it in metas and Vancouver lists: "RF Adler", "Adler RF", "M. G. Acker", "Z. Cheng",
 * "van Rensch P". Single words and names without initials are kept whole as literals only when they look institutional.
 */
export function parseInitialsName(raw: string): CslName | undefined {
  const name = collapse(raw).replace(/[,;]+$/, '');
  if (!name) return undefined;
  const tokens = name.split(' ');
  if (tokens.length === 1) return { literal: name };
  let lead = 0;
  while (lead < tokens.length - 1 && INITIALS.test(tokens[lead] ?? '')) lead++;
  if (lead > 0) return { family: tokens.slice(lead).join(' '), given: dottedInitials(tokens.slice(0, lead).join('')) };
  let trail = 0;
  while (trail < tokens.length - 1 && INITIALS.test(tokens[tokens.length - 1 - trail] ?? '')) trail++;
  if (trail > 0) {
    const split = tokens.length - trail;
    return { family: tokens.slice(0, split).join(' '), given: dottedInitials(tokens.slice(split).join('')) };
  }
  return { family: tokens[tokens.length - 1] ?? name, given: tokens.slice(0, -1).join(' ') };
}

function yearOf(raw: string | undefined): CslItem['issued'] | undefined {
  const y = raw ? /\b(1[5-9]\d{2}|20\d{2})\b/.exec(raw)?.[1] : undefined;
  return y ? { 'date-parts': [[Number.parseInt(y, 10)]] } : undefined;
}

/** A `citation_reference` meta read as CSL + identifiers; `id` is Springer's citation_id (CRn). */
export interface CitationReferenceMeta {
  id?: string;
  csl: Partial<CslItem>;
  ids: Identifiers;
}

/**
 * Parses the `content` of a HighWire-style `citation_reference` meta (publisher-dom.md §9). Springer separates pairs
 * with "; " and joins all authors in one citation_author; PLOS and HighWire repeat citation_author and use ";".
 */
export function parseCitationReference(content: string): CitationReferenceMeta {
  const fields = new Map<string, string[]>();
  // Split only before "citation_" keys, so ";" inside titles or SICI DOIs (…2.0.co;2) survives.
  for (const part of content.split(/;\s*(?=citation_[a-z_]+=)/)) {
    const m = /^\s*(citation_[a-z_]+)=(.*)$/s.exec(part);
    if (!m?.[1]) continue;
    const value = collapse((m[2] ?? '').replace(/;\s*$/, ''));
    if (!value) continue;
    fields.set(m[1], [...(fields.get(m[1]) ?? []), value]);
  }
  const one = (k: string): string | undefined => fields.get(k)?.[0];
  const csl: Partial<CslItem> = {};
  const title = one('citation_title');
  if (title) csl.title = title;
  const authorValues = fields.get('citation_author') ?? fields.get('citation_authors') ?? [];
  const names = authorValues
    .flatMap((v) => (authorValues.length === 1 ? v.split(/\s*[,;]\s*/) : [v]))
    .map(parseInitialsName)
    .filter((n): n is CslName => !!n);
  if (names.length) csl.author = names;
  const journal = one('citation_journal_title');
  const book = one('citation_inbook_title') ?? one('citation_book_title');
  const publisher = one('citation_publisher');
  if (journal) {
    csl.type = 'article-journal';
    csl['container-title'] = journal;
  } else if (book) {
    csl.type = 'chapter';
    csl['container-title'] = book;
  } else if (publisher) {
    csl.type = 'book';
  }
  if (publisher) csl.publisher = publisher;
  const volume = one('citation_volume');
  if (volume) csl.volume = volume;
  const issue = one('citation_issue');
  if (issue) csl.issue = issue;
  const first = one('citation_firstpage') ?? one('citation_first_page');
  const last = one('citation_lastpage') ?? one('citation_last_page');
  const pages = one('citation_pages') ?? (first ? (last ? `${first}-${last}` : first) : undefined);
  if (pages) csl.page = pages.replace(/\s*[–—]\s*/g, '-');
  const issued = yearOf(one('citation_publication_date') ?? one('citation_year') ?? one('citation_date'));
  if (issued) csl.issued = issued;
  const ids: Identifiers = {};
  const doi = normalizeDoi(one('citation_doi') ?? '');
  if (doi) ids.doi = doi;
  const pmid = one('citation_pmid');
  if (pmid && /^\d{1,9}$/.test(pmid)) ids.pmid = pmid.replace(/^0+/, '');
  return { id: one('citation_id'), csl, ids };
}

/** citation_reference metas by citation_id, parsed once per document. */
const metaCache = new WeakMap<Document, Map<string, CitationReferenceMeta>>();

function metasById(doc: Document): Map<string, CitationReferenceMeta> {
  let map = metaCache.get(doc);
  if (!map) {
    map = new Map();
    for (const meta of doc.querySelectorAll('meta[name="citation_reference"]')) {
      const parsed = parseCitationReference(meta.getAttribute('content') ?? '');
      if (parsed.id && !map.has(parsed.id)) map.set(parsed.id, parsed);
    }
    metaCache.set(doc, map);
  }
  return map;
}

function textElement(item: Element): Element {
  return item.querySelector('.c-article-references__text, p[id^="ref-CR"]') ?? item;
}

/** The item's meta, only when its title really is in the item's text (guards against an id mix-up). */
function metaFor(item: Element, text: string): CitationReferenceMeta | undefined {
  const id = /^ref-(.+)$/.exec(textElement(item).id || item.id || '')?.[1];
  const meta = id && item.ownerDocument ? metasById(item.ownerDocument).get(id) : undefined;
  if (!meta) return undefined;
  const title = meta.csl.title ? normalizeTitle(meta.csl.title) : '';
  return title && normalizeTitle(text).includes(title) ? meta : undefined;
}

function idsOf(item: Element, text: string): Identifiers {
  const sets: Identifiers[] = [];
  for (const a of item.querySelectorAll(ID_LINKS)) {
    const dataDoi = a.getAttribute('data-doi');
    if (dataDoi) sets.push({ doi: normalizeDoi(dataDoi) });
    sets.push(idsFromUrl(a.getAttribute('href') ?? ''));
  }
  return mergeIds(...sets, idsFromText(text));
}

/** Year and, for Nature-style items, the italic journal name, when no meta describes the item. */
function cslFromText(item: Element, text: string): Partial<CslItem> {
  const csl: Partial<CslItem> = {};
  const year = /\((1[5-9]\d{2}|20\d{2})[a-z]?\)/.exec(text)?.[1];
  if (year) csl.issued = { 'date-parts': [[Number.parseInt(year, 10)]] };
  const journal = textElement(item).querySelector('i');
  if (journal?.textContent) {
    csl.type = 'article-journal';
    csl['container-title'] = collapse(journal.textContent);
  }
  return csl;
}

function extract(item: Element): ExtractedReference {
  try {
    const text = textOf(textElement(item), NOT_TEXT);
    const meta = metaFor(item, text);
    const ids = mergeIds(idsOf(item, text), meta?.ids ?? {});
    const csl = meta ? { ...meta.csl } : cslFromText(item, text);
    // Metas list only the printed authors; "et al." before the title says the list was cut.
    const titleAt = csl.title ? text.indexOf(csl.title.slice(0, 20)) : -1;
    if (titleAt > 0 && /\bet\s*al\b/i.test(text.slice(0, titleAt))) csl._etAl = true;
    return { text, ids, csl };
  } catch {
    const text = textOf(item, NOT_TEXT);
    return { text, ids: idsFromText(text), csl: {} };
  }
}

function findItems(doc: Document): Element[] {
  const out: Element[] = [];
  const seen = new Set<Element>();
  for (const scope of doc.querySelectorAll(LIST_SCOPE)) {
    if (scope.closest(COPIES)) continue;
    for (const item of scope.querySelectorAll(ITEM)) {
      if (seen.has(item) || item.closest(COPIES)) continue;
      seen.add(item);
      out.push(item);
    }
  }
  // A nested item (an item's copy inside another) is the same reference.
  const filtered = out.filter((item) => !out.some((other) => other !== item && other.contains(item)));
  // Scopes nest (section > div) and may be visited out of order; restore page order.
  return filtered.sort((a, b) => (a.compareDocumentPosition(b) & 4 ? -1 : 1));
}

/** Article-like paths of each host family. */
function isArticlePath(url: URL): boolean {
  const host = url.hostname;
  if (host === 'link.springer.com') return /^\/(?:article|chapter|referenceworkentry|protocol|rwe)\//.test(url.pathname);
  return /^\/articles\/[^/]+/.test(url.pathname);
}

function isHost(hostname: string): boolean {
  return (
    hostname === 'link.springer.com' ||
    hostname === 'www.nature.com' ||
    hostname.endsWith('.biomedcentral.com') ||
    hostname.endsWith('.springeropen.com')
  );
}

export const springerNature: SiteAdapter = {
  id: 'springer-nature',
  name: 'SpringerLink / Nature / BMC',
  hosts: HOSTS,
  matches(url: URL): boolean {
    return isHost(url.hostname) && isArticlePath(url);
  },
  findItems,
  extract,
};
