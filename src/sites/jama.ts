import { idsFromText, mergeIds } from '../core/identifiers';
import type { ExtractedReference } from '../core/reference';
import { parseCoreCitation } from './atypon-core';
import { collapse, textOf } from './dom';
import { linkIdsIn } from './pmc';
import type { SiteAdapter } from './types';

/*
 * JAMA Network (jamanetwork.com). Silverchair hosts it, but not in the OUP Academic shell (no .ref-list /
 * .js-splitview-ref-item): the LOCKSS AMA Silverchair plugin's filter test (lockss/lockss-daemon
 * plugins/test/src/org/lockss/plugin/silverchair/ama/TestAmaScHtmlCrawlFilterFactory.java) quotes the page as
 * div.article-full-text > div.references > div.reference > (a.reference-number#ier160003r1 "1.", div.reference-content)
 * with AMA-style text ("Selby&nbsp;JV, Fireman&nbsp;BH, …"). The 2014 layout (citelet ama.js) was
 * div.referenceSection > div.refRow. Identifiers come from the links inside the item and the printed "doi:…".
 */

const ITEMS = '.references .reference, .referenceSection .refRow';
/** Pop-ups, tooltips and side panels that may repeat a reference body outside the list. */
const COPIES = '.reveal-modal, [role="tooltip"], .reference-tooltip, .sidebar, aside';
const NOT_TEXT = '.reference-number, .refNumber, reflens-tools';
/** Link buttons after the reference text; their labels are not part of it. */
const BUTTON_LABEL = /^(?:PubMed|Crossref|CrossRef|Google Scholar|Scopus|Web of Science|WorldCat|Article|Full Text|PMC free article|Open URL)$/i;
const ORIGIN = 'https://jamanetwork.com/';

function findItems(doc: Document): Element[] {
  const all = [...doc.querySelectorAll(ITEMS)].filter((el) => !el.closest(COPIES) && !el.parentElement?.closest(ITEMS));
  // The article body's list wins when some other block (a tab pane, a widget) repeats it.
  const inArticle = all.filter((el) => el.closest('.article-full-text'));
  return inArticle.length ? inArticle : all;
}

function contentOf(item: Element): Element {
  return item.querySelector('.reference-content') ?? item;
}

function referenceText(content: Element): string {
  const copy = content.cloneNode(true) as Element;
  for (const a of copy.querySelectorAll('a')) if (BUTTON_LABEL.test(collapse(a.textContent ?? ''))) a.remove();
  return textOf(copy, NOT_TEXT)
    .replace(/\s+([,.;:])/g, '$1')
    .replace(/^\d{1,4}\.\s+/, '');
}

function extract(item: Element): ExtractedReference {
  const content = contentOf(item);
  const text = referenceText(content);
  const italic = content.querySelector('em, i');
  const journal = italic ? collapse(italic.textContent ?? '') || undefined : undefined;
  return { text, ids: mergeIds(linkIdsIn(content, ORIGIN), idsFromText(text)), csl: parseCoreCitation(text, journal) };
}

export const JAMA_HOSTS = ['jamanetwork.com'] as const;

export const jama: SiteAdapter = {
  id: 'jama',
  name: 'JAMA Network (Silverchair)',
  hosts: [...JAMA_HOSTS],
  matches(url: URL): boolean {
    const host = url.hostname.toLowerCase();
    return (host === 'jamanetwork.com' || host === 'www.jamanetwork.com') && /^\/journals\/[^/]+\/(?:fullarticle|article-abstract)\/\d+/.test(url.pathname);
  },
  findItems,
  extract(item: Element): ExtractedReference {
    try {
      return extract(item);
    } catch {
      const text = collapse(item.textContent ?? '');
      return { text, ids: idsFromText(text), csl: {} };
    }
  },
  placeTools(item: Element, tools: HTMLElement): void {
    contentOf(item).append(tools);
  },
};
