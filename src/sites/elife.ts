import type { CslItem, CslName } from '../core/csl';
import { idsFromText, idsFromUrl, mergeIds } from '../core/identifiers';
import type { ExtractedReference, Identifiers } from '../core/reference';
import { collapse, textOf } from './dom';
import { referenceOrPlainText } from './shared/fallback';
import { parseInitialsName } from './springer-nature';
import type { SiteAdapter } from './types';

/*
 * eLife (elifesciences.org), publisher-dom.md §7 [F 2019]: section#references > ol.reference-list >
 * li.reference-list__item > div.reference#bibN[data-popup-contents]. Structured: a.reference__title (doi.org link when
 * the DOI is known, else div.reference__title), ol.reference__authors_list > li.reference__author ("M Adler"),
 * span.reference__authors_list_suffix "(2018)", div.reference__origin (<i>journal</i> <b>vol</b>:pages), span.doi >
 * a.doi__link, ul.reference__abstracts (PubMed, Google Scholar). Script shows pop-up copies of the div.reference for
 * inline citations; those are never items.
 */

const ITEM = 'ol.reference-list > li > div.reference, ol.reference-list > li.reference-list__item';
const COPIES = '.popup, [class*="popup__"], .article-download-links-list, [role="dialog"], [role="tooltip"]';
const NOT_TEXT = '.reference-list__ordinal_number, ul.reference__abstracts, .reference__abstracts';

function findItems(doc: Document): Element[] {
  const out: Element[] = [];
  for (const el of doc.querySelectorAll(ITEM)) {
    // Prefer the div.reference; a list item without one (other markup) stands for itself.
    const item = el.matches('li') ? (el.querySelector(':scope > div.reference') ? null : el) : el;
    if (!item || item.closest(COPIES) || out.includes(item)) continue;
    out.push(item);
  }
  return out;
}

function idsOf(item: Element, text: string): Identifiers {
  const sets: Identifiers[] = [];
  for (const a of item.querySelectorAll('a.doi__link, a.reference__title, span.doi a, a[href*="pubmed"], a[href*="/pmc/"]')) {
    sets.push(idsFromUrl(a.getAttribute('href') ?? ''));
  }
  return mergeIds(...sets, idsFromText(text));
}

function cslOf(item: Element): Partial<CslItem> {
  const csl: Partial<CslItem> = {};
  const title = item.querySelector('.reference__title');
  if (title) csl.title = collapse(title.textContent ?? '');
  const authors: CslName[] = [];
  for (const li of item.querySelectorAll('li.reference__author')) {
    const raw = collapse(li.textContent ?? '');
    // eLife prints "M Adler"; a name without initials is a group ("ENCODE Project Consortium").
    const name = /^(?:\p{Lu}{1,4}\s)/u.test(raw) ? parseInitialsName(raw) : raw ? { literal: raw } : undefined;
    if (name) authors.push(name);
  }
  if (authors.length) csl.author = authors;
  const suffix = collapse(item.querySelector('.reference__authors_list_suffix')?.textContent ?? '');
  if (/et\s*al/i.test(suffix)) csl._etAl = true;
  const year = /\b(1[5-9]\d{2}|20\d{2})/.exec(suffix)?.[1];
  if (year) csl.issued = { 'date-parts': [[Number.parseInt(year, 10)]] };
  const origin = item.querySelector('.reference__origin');
  if (origin) {
    const container = collapse(origin.querySelector('i')?.textContent ?? '');
    if (container) {
      csl.type = 'article-journal';
      csl['container-title'] = container;
    }
    const volume = collapse(origin.querySelector('b')?.textContent ?? '');
    if (volume) csl.volume = volume;
    const pages = /:\s*([A-Za-z]?\d+[A-Za-z]?(?:\s*[–-]\s*[A-Za-z]?\d+[A-Za-z]?)?)\.?\s*$/.exec(collapse(origin.textContent ?? ''));
    if (pages?.[1]) csl.page = pages[1].replace(/\s*[–-]\s*/, '-');
  }
  return csl;
}

function extract(item: Element): ExtractedReference {
  const text = textOf(item, NOT_TEXT);
  return referenceOrPlainText(text, () => ({ ids: idsOf(item, text), csl: cslOf(item) }));
}

export const elife: SiteAdapter = {
  id: 'elife',
  name: 'eLife',
  hosts: ['elifesciences.org'],
  matches(url: URL): boolean {
    return url.hostname === 'elifesciences.org' && /^\/articles\/\d+/.test(url.pathname);
  },
  findItems,
  extract,
};
