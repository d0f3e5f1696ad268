import { idsFromText, idsFromUrl, mergeIds } from '../core/identifiers';
import type { ExtractedReference, Identifiers } from '../core/reference';
import { collapse, textOf } from './dom';
import { extractOrPlainText } from './shared/fallback';
import type { SiteAdapter } from './types';

/*
 * PubMed Central, shared/docs/publisher-dom.md §3.
 * 2024+ site (pmc.ncbi.nlm.nih.gov/articles/PMCn/): section.ref-list > … > ul.ref-list > li[id] holding
 * span.label + <cite>text</cite> + bracketed buttons [DOI] [PMC free article] [PubMed] [Google Scholar].
 * Classic site (www.ncbi.nlm.nih.gov/pmc/articles/PMCn/): div#reference-list li[id] / div.ref-cit-blk with
 * span.element-citation / span.mixed-citation text. Item ids vary (B1, R1, bib1, CR1, zoi220196r19), so items are
 * taken by position inside the reference list, never by id pattern.
 */

const ITEMS = [
  'section.ref-list ul.ref-list > li',
  'section.ref-list ol.ref-list > li',
  '#reference-list li[id]',
  '#reference-list div.ref-cit-blk',
].join(', ');
/** Number label, link buttons, and the brackets around them. */
const NOT_TEXT = '.label, .ref-label, a, button, reflens-tools';
const CITATION = 'cite, .element-citation, .mixed-citation';
const BUTTON_LABEL = /^(?:DOI|PMC free article|PubMed|Google Scholar|CrossRef|Free full text|Europe PMC|Abstract)$/i;

export const PMC_ORIGIN = 'https://pmc.ncbi.nlm.nih.gov/';

function findItems(doc: Document): Element[] {
  // Outermost matches only: a classic li may itself contain a ref-cit-blk.
  return [...doc.querySelectorAll(ITEMS)].filter((el) => !el.parentElement?.closest(ITEMS));
}

/** Identifiers of the links inside `root`, resolved against `origin`; Scholar look-ups only fill gaps. */
export function linkIdsIn(root: Element, origin: string): Identifiers {
  const strong: Identifiers[] = [];
  const weak: Identifiers[] = [];
  for (const a of root.querySelectorAll('a[href]')) {
    if (a.closest('reflens-tools')) continue;
    let abs: string;
    try {
      abs = new URL(a.getAttribute('href') ?? '', origin).href;
    } catch {
      continue;
    }
    (/scholar\.google\./i.test(abs) ? weak : strong).push(idsFromUrl(abs));
  }
  return mergeIds(...strong, ...weak);
}

/** The citation text: the <cite>/citation span when there is one, else the item without label and buttons. */
export function citationText(item: Element): string {
  const cites = [...item.querySelectorAll(CITATION)].filter((c) => !c.parentElement?.closest(CITATION));
  if (cites.length) return collapse(cites.map((c) => textOf(c, 'reflens-tools, a.int-reflink, a.ext-reflink')).join(' '));
  const copy = item.cloneNode(true) as Element;
  for (const a of copy.querySelectorAll('a')) if (BUTTON_LABEL.test(collapse(a.textContent ?? ''))) a.remove();
  return textOf(copy, '.label, .ref-label, button, reflens-tools')
    .replace(/(?:\s*\[\s*\])+/g, '')
    .trim();
}

function extract(item: Element): ExtractedReference {
  const text = citationText(item);
  return { text, ids: mergeIds(linkIdsIn(item, PMC_ORIGIN), idsFromText(text)), csl: {} };
}

export const pmc: SiteAdapter = {
  id: 'pmc',
  name: 'PubMed Central',
  hosts: ['pmc.ncbi.nlm.nih.gov', 'www.ncbi.nlm.nih.gov'],
  matches(url: URL): boolean {
    const host = url.hostname.toLowerCase();
    if (host === 'pmc.ncbi.nlm.nih.gov') return /^\/articles\/PMC\d+/i.test(url.pathname);
    if (host === 'www.ncbi.nlm.nih.gov' || host === 'ncbi.nlm.nih.gov') return /^\/pmc\/articles\/PMC\d+/i.test(url.pathname);
    return false;
  },
  findItems,
  extract: extractOrPlainText(extract, (item) => textOf(item, NOT_TEXT)),
  placeTools(item: Element, tools: HTMLElement): void {
    item.append(tools);
  },
};
