import type { CslItem, CslName } from '../core/csl';
import { idsFromText, idsFromUrl, mergeIds, normalizeDoi, normalizePmid } from '../core/identifiers';
import type { ExtractedReference, Identifiers } from '../core/reference';
import { collapse, textOf } from './dom';
import { referenceOrPlainText } from './shared/fallback';
import type { SiteAdapter } from './types';

/*
 * Wiley Online Library (publisher-dom.md §5): section.article-section__references > div.accordion >
 * div.accordion__content (display:none until the reader opens it, but in the DOM on load, also on abstract views) >
 * ul.rlist > li[data-bib-id]. Items are structured: span.author / span.groupName, span.pubYear, span.articleTitle,
 * i.journalTitle, span.vol, span.citedIssue, span.pageFirst/pageLast, span.chapterTitle, span.bookTitle, span.editor.
 * DOIs: the printed a.linkBehavior doi.org link, else span.hidden.data-doi, else refDoi= in the linkouts. Wiley's
 * hidden DOIs are sometimes mangled (en dashes turned into "?": "10.1016/S0304?3800(02)00016?9"); those are refused
 * whole rather than truncated. PMIDs: /servlet/linkout?dbid=8&key=<PMID>&linkType=PMID. The right-hand
 * "References" tab (#pane-pcw-references) is filled by script with copies and is never read.
 */

/** Society journals hosted on Wiley Online Library subdomains; the wildcard covers the rest. */
export const WILEY_SOCIETY_HOSTS = [
  'agupubs.onlinelibrary.wiley.com',
  'febs.onlinelibrary.wiley.com',
  'physoc.onlinelibrary.wiley.com',
  'besjournals.onlinelibrary.wiley.com',
  'nph.onlinelibrary.wiley.com',
  'esajournals.onlinelibrary.wiley.com',
  'acsjournals.onlinelibrary.wiley.com',
  'bpspubs.onlinelibrary.wiley.com',
  'faseb.onlinelibrary.wiley.com',
  'rmets.onlinelibrary.wiley.com',
  'aasldpubs.onlinelibrary.wiley.com',
  'chemistry-europe.onlinelibrary.wiley.com',
  'anthrosource.onlinelibrary.wiley.com',
  'srcd.onlinelibrary.wiley.com',
  'iubmb.onlinelibrary.wiley.com',
  'obgyn.onlinelibrary.wiley.com',
  'movementdisorders.onlinelibrary.wiley.com',
  'rss.onlinelibrary.wiley.com',
  'zslpublications.onlinelibrary.wiley.com',
  'ceramics.onlinelibrary.wiley.com',
] as const;

const HOSTS = ['onlinelibrary.wiley.com', ...WILEY_SOCIETY_HOSTS, '*.onlinelibrary.wiley.com'];

const LIST_SCOPE = 'section.article-section__references, #references-section, .article-section__references';
const ITEM = 'li[data-bib-id]';
/** Script-filled copies: the side-panel references tab and citation pop-ups. */
const COPIES = '#pane-pcw-references, [id^="pane-pcw"], .tab__pane, .pcw-reference-popup, [role="dialog"]';
/** Link buttons and hidden data under each item. */
const NOT_TEXT = '.extra-links, .getFTR, .hidden, .data-doi';

function isHost(hostname: string): boolean {
  return hostname === 'onlinelibrary.wiley.com' || hostname.endsWith('.onlinelibrary.wiley.com');
}

function findItems(doc: Document): Element[] {
  const out: Element[] = [];
  const seen = new Set<Element>();
  for (const scope of doc.querySelectorAll(LIST_SCOPE)) {
    if (scope.closest(COPIES)) continue;
    for (const item of scope.querySelectorAll(ITEM)) {
      if (seen.has(item) || item.closest(COPIES) || item.parentElement?.closest(ITEM)) continue;
      seen.add(item);
      out.push(item);
    }
  }
  return out.sort((a, b) => (a.compareDocumentPosition(b) & 4 ? -1 : 1));
}

/** A DOI only when the whole string is one: mangled values ("10.1007/s40626?020?00180?z") give nothing. */
function wholeDoi(raw: string | null | undefined): string | undefined {
  if (!raw) return undefined;
  const t = collapse(raw).replace(/[\u2010\u2011\u2012\u2013]/g, '-');
  const doi = normalizeDoi(t);
  if (!doi) return undefined;
  const bare = t.replace(/^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:\s*)/i, '');
  let decoded = bare;
  try {
    decoded = decodeURIComponent(bare);
  } catch {
    // keep the raw text
  }
  return doi === decoded.toLowerCase() ? doi : undefined;
}

function paramOf(href: string, name: string): string | undefined {
  try {
    const u = new URL(href, 'https://onlinelibrary.wiley.com/');
    for (const [k, v] of u.searchParams) if (k.toLowerCase() === name) return v;
  } catch {
    // not a URL
  }
  return undefined;
}

