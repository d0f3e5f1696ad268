import { idsFromText, mergeIds } from '../core/identifiers';
import type { ExtractedReference } from '../core/reference';
import { extractOrPlainText } from './shared/fallback';
import { cslFromJats, inlineText } from './oup';
import { linkIdsIn } from './pmc';
import type { SiteAdapter } from './types';

/*
 * Cambridge Core (www.cambridge.org/core/…), publisher-dom.md §7 and the selectors of three extensions/scrapers:
 * div#references-list.circle-list > div.circle-list__item#rN > (circle-list__item__number,
 * div.circle-list__item__grouped > div.circle-list__item__grouped__content) holding span.mixed-citation#reference-N-content
 * with JATS-named spans, followed by link buttons (CrossRef, Google Scholar, PubMed).
 * Footnotes use the same circle-list markup in div#footnotes-list; they are never references.
 */

const LISTS = '#references-list, .references-list, [data-test="references-list"]';
const ITEM = '.circle-list__item';
const NOT_REFERENCES = '#footnotes-list, .footnotes-list';
const NOISE = '.ref-links, .links, a.ref-link, a[href*="scholar.google."], .circle-list__item__number, .circle-list__item__indicator, reflens-tools, script, style';
const ORIGIN = 'https://www.cambridge.org/';

function findItems(doc: Document): Element[] {
  const out: Element[] = [];
  for (const list of doc.querySelectorAll(LISTS)) {
    if (list.closest(NOT_REFERENCES) || list.parentElement?.closest(LISTS)) continue;
    for (const item of list.querySelectorAll(ITEM)) {
      if (!item.parentElement?.closest(ITEM)) out.push(item);
    }
  }
  return out;
}

function extract(item: Element): ExtractedReference {
  const content = item.querySelector('.circle-list__item__grouped__content') ?? item;
  const citation = content.querySelector('.mixed-citation, .element-citation, [id^="reference-"][id$="-content"]') ?? content;
  let text = inlineText(citation, NOISE);
  // Unstructured items keep a visible "1." label in some renderings.
  text = text.replace(/^\d{1,4}\.\s+/, '');
  return { text, ids: mergeIds(linkIdsIn(content, ORIGIN), idsFromText(text)), csl: cslFromJats(citation) };
}

export const cambridge: SiteAdapter = {
  id: 'cambridge',
  name: 'Cambridge Core',
  hosts: ['www.cambridge.org'],
  matches(url: URL): boolean {
    const host = url.hostname.toLowerCase();
    return (host === 'www.cambridge.org' || host === 'cambridge.org') && url.pathname.startsWith('/core/');
  },
  findItems,
  extract: extractOrPlainText(extract),
  placeTools(item: Element, tools: HTMLElement): void {
    (item.querySelector('.circle-list__item__grouped__content') ?? item).append(tools);
  },
};
