import type { CslItem, CslName } from '../core/csl';
import { idsFromText, idsFromUrl, mergeIds, normalizeDoi } from '../core/identifiers';
import type { ExtractedReference, Identifiers } from '../core/reference';
import { ATYPON_SHARED_HOSTS, hasCoreBibliography, parseCoreCitation } from './atypon-core';
import { collapse, textOf } from './dom';
import { extractOrPlainText } from './shared/fallback';
import { hostListed } from './shared/host-match';
import { placeToolsAfter } from './shared/place-tools';
import type { SiteAdapter } from './types';

/*
 * Atypon "classic"/UX3 templates (≤2020; shared/docs/publisher-dom.md §6, §7, §8):
 * - ACS 2016: ol#references > li#refN > div.reference > (strong.refLabel, div.NLM_citation#citN[, #citNb…]); each
 *   NLM_citation is one work (ACS groups "(a) … (b) …" under one number) with span.refDoi and div.citationLinks.
 * - Taylor & Francis: ul.references > li[id^=CIT] (or ol > li#CIT0001) with NLM_ spans and span.xlinks-container.
 * - ACM DL UX3: ol.references__list > li > span.references__note (text) + span.references__suffix (buttons).
 * Every external link is a linkout /servlet/linkout?…&dbid=16|8&doi=<citing article>&key=<target>: dbid 16 = DOI,
 * 8 = PMID; the doi= parameter names the citing article and is never read.
 *
 * pubs.acs.org and tandfonline.com also serve the core template (atypon-core.ts): there this adapter only takes pages
 * without a core bibliography.
 */

export const ATYPON_CLASSIC_HOSTS = ['pubs.acs.org', 'www.tandfonline.com', 'dl.acm.org'];

const LISTS = ['ol#references', 'ul.references', 'ol.references', '[id^="references-Section"] > ol', 'ol.references__list'];
/** Inside an item: labels, link rows, CAS pop-ups, ACM buttons. */
const NOT_TEXT =
  '.refLabel, .citationLinks, .casRecord, .xlinks-container, .googleScholar-container, .references__suffix, .ref-links, .visibility-hidden';

function findItems(doc: Document): Element[] {
  const out: Element[] = [];
  const seen = new Set<Element>();
  for (const list of doc.querySelectorAll(LISTS.join(', '))) {
    // Nested lists (an author list inside an item) and pop-up copies are not the bibliography.
    if (list.parentElement?.closest(LISTS.join(', ')) || list.closest('.casRecord, [role="dialog"], .tooltip')) continue;
    for (const li of list.querySelectorAll(':scope > li')) {
      const citations = [...li.querySelectorAll('.NLM_citation')].filter((c) => !c.parentElement?.closest('.NLM_citation'));
      for (const el of citations.length ? citations : [li]) {
        if (!seen.has(el)) {
          seen.add(el);
          out.push(el);
        }
      }
    }
  }
  return out;
}

/** The target of a linkout or resolver link; the citing article's doi= is ignored by idsFromUrl. */
function linkIds(item: Element): Identifiers {
  const strong: Identifiers[] = [];
  const weak: Identifiers[] = [];
  for (const a of item.querySelectorAll('a[href]')) {
    if (a.closest('.casRecord, reflens-tools')) continue;
    const href = a.getAttribute('href') ?? '';
    if (!href || href.startsWith('#') || /^javascript:/i.test(href)) continue;
    (/scholar\.google\./i.test(href) ? weak : strong).push(idsFromUrl(href));
  }
  return mergeIds(...strong, ...weak);
}

function text(el: Element | null | undefined): string | undefined {
  const t = el ? collapse(textOf(el, NOT_TEXT)) : '';
  return t || undefined;
}

/** "Bhatt, S." / "Hooft van Huijsduijnen, R." from an hlFld-ContribAuthor span (surname, NLM_x ", ", given). */
function contribName(span: Element): CslName | undefined {
  const surname = text(span.querySelector('.NLM_surname'));
  const given = text(span.querySelector('.NLM_given-names'));
  if (surname) return given ? { family: surname, given } : { family: surname };
  const t = text(span)?.replace(/[;,]\s*$/, '');
  if (!t) return undefined;
  const comma = t.indexOf(',');
  if (comma > 0) {
    const g = t.slice(comma + 1).trim();
    return g ? { family: t.slice(0, comma).trim(), given: g } : { family: t.slice(0, comma).trim() };
  }
  return { literal: t };
}

function setYear(csl: Partial<CslItem>, year: string | undefined): void {
  const y = year ? Number.parseInt(year, 10) : Number.NaN;
  if (Number.isFinite(y)) csl.issued = { 'date-parts': [[y]] };
}

