import type { CslItem, CslName } from '../core/csl';
import type { ExtractedReference } from '../core/reference';
import { collapse, textOf } from './dom';
import { referenceOrPlainText } from './shared/fallback';
import { idsFromLinksAndText } from './shared/link-ids';
import type { SiteAdapter } from './types';

/*
 * PeerJ (peerj.com), publisher-dom.md §7 [F]: section#references.ref-list-container > ul.ref-list > li.ref >
 * div.citation#ref-N with schema.org microdata: span.name[itemprop=author] (span.surname, span.given-names) or
 * span.collab, b.year, cite > a.article-title (href = doi.org link when the DOI is known, else a Scholar look-up or
 * the web page), span.source / [itemprop=isPartOf] journal, b[itemprop=volumeNumber], span.fpage / span.lpage.
 */

const ITEM = 'ul.ref-list > li.ref, ol.ref-list > li.ref';
const COPIES = '.popover, .tooltip, [role="dialog"], [role="tooltip"]';

function findItems(doc: Document): Element[] {
  return [...doc.querySelectorAll(ITEM)].filter((li) => !li.closest(COPIES) && !li.parentElement?.closest('li.ref'));
}

function text(el: Element | null): string | undefined {
  const t = el ? collapse(el.textContent ?? '') : '';
  return t || undefined;
}

function cslOf(item: Element): Partial<CslItem> {
  const csl: Partial<CslItem> = {};
  const authors: CslName[] = [];
  for (const el of item.querySelectorAll('.citation-authors-year [itemprop="author"], .citation-authors-year .collab')) {
    if (el.matches('.collab')) {
      const literal = text(el);
      if (literal && !authors.some((a) => a.literal === literal)) authors.push({ literal });
      continue;
    }
    const family = text(el.querySelector('.surname, [itemprop="familyName"]'));
    const given = text(el.querySelector('.given-names, [itemprop="givenName"]'));
    if (family) authors.push(given ? { family, given } : { family });
  }
  if (authors.length) csl.author = authors;
  if (/\bet\s*al\b/i.test(text(item.querySelector('.citation-authors-year')) ?? '')) csl._etAl = true;
  const year = /\d{4}/.exec(text(item.querySelector('.year, [itemprop="datePublished"]')) ?? '')?.[0];
  if (year) csl.issued = { 'date-parts': [[Number.parseInt(year, 10)]] };

  // The link is the title; its span.article-title wrapper on web pages also holds the site name.
  const title = text(item.querySelector('a.article-title') ?? item.querySelector('.article-title'))?.replace(/\.$/, '');
  const schemaType = item.querySelector('.citation')?.getAttribute('itemtype') ?? item.getAttribute('itemtype') ?? '';
  const journal = text(item.querySelector('.source [itemprop="name"], span.source'));
  if (title) {
    csl.title = title;
    if (journal) csl['container-title'] = journal;
  } else if (journal) {
    // Books print their title as the source (a.source), with an empty cite.article-title.
    csl.title = journal;
  }
  if (/ScholarlyArticle/.test(schemaType) && journal) csl.type = 'article-journal';
  else if (/Book/.test(schemaType)) csl.type = 'book';
  const volume = text(item.querySelector('[itemprop="volumeNumber"]'));
  if (volume) csl.volume = volume;
  const issue = text(item.querySelector('[itemprop="issueNumber"]'));
  if (issue) csl.issue = issue;
  const first = text(item.querySelector('.fpage, [itemprop="pageStart"]'));
  const last = text(item.querySelector('.lpage, [itemprop="pageEnd"]'));
  if (first) csl.page = last ? `${first}-${last}` : first;
  const publisher = text(item.querySelector('.publisher'));
  if (publisher) csl.publisher = publisher;
  return csl;
}

function extract(item: Element): ExtractedReference {
  const t = textOf(item);
  return referenceOrPlainText(t, () => ({ ids: idsFromLinksAndText(item, t), csl: cslOf(item) }));
}

export const peerj: SiteAdapter = {
  id: 'peerj',
  name: 'PeerJ',
  hosts: ['peerj.com'],
  matches(url: URL): boolean {
    return url.hostname === 'peerj.com' && /^\/(?:articles|preprints)\/\d+/.test(url.pathname);
  },
  findItems,
  extract,
};
