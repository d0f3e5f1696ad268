import type { CslItem, CslName } from '../core/csl';
import { idsFromText, mergeIds } from '../core/identifiers';
import type { ExtractedReference } from '../core/reference';
import { collapse } from './dom';
import { extractOrPlainText } from './shared/fallback';
import { linkIdsIn } from './pmc';
import type { SiteAdapter } from './types';

/*
 * Silverchair sites: OUP Academic (academic.oup.com) and others sharing its markup, publisher-dom.md §7:
 * div.ref-list.js-splitview-ref-list > div.js-splitview-ref-item[content-id] > div.ref-content > div.mixed-citation with
 * JATS-named inline elements (surname, given-names, article-title, source, year, volume, fpage, lpage), then
 * div.citation-links (Crossref in .crossref-doi, PubMed a.link-pub-id, Google Scholar, WorldCat, OpenURL holders).
 * A pop-up copy of each reference lives in div#revealContent; it is never a list item.
 * JAMA Network is Silverchair too, but no evidence of its current reference markup was found (only a 2014 selector),
 * so it is not claimed here.
 */

const SPLITVIEW_ITEMS = '.ref-list .js-splitview-ref-item';
const PLAIN_ITEMS = '.ref-list .ref-content';
const POPUPS = '#revealContent, .reveal-modal, [data-widgetname="ArticleFulltext"] .reveal-content';
/** Link toolboxes and labels that are not part of the reference. */
const NOISE = [
  '.citation-links',
  '.crossref-doi',
  '.adsDoiReference',
  '.xslopenurl',
  '.worldcat-reference-ref-link',
  '.inst-open-url-holders',
  '.google-scholar-ref-link',
  'a.link-pub-id',
  '.label',
  '.title-label',
  'reflens-tools',
  'script',
  'style',
].join(', ');

const ORIGIN = 'https://academic.oup.com/';

function findItems(doc: Document): Element[] {
  const split = [...doc.querySelectorAll(SPLITVIEW_ITEMS)];
  const found = split.length ? split : [...doc.querySelectorAll(PLAIN_ITEMS)];
  return found.filter((el) => !el.closest(POPUPS) && !el.parentElement?.closest(SPLITVIEW_ITEMS));
}

/** Inline text of a reference: markup elements are inline on these sites, so no spaces are added at tags. */
export function inlineText(el: Element, noise: string): string {
  const copy = el.cloneNode(true) as Element;
  for (const n of copy.querySelectorAll(noise)) n.remove();
  return collapse(copy.textContent ?? '')
    .replace(/\s+([,.;:)])/g, '$1')
    .replace(/\(\s+/g, '(');
}

const textIn = (root: Element, selector: string): string | undefined => {
  const el = root.querySelector(selector);
  const t = el ? collapse(el.textContent ?? '').replace(/[,;:]+$/, '') : '';
  return t || undefined;
};

/**
 * CSL from JATS-named markup (OUP/Silverchair divs, Cambridge spans, PMC classic): names, titles, source, year,
 * volume, issue, pages, publisher. Editors' names are left out. Returns {} when the item has no such markup.
 */
export function cslFromJats(root: Element): Partial<CslItem> {
  const csl: Partial<CslItem> = {};
  const authors: CslName[] = [];
  for (const n of root.querySelectorAll('.string-name, .name, .collab')) {
    if (n.parentElement?.closest('.string-name, .name, .collab')) continue;
    const group = n.closest('[person-group-type], [data-person-group-type], .person-group');
    const role = group?.getAttribute('person-group-type') ?? group?.getAttribute('data-person-group-type');
    if (role && role !== 'author') continue;
    if (n.matches('.collab')) {
      const literal = collapse(n.textContent ?? '');
      if (literal) authors.push({ literal });
      continue;
    }
    const family = textIn(n, '.surname');
    const given = textIn(n, '.given-names');
    if (family) authors.push(given ? { family, given } : { family });
  }
  if (authors.length) csl.author = authors;
  if (root.querySelector('.etal')) csl._etAl = true;
  const articleTitle = textIn(root, '.article-title');
  const chapterTitle = textIn(root, '.chapter-title');
  const source = textIn(root, '.source');
  if (articleTitle ?? chapterTitle) {
    csl.title = articleTitle ?? chapterTitle;
    if (source) csl['container-title'] = source;
    csl.type = chapterTitle && !articleTitle ? 'chapter' : 'article-journal';
  } else if (source) {
    csl.title = source;
    csl.type = 'book';
  }
  const year = /\b(1[5-9]\d\d|20\d\d)\b/.exec(textIn(root, '.year') ?? '')?.[1];
  if (year) csl.issued = { 'date-parts': [[Number(year)]] };
  const volume = textIn(root, '.volume');
  if (volume) csl.volume = volume;
  const issue = textIn(root, '.issue');
  if (issue) csl.issue = issue;
  const fpage = textIn(root, '.fpage');
  const lpage = textIn(root, '.lpage');
  if (fpage) csl.page = lpage && lpage !== fpage ? `${fpage}-${lpage}` : fpage;
  else if (textIn(root, '.elocation-id')) csl.page = textIn(root, '.elocation-id');
  const publisher = textIn(root, '.publisher-name');
  if (publisher) csl.publisher = publisher;
  const place = textIn(root, '.publisher-loc');
  if (place) csl['publisher-place'] = place;
  return csl;
}

function extract(item: Element): ExtractedReference {
  const content = item.matches('.ref-content') ? item : (item.querySelector('.ref-content') ?? item);
  const citation = content.querySelector('.mixed-citation, .element-citation') ?? content;
  const text = inlineText(citation, NOISE);
  return { text, ids: mergeIds(linkIdsIn(item, ORIGIN), idsFromText(text)), csl: cslFromJats(citation) };
}

export const OUP_HOSTS = ['academic.oup.com'] as const;

export const oup: SiteAdapter = {
  id: 'oup',
  name: 'Oxford Academic (Silverchair)',
  hosts: [...OUP_HOSTS],
  matches(url: URL): boolean {
    return OUP_HOSTS.includes(url.hostname.toLowerCase() as (typeof OUP_HOSTS)[number]) && /\/article(?:-abstract)?\//.test(url.pathname);
  },
  findItems,
  extract: extractOrPlainText(extract),
  placeTools(item: Element, tools: HTMLElement): void {
    (item.querySelector('.ref-content') ?? item).append(tools);
  },
};