/** Structured NLM_ spans (ACS, T&F); undefined when the item has none. */
function nlmCsl(item: Element): Partial<CslItem> | undefined {
  const authors = [...item.querySelectorAll('.hlFld-ContribAuthor, .NLM_string-name')].filter(
    (a) => !a.parentElement?.closest('.hlFld-ContribAuthor, .NLM_string-name'),
  );
  const title = text(item.querySelector('.NLM_article-title, .NLM_chapter-title'));
  const titleEl = item.querySelector('.NLM_article-title, .NLM_chapter-title');
  // T&F prints the journal in <i>; the book title is .NLM_source (T&F) or .citation_source-book (ACS).
  const italic = [...item.querySelectorAll('i, em')].find((el) => !el.querySelector('.NLM_source') && !titleEl?.contains(el));
  const journal = text(item.querySelector('.citation_source-journal')) ?? (titleEl ? text(italic) : undefined);
  const book = text(item.querySelector('.citation_source-book, .NLM_source'));
  const year = text(item.querySelector('.NLM_year'));
  if (!authors.length && !title && !journal && !book && !year) return undefined;
  const csl: Partial<CslItem> = { type: journal ? 'article-journal' : item.querySelector('.NLM_chapter-title') ? 'chapter' : book ? 'book' : 'article-journal' };
  const names = authors.map(contribName).filter((n): n is CslName => !!n);
  if (!names.length) {
    // "WHO.  <span class=citation_source-book>…": an organisation printed as plain text before the first field.
    const lead = item.firstChild?.nodeType === 3 ? collapse(item.firstChild.nodeValue ?? '') : '';
    const org = /^([^.;]{1,120})\.$/.exec(lead)?.[1];
    if (org) names.push({ literal: org });
  }
  if (names.length) csl.author = names;
  if (item.querySelector('.NLM_etal') || /\bet al\.?/.test(collapse(item.textContent ?? ''))) {
    if (names.length) csl._etAl = true;
  }
  if (title) csl.title = title.replace(/[.,]$/, '');
  else if (book && !journal) csl.title = book;
  if (journal) csl['container-title'] = journal.replace(/[.,]$/, '');
  else if (book && title) csl['container-title'] = book;
  setYear(csl, year?.match(/\d{4}/)?.[0]);
  const volume = text(item.querySelector('.NLM_volume'));
  if (volume) csl.volume = volume;
  const issue = text(item.querySelector('.NLM_issue'));
  if (issue) csl.issue = issue;
  const first = text(item.querySelector('.NLM_fpage'));
  const last = text(item.querySelector('.NLM_lpage'));
  if (first) csl.page = last ? `${first}-${last}` : first;
  const publisher = text(item.querySelector('.NLM_publisher-name'));
  if (publisher) csl.publisher = publisher;
  const place = text(item.querySelector('.NLM_publisher-loc'));
  if (place) csl['publisher-place'] = place;
  return csl;
}

const YEAR = String.raw`(?:1[5-9]|20)\d{2}`;

/** ACM reference format: "Given Family, Given Family, and Given Family. 2016. Title. In Venue. Publisher, pages." */
export function parseAcmReference(raw: string): Partial<CslItem> {
  const t = collapse(raw);
  const m = new RegExp(String.raw`^(.*?)\.\s+(${YEAR})[a-z]?\.\s+(.*)$`).exec(t);
  if (!m?.[1] || !m[3]) return parseCoreCitation(t);
  const csl: Partial<CslItem> = { type: 'article-journal' };
  const names: CslName[] = [];
  for (const raw of m[1].split(/\s*,\s*(?:and\s+)?|\s+and\s+/)) {
    const n = raw.trim();
    if (!n) continue;
    if (/^et al\.?$/i.test(n)) {
      csl._etAl = true;
      continue;
    }
    const words = n.split(' ');
    names.push(words.length > 1 ? { family: words[words.length - 1] ?? n, given: words.slice(0, -1).join(' ') } : { literal: n });
  }
  if (names.length) csl.author = names;
  setYear(csl, m[2]);
  const rest = m[3];
  const end = /[.?!](?=\s|$)/.exec(rest);
  const title = (end ? rest.slice(0, end.index + (end[0] === '.' ? 0 : 1)) : rest).trim();
  if (title) csl.title = title;
  const venue = end ? rest.slice(end.index + 1).trim() : '';
  const proceedings = /^In\s+(.*?)(?:\.\s|$)/.exec(venue);
  if (proceedings?.[1]) {
    csl.type = 'paper-conference';
    csl['container-title'] = proceedings[1].replace(/\s*\([^)]*\)\s*$/, '');
  } else {
    // "Commun. ACM 51, 1 (Jan. 2008), 107–113."
    const journal = /^(.*?)\s+(\d+),\s*(\d+)\s*\([^)]*\),\s*([\w–-]+)/.exec(venue);
    if (journal) {
      csl['container-title'] = journal[1];
      csl.volume = journal[2];
      csl.issue = journal[3];
      csl.page = journal[4]?.replace(/–/g, '-');
    }
  }
  const pages = /,\s*(\d+)[–-](\d+)\.?\s*(?:https?:\/\/\S+)?$/.exec(venue);
  if (pages && !csl.page) csl.page = `${pages[1]}-${pages[2]}`;
  return csl;
}

function extract(item: Element): ExtractedReference {
  const note = item.querySelector('.references__note');
  const body = note ?? item;
  const t = textOf(body, NOT_TEXT).replace(/\s+([,;.])/g, '$1');
  const refDoi = text(item.querySelector('.refDoi'))?.replace(/^DOI:\s*/i, '');
  const ids = mergeIds({ doi: refDoi ? normalizeDoi(refDoi) : undefined }, linkIds(item), idsFromText(t));
  const csl = (note ? parseAcmReference(t.replace(/^\[\d+\]\s*/, '')) : undefined) ?? nlmCsl(item) ?? parseCoreCitation(t);
  return { text: t, ids, csl };
}

export const atyponClassic: SiteAdapter = {
  id: 'atypon-classic',
  name: 'Atypon classic (ACS, Taylor & Francis, ACM DL)',
  hosts: [...ATYPON_CLASSIC_HOSTS],
  matches(url: URL, doc: Document): boolean {
    if (!hostListed(url, ATYPON_CLASSIC_HOSTS)) return false;
    // On hosts shared with the core template the DOM decides: a core bibliography belongs to atypon-core.
    return hostListed(url, ATYPON_SHARED_HOSTS) ? !hasCoreBibliography(doc) : true;
  },
  findItems,
  extract: extractOrPlainText(extract, (item) => textOf(item, NOT_TEXT), { type: 'article-journal' }),
  placeTools(item: Element, tools: HTMLElement): void {
    placeToolsAfter(item, tools, '.citationLinks, .xlinks-container, .references__suffix');
  },
};
