import type { CslItem, CslName } from '../core/csl';
import { idsFromText, mergeIds } from '../core/identifiers';
import type { ExtractedReference } from '../core/reference';
import { collapse, textOf } from './dom';
import { extractOrPlainText } from './shared/fallback';
import { linkIdsIn } from './pmc';
import type { SiteAdapter } from './types';

/*
 * IEEE Xplore (ieeexplore.ieee.org/document/<arnumber>), publisher-dom.md §7/§11: an Angular app that fetches
 * /rest/document/<arnumber>/references and renders the list only when the References section/tab is shown, as
 * `.text-base-md-lh div.reference-container` (LocalCitationNetwork). Each item: number, IEEE-style text
 * (A. Author, B. Author and C. Author, "Title", <em>Venue</em>, vol. 5, no. 2, pp. 157-166, 1994.) and link buttons
 * (CrossRef → doi.org, View Article → /document/<n>, Google Scholar). "Cited by" entries are other works' records.
 */

const ITEM = 'div.reference-container';
const NOT_REFERENCES = '#citations-section-container, #citations, .cited-by, xpl-citations';
const NOT_TEXT = '.number, .ref-links-container, .ref-link, a[class*="stats-reference-link"], reflens-tools, button';
const ORIGIN = 'https://ieeexplore.ieee.org/';
const CONFERENCE = /\b(?:proc\.?|proceedings|conference|conf\.|symposium|workshop|CVPR|ICCV|ECCV|NIPS|NeurIPS|ICLR|ICML|AAAI|IJCAI|INFOCOM|ICASSP)\b/i;

/** "Y. LeCun" → {family: LeCun, given: Y.}; "J. S. Denker" → {family: Denker, given: J. S.}. */
export function parseIeeeName(raw: string): CslName | undefined {
  const name = collapse(raw).replace(/[,;]+$/, '');
  if (!name || /^et\.? al\.?$/i.test(name)) return undefined;
  const m = /^((?:\p{Lu}[\p{Ll}]?\.[\s-]*)+)\s*(.+)$/u.exec(name);
  if (m?.[1] && m[2]) return { family: m[2].trim(), given: m[1].trim().replace(/\s+/g, ' ') };
  return name.includes(' ') ? { literal: name } : { family: name };
}

/** CSL from an IEEE-style reference; `venue` is the italic venue when the markup has one. */
export function parseIeeeReference(text: string, venue?: string): Partial<CslItem> {
  const csl: Partial<CslItem> = {};
  const t = collapse(text).replace(/^\[?\d{1,4}[.\]]\s+/, '');
  const m = /^(.*?)[,.]?\s*["“](.+?)[,.]?["”]\s*,?\s*(.*)$/u.exec(t);
  if (!m) return csl;
  const [, authorPart = '', title = '', rest = ''] = m;
  const authors: CslName[] = [];
  for (const part of authorPart.split(/\s*,\s*(?:and\s+)?|\s+and\s+/)) {
    if (/^et\.? al\.?$/i.test(part.trim())) {
      csl._etAl = true;
      continue;
    }
    const name = parseIeeeName(part);
    if (name) authors.push(name);
  }
  if (authors.length) csl.author = authors;
  csl.title = title.trim();
  const container = (venue ? collapse(venue) : /^([^,]+?)(?:,|$)/.exec(rest)?.[1])?.replace(/[,.]$/, '').replace(/^in\s+/i, '').trim();
  if (container) csl['container-title'] = container;
  csl.type = container && CONFERENCE.test(container) ? 'paper-conference' : 'article-journal';
  const vol = /\bvol\.\s*([^,\s]+)/i.exec(rest)?.[1];
  if (vol) csl.volume = vol;
  const no = /\bno\.\s*([^,\s]+)/i.exec(rest)?.[1];
  if (no) csl.issue = no;
  const pp = /\bpp?\.\s*([\w]+(?:\s*[-–]\s*[\w]+)?)/i.exec(rest)?.[1];
  if (pp) csl.page = pp.replace(/\s*[-–]\s*/, '-');
  const years = [...rest.matchAll(/\b(1[89]\d\d|20\d\d)\b/g)].map((y) => y[1]);
  const year = years.at(-1);
  if (year) csl.issued = { 'date-parts': [[Number(year)]] };
  return csl;
}

function findItems(doc: Document): Element[] {
  return [...doc.querySelectorAll(ITEM)].filter((el) => !el.closest(NOT_REFERENCES) && !el.parentElement?.closest(ITEM));
}

function extract(item: Element): ExtractedReference {
  const text = textOf(item, NOT_TEXT).replace(/^\d{1,4}\.\s+/, '');
  const venue = item.querySelector('em, i');
  const csl = parseIeeeReference(text, venue && !venue.closest(NOT_TEXT) ? (venue.textContent ?? undefined) : undefined);
  return { text, ids: mergeIds(linkIdsIn(item, ORIGIN), idsFromText(text)), csl };
}

export const ieee: SiteAdapter = {
  id: 'ieee',
  name: 'IEEE Xplore',
  hosts: ['ieeexplore.ieee.org'],
  matches(url: URL): boolean {
    return url.hostname.toLowerCase() === 'ieeexplore.ieee.org' && /^\/(?:abstract\/)?document\/\d+/.test(url.pathname);
  },
  findItems,
  extract: extractOrPlainText(extract, (item) => textOf(item, NOT_TEXT)),
  placeTools(item: Element, tools: HTMLElement): void {
    item.append(tools);
  },
  // The Angular root is present at load; the References section renders inside it later.
  lateListRoot: 'xpl-root',
};