function idsOf(item: Element, text: string): Identifiers {
  // 1. DOIs printed in the reference itself (not in the link bar).
  const printed: Identifiers[] = [];
  for (const a of item.querySelectorAll('a[href]')) {
    if (a.closest(NOT_TEXT)) continue;
    const ids = idsFromUrl(a.getAttribute('href') ?? '');
    if (ids.doi || ids.pmid || ids.pmcid) printed.push(ids);
  }
  // 2. Wiley's own match, and the linkouts (refDoi on every button; key is a PMID only for PubMed).
  const hidden: Identifiers = { doi: wholeDoi(item.querySelector('.data-doi')?.textContent) };
  const linkouts: Identifiers[] = [];
  for (const a of item.querySelectorAll('a[href*="/servlet/linkout"]')) {
    const href = a.getAttribute('href') ?? '';
    const linkType = (paramOf(href, 'linktype') ?? '').toUpperCase();
    const dbid = paramOf(href, 'dbid');
    linkouts.push({
      doi: wholeDoi(paramOf(href, 'refdoi')),
      pmid: linkType === 'PMID' || dbid === '8' ? normalizePmid(paramOf(href, 'key') ?? '') : undefined,
    });
  }
  return mergeIds(...printed, hidden, ...linkouts, idsFromText(text));
}

function spanText(item: Element, selector: string): string | undefined {
  const el = item.querySelector(selector);
  const t = el ? collapse(el.textContent ?? '') : '';
  return t || undefined;
}

/** "Anderson, M. C." -> family/given; "V. Masson-Delmotte" (editors) -> given-first. */
function wileyName(raw: string, givenFirst: boolean): CslName | undefined {
  const t = collapse(raw).replace(/[,;]+$/, '');
  if (!t) return undefined;
  const comma = t.indexOf(',');
  if (comma > 0) return { family: t.slice(0, comma).trim(), given: t.slice(comma + 1).trim() || undefined };
  if (givenFirst) {
    const m = /^((?:\p{Lu}\.\s?-?)+)\s*(.+)$/u.exec(t);
    if (m?.[1] && m[2]) return { family: m[2].trim(), given: m[1].trim() };
  }
  return { family: t };
}

function names(item: Element, selector: string, givenFirst: boolean): CslName[] {
  const out: CslName[] = [];
  for (const el of item.querySelectorAll(selector)) {
    if (el.closest(NOT_TEXT)) continue;
    if (el.matches('.groupName')) {
      const literal = collapse(el.textContent ?? '');
      if (literal) out.push({ literal });
      continue;
    }
    const name = wileyName(el.textContent ?? '', givenFirst);
    if (name) {
      if (name.given === undefined) delete name.given;
      out.push(name);
    }
  }
  return out;
}

function cslOf(item: Element, text: string): Partial<CslItem> {
  const csl: Partial<CslItem> = {};
  const authors = names(item, 'span.author, span.groupName', false);
  if (authors.length) csl.author = authors;
  const editors = names(item, 'span.editor', true);
  if (editors.length) csl.editor = editors;
  // An ellipsis between authors means Wiley cut the list.
  const yearAt = text.indexOf('(');
  if (yearAt > 0 && /…|\.\.\./.test(text.slice(0, yearAt))) csl._etAl = true;

  const article = spanText(item, '.articleTitle');
  const chapter = spanText(item, '.chapterTitle');
  const book = spanText(item, '.bookTitle');
  const other = spanText(item, '.otherTitle');
  const journal = spanText(item, '.journalTitle');
  if (article) {
    csl.type = 'article-journal';
    csl.title = article;
  } else if (chapter) {
    csl.type = 'chapter';
    csl.title = chapter;
    if (book) csl['container-title'] = book;
  } else if (book) {
    csl.type = 'book';
    csl.title = book;
  } else if (other) {
    csl.type = 'document';
    csl.title = other;
  }
  if (journal) csl['container-title'] = journal;
  const volume = spanText(item, '.vol');
  if (volume) csl.volume = volume;
  const issue = spanText(item, '.citedIssue');
  if (issue) csl.issue = issue;
  const first = spanText(item, '.pageFirst');
  const last = spanText(item, '.pageLast');
  if (first) csl.page = last ? `${first}-${last}` : first;
  const year = /\d{4}/.exec(spanText(item, '.pubYear') ?? '')?.[0];
  if (year) csl.issued = { 'date-parts': [[Number.parseInt(year, 10)]] };
  const publisher = spanText(item, '.publisherName');
  if (publisher) csl.publisher = publisher;
  const place = spanText(item, '.publisherLocation');
  if (place) csl['publisher-place'] = place;
  return csl;
}

function extract(item: Element): ExtractedReference {
  const text = textOf(item, NOT_TEXT);
  return referenceOrPlainText(text, () => ({ ids: idsOf(item, text), csl: cslOf(item, text) }));
}

export const wiley: SiteAdapter = {
  id: 'wiley',
  name: 'Wiley Online Library',
  hosts: HOSTS,
  matches(url: URL): boolean {
    // Article pages (/doi/…, /doi/full/…, /doi/abs/…); the PDF readers have no list.
    return isHost(url.hostname) && /^\/doi\/(?!(?:e?pdf|pdfdirect)\/)/.test(url.pathname);
  },
  findItems,
  extract,
};
