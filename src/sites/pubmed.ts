import { idsFromText, idsFromUrl, mergeIds, normalizePmid } from '../core/identifiers';
import type { ExtractedReference, Identifiers } from '../core/reference';
import { collapse } from './dom';
import { extractOrPlainText } from './shared/fallback';
import type { SiteAdapter } from './types';

/*
 * PubMed (pubmed.ncbi.nlm.nih.gov/<PMID>/), shared/docs/publisher-dom.md §3:
 * div#references > ol.references-list#top-references-list-1 > li [> ol.references-and-notes-list > li]; each item is
 * plain Vancouver text ("… doi: 10.x/y.") followed by a.reference-link buttons (PubMed with data-ga-action=<PMID>, PMC).
 * Only the first references are rendered at load; "Show all" (button.show-all[data-next-page-url]) fetches
 * /<PMID>/references/ and swaps in ol#full-references-list-1, so the list is re-read under #references.
 * "Similar articles" (#similar) and "Cited by" (#citedby) are docsum lists of other articles, never references.
 */

const ORIGIN = 'https://pubmed.ncbi.nlm.nih.gov/';
const LIST = '#references ol.references-list';
const OTHER_LISTS = '#similar, #citedby, .similar-articles, .cited-by, .articles-list, .docsum-content';
/** Link buttons and their labels; the " - " separators between them are trimmed from the text. */
const BUTTONS = 'a.reference-link, a[href*="scholar.google."], button';

function findItems(doc: Document): Element[] {
  const out: Element[] = [];
  for (const list of doc.querySelectorAll(LIST)) {
    if (list.closest(OTHER_LISTS) || list.parentElement?.closest(LIST)) continue;
    for (const li of list.querySelectorAll(':scope > li')) {
      // A grouped entry holds its reference(s) in a nested list; each inner item is one reference.
      const inner = li.querySelectorAll(':scope > ol.references-and-notes-list > li');
      out.push(...(inner.length ? inner : [li]));
    }
  }
  return out;
}

function readText(item: Element): string {
  const copy = item.cloneNode(true) as Element;
  for (const el of copy.querySelectorAll(`${BUTTONS}, reflens-tools, script, style`)) el.remove();
  return collapse(copy.textContent ?? '').replace(/(?:\s*[-–]\s*)+$/, '');
}

function linkIds(item: Element): Identifiers {
  const strong: Identifiers[] = [];
  const weak: Identifiers[] = [];
  for (const a of item.querySelectorAll('a[href]')) {
    if (a.closest('reflens-tools')) continue;
    const href = a.getAttribute('href') ?? '';
    let abs: string;
    try {
      abs = new URL(href, ORIGIN).href;
    } catch {
      continue;
    }
    const fromHref = idsFromUrl(abs);
    // The PubMed button carries the PMID in data-ga-action too (LocalCitationNetwork reads it there).
    const ga = a.getAttribute('data-ga-action') ?? '';
    const gaPmid = a.matches('a.reference-link') && /^\d+$/.test(ga) && !fromHref.pmcid ? normalizePmid(ga) : undefined;
    (/scholar\.google\./i.test(abs) ? weak : strong).push(mergeIds(fromHref, { pmid: gaPmid }));
  }
  return mergeIds(...strong, ...weak);
}

function extract(item: Element): ExtractedReference {
  const text = readText(item);
  return { text, ids: mergeIds(linkIds(item), idsFromText(text)), csl: {} };
}

export const pubmed: SiteAdapter = {
  id: 'pubmed',
  name: 'PubMed',
  hosts: ['pubmed.ncbi.nlm.nih.gov'],
  matches(url: URL): boolean {
    return url.hostname.toLowerCase() === 'pubmed.ncbi.nlm.nih.gov' && /^\/\d{1,9}\/?$/.test(url.pathname);
  },
  findItems,
  extract: extractOrPlainText(extract),
  placeTools(item: Element, tools: HTMLElement): void {
    item.append(tools);
  },
  // Present at load; "Show all" replaces the ol inside it.
  lateListRoot: '#references',
};
