import type { CslItem } from '../core/csl';
import { idsFromText, idsFromUrl, mergeIds, normalizeDoi, normalizeTitle } from '../core/identifiers';
import type { ExtractedReference, Identifiers } from '../core/reference';
import { textOf } from './dom';
import { referenceOrPlainText } from './shared/fallback';
import { parseCitationReference } from './springer-nature';
import type { SiteAdapter } from './types';

/*
 * PLOS (journals.plos.org), publisher-dom.md §7: ol.references > li#refN = span.order + a.link-target + free text
 * ("… pmid:18176029") + ul.reflinks[data-doi] (View Article / PubMed/NCBI / Google Scholar). data-doi is present only
 * when PLOS knows the DOI; "View Article" without it is href="#" with data-cit. The 2014 layout used ul.find[data-doi].
 * Each item's structured data comes from the Nth `citation_reference` meta (PLOS emits one per reference, in order),
 * accepted only when its title is in the item text.
 */

const ITEM = 'ol.references > li';
/** Script-built tooltips and figure/table pop-ups that may repeat reference text. */
const COPIES = '.ref-tip, .tooltip, [role="dialog"], .lightbox';
const NOT_TEXT = 'span.order, span.label, ul.reflinks, ul.find, ul.find-nolinks, a.link-target';

const metaCache = new WeakMap<Document, Partial<CslItem>[]>();

function metas(doc: Document): Partial<CslItem>[] {
  let list = metaCache.get(doc);
  if (!list) {
    list = [...doc.querySelectorAll('meta[name="citation_reference"]')].map(
      (m) => parseCitationReference(m.getAttribute('content') ?? '').csl,
    );
    metaCache.set(doc, list);
  }
  return list;
}

function findItems(doc: Document): Element[] {
  return [...doc.querySelectorAll(ITEM)].filter((li) => !li.closest(COPIES) && !li.parentElement?.closest('ol.references li'));
}

function idsOf(item: Element, text: string): Identifiers {
  const sets: Identifiers[] = [];
  for (const list of item.querySelectorAll('ul.reflinks[data-doi], ul.find[data-doi]')) {
    sets.push({ doi: normalizeDoi(list.getAttribute('data-doi') ?? '') });
  }
  for (const a of item.querySelectorAll('a[href]')) {
    const href = a.getAttribute('href') ?? '';
    // Scholar searches carry only words; PLOS's own "#" links carry nothing.
    if (!href.startsWith('#') && !/scholar\.google\./i.test(href)) sets.push(idsFromUrl(href));
  }
  return mergeIds(...sets, idsFromText(text));
}

function cslOf(item: Element, text: string): Partial<CslItem> {
  const n = /^ref(\d+)$/.exec(item.id)?.[1];
  const meta = n && item.ownerDocument ? metas(item.ownerDocument)[Number.parseInt(n, 10) - 1] : undefined;
  if (meta?.title && normalizeTitle(text).includes(normalizeTitle(meta.title))) {
    const csl = { ...meta };
    if (/\bet\s*al\b/i.test(text.slice(0, Math.max(0, text.indexOf(meta.title.slice(0, 15)))))) csl._etAl = true;
    return csl;
  }
  const year = /\((1[5-9]\d{2}|20\d{2})[a-z]?\)|\b(1[5-9]\d{2}|20\d{2});/.exec(text);
  const y = year?.[1] ?? year?.[2];
  return y ? { issued: { 'date-parts': [[Number.parseInt(y, 10)]] } } : {};
}

function extract(item: Element): ExtractedReference {
  const text = textOf(item, NOT_TEXT);
  return referenceOrPlainText(text, () => ({ ids: idsOf(item, text), csl: cslOf(item, text) }));
}

export const plos: SiteAdapter = {
  id: 'plos',
  name: 'PLOS',
  hosts: ['journals.plos.org'],
  matches(url: URL): boolean {
    return url.hostname === 'journals.plos.org' && /^\/[a-z]+\/article\/?$/.test(url.pathname);
  },
  findItems,
  extract,
};
