import type { CslItem, CslName } from '../core/csl';
import { idsFromText, idsFromUrl, mergeIds } from '../core/identifiers';
import type { ExtractedReference, Identifiers } from '../core/reference';
import { safeHttpUrl } from '../core/url';
import { collapse, textOf } from './dom';
import { SCIENCEDIRECT_HOSTS } from './hosts';
import type { SiteAdapter } from './types';

/*
 * ScienceDirect (www.sciencedirect.com). Two layouts, both in shared/docs/publisher-dom.md §2:
 * - full text (/science/article/pii/…): section.bibliography > section.bibliography-sec > ol.references > li, each with
 *   span.reference > div.contribution (div.authors, div.title) + div.host (DOI link) + div.ReferenceLinks (buttons).
 *   The list is rendered client-side from /sdfe/arp/pii/<PII>/references, so it is absent from the initial HTML.
 * - paywalled Preview (/science/article/abs/pii/…): li.bib-reference, first author + "et al.", h3 title, .host .series;
 *   10 visible, the rest in a hidden div.u-display-none (still in the DOM, so they are read too).
 */

const SD_ORIGIN = 'https://www.sciencedirect.com';

/** Full-text list items and Preview items, in one query so the result keeps page order. */
const ITEM_CANDIDATES = [
  'section.bibliography ol.references > li',
  'section.bibliography span.reference',
  'section.bibliography div.reference',
  '#references ol.references > li',
  '#references span.reference',
  'li.bib-reference',
].join(', ');

const LIST_SCOPE = 'section.bibliography, #references';

/** Lists of other articles that reuse reference-like markup: "Cited by", "Recommended articles". */
const NOT_REFERENCES =
  '#section-cited-by, #preview-section-cited-by, .ListArticles, li.ListArticleItem, .RelatedContent, #recommended-articles, aside';

/** Parts of an item that are not the reference: the number/author-year label and the link buttons. */
const FULLTEXT_EXCLUDE = '.label, .ReferenceLinks, .lazy-third-party-pdf-link, svg';

/** Button labels, in case a publisher change moves them outside .ReferenceLinks; only stripped at the end of the text. */
const TRAILING_LINK_LABELS =
  /(?:\s*(?:View PDF|View article|View in Scopus|View at publisher|Crossref|Google Scholar|Purchase PDF))+\s*$/;

/** An article link on ScienceDirect (not its /pdfft download). */
const PII_PATH = /^\/science\/article\/(?:abs\/)?pii\/([A-Z0-9]+)\/?$/i;

const ORGANISATION =
  /\b(?:group|committee|consortium|collaborat\w*|societ(?:y|ies)|association|organi[sz]ation|network|institute|council|foundation|agency|centre|center|investigators|trialists|panel|board|department|ministry|university|programme|program|initiative|party|force|alliance|office)\b/i;
const NAME_SUFFIX = /^(?:Jr|Sr|II|III|IV)\.?$/;
/** "J.S.", "S.-B.", "Th.", or dotless Vancouver initials "RK", "S-B". */
const INITIALS = /^(?:(?:\p{Lu}\p{Ll}?\.-?)+|\p{Lu}(?:-?\p{Lu}){0,2})$/u;
const ET_AL = /^(?:et\s*al\.?|\.{3}|…)$/i;

/** One name as ScienceDirect prints it: "J.S. Bailey", "Thomson J.E.", "W.D. den Brok", or an organisation. */
export function parseScienceDirectName(raw: string): CslName | undefined {
  const name = collapse(raw).replace(/[,;]+$/, '');
  if (!name) return undefined;
  if (ORGANISATION.test(name)) return { literal: name };
  const tokens = name.split(' ');
  let suffix = '';
  if (tokens.length > 2 && NAME_SUFFIX.test(tokens[tokens.length - 1] ?? '')) suffix = tokens.pop() ?? '';
  const withSuffix = (given: string): string => (suffix ? `${given} ${suffix}` : given);
  if (tokens.length === 1) return { family: name };

  let lead = 0;
  while (lead < tokens.length && INITIALS.test(tokens[lead] ?? '')) lead++;
  if (lead > 0 && lead < tokens.length) {
    return { family: tokens.slice(lead).join(' '), given: withSuffix(tokens.slice(0, lead).join(' ')) };
  }
  let trail = 0;
  while (trail < tokens.length && INITIALS.test(tokens[tokens.length - 1 - trail] ?? '')) trail++;
  if (trail > 0 && trail < tokens.length) {
    const split = tokens.length - trail;
    return { family: tokens.slice(0, split).join(' '), given: withSuffix(tokens.slice(split).join(' ')) };
  }
  if (lead === tokens.length) return { literal: name };
  // Full given names ("Sara A. Hurvitz"): the last word is the family name.
  return { family: tokens[tokens.length - 1] ?? name, given: withSuffix(tokens.slice(0, -1).join(' ')) };
}

/** A comma-separated author list; "et al." (or an ellipsis) at the end sets etAl. */
export function parseScienceDirectAuthors(raw: string): { names: CslName[]; etAl: boolean } {
  let text = collapse(raw);
  let etAl = false;
  const trailingEtAl = /(?:,\s*|\s+)(?:et\s*al\.?|\.{3}|…)$/i;
  if (trailingEtAl.test(text)) {
    etAl = true;
    text = text.replace(trailingEtAl, '');
  }
  const names: CslName[] = [];
  for (const part of text.split(/\s*,\s*/)) {
    if (!part) continue;
    if (ET_AL.test(part)) {
      etAl = true;
      continue;
    }
    // "Bailey, J.S., Thomson, J.E." style: an initials-only part completes the family name before it.
    const previous = names[names.length - 1];
    if (previous?.family && !previous.given && part.split(' ').every((t) => INITIALS.test(t))) {
      previous.given = part;
      continue;
    }
    const name = parseScienceDirectName(part);
    if (name) names.push(name);
  }
  return { names, etAl };
}

const MAX_HOST_LENGTH = 600;
const JOURNAL_HOST =
  /^(?<container>.+?),\s*(?<volume>[^,()]*\d[^,()]*?)\s*(?:\((?<issue>[^()]+)\)\s*)?\((?<year>\d{4})[a-z]?\)(?:\s*,\s*(?<loc>.*))?$/;
const YEAR_HOST = /^(?<pre>.*?)\s*\((?<year>\d{4})[a-z]?\)(?:\s*,\s*(?<loc>.*))?$/;
const EDITORS = /^(?<editors>.+?)\s*\(Eds?\.\)\s*,\s*(?<rest>.+)$/;
const PUBLISHER_LIKE =
  /\b(?:press|publish\w*|publications?|springer|elsevier|wiley|verlag|books?|inc|ltd|llc|gmbh|co|company|editions?|university|academic|routledge|saunders|mosby|karger|thieme|lippincott|blackwell|who)\b\.?/i;
const PROCEEDINGS = /\b(?:proceedings|proc\.|conference|symposium|workshop|congress|meeting)\b/i;

function issued(year: string | undefined): Pick<CslItem, 'issued'> {
  const y = year ? Number.parseInt(year, 10) : Number.NaN;
  return Number.isFinite(y) ? { issued: { 'date-parts': [[y]] } } : {};
}

/** "pp. 1-11" → page, "p. 22" → page, "Article 106146" → number. */
function location(loc: string | undefined): Partial<CslItem> {
  const t = collapse(loc ?? '').replace(/[.,;]+$/, '');
  if (!t) return {};
  const pages = /^pp?\.\s*(.+)$/i.exec(t);
  if (pages?.[1]) return { page: pages[1].replace(/\s*[–—]\s*/g, '-') };
  const article = /^Article(?:\s+No\.?)?\s+(\S+)$/i.exec(t);
  if (article?.[1]) return { number: article[1] };
  if (/^[A-Za-z]*\d+[A-Za-z]*(?:\s*[-–]\s*[A-Za-z]*\d+[A-Za-z]*)?$/.test(t)) return { page: t.replace(/\s*[–—]\s*/g, '-') };
  return {};
}

function setIf<K extends keyof CslItem>(out: Partial<CslItem>, key: K, value: CslItem[K] | undefined | ''): void {
  if (value !== undefined && value !== '') out[key] = value;
}

/**
 * The .host line of a full-text reference:
 * "IEEE Trans. Instrum. Meas., 72 (4) (2023), pp. 1-11" (journal), "Academic Press, Orlando, FL (1987)" (book),
 * "A. Editor (Eds.), Book Title, Publisher, Place (2010), pp. 5-9" (chapter), "Proceedings of … (2016), pp. 770-778".
 */
export function parseScienceDirectHost(raw: string): Partial<CslItem> {
  // Real host lines are short; the cap keeps the regexes below cheap on junk.
  const text = collapse(raw)
    .slice(0, MAX_HOST_LENGTH)
    // The DOI that follows the host is read as an identifier, not as part of the source.
    .replace(/,?\s*(?:https?:\/\/(?:dx\.)?doi\.org\/)?10\.\d{4,9}\/\S+$/i, '')
    .replace(/[\s,;]+$/, '');
  if (!text) return {};
  const out: Partial<CslItem> = {};

  const journal = JOURNAL_HOST.exec(text)?.groups;
  if (journal && !EDITORS.test(text)) {
    const container = journal.container?.trim();
    out.type = container && PROCEEDINGS.test(container) ? 'paper-conference' : 'article-journal';
    setIf(out, 'container-title', container);
    setIf(out, 'volume', journal.volume?.trim());
    setIf(out, 'issue', journal.issue?.trim());
    Object.assign(out, issued(journal.year), location(journal.loc));
    return out;
  }

  const dated = YEAR_HOST.exec(text)?.groups;
  const before = (dated ? dated.pre : text)?.trim() ?? '';
  if (dated) Object.assign(out, issued(dated.year), location(dated.loc));

  const chapter = EDITORS.exec(before)?.groups;
  if (chapter) {
    const editors = parseScienceDirectAuthors(chapter.editors ?? '').names;
    if (editors.length) out.editor = editors;
    const parts = (chapter.rest ?? '').split(/\s*,\s+/);
    out.type = 'chapter';
    setIf(out, 'container-title', parts[0]);
    setIf(out, 'publisher', parts[1]);
    setIf(out, 'publisher-place', parts.slice(2).join(', '));
    return out;
  }
  if (!dated || !before) return out;
  if (/^arxiv\b/i.test(before)) {
    out.type = 'article';
    return out;
  }
  const parts = before.split(/\s*,\s+/);
  const first = parts[0] ?? '';
  if (PROCEEDINGS.test(first)) {
    out.type = 'paper-conference';
    setIf(out, 'container-title', first);
    setIf(out, 'publisher', parts[1]);
    setIf(out, 'publisher-place', parts.slice(2).join(', '));
  } else if (parts.length > 1 || PUBLISHER_LIKE.test(first)) {
    // "Publisher, Place (year)": ScienceDirect prints books this way; the book title is the reference's .title.
    out.type = 'book';
    setIf(out, 'publisher', first);
    setIf(out, 'publisher-place', parts.slice(1).join(', '));
  } else {
    out.type = 'article-journal';
    setIf(out, 'container-title', first);
  }
  return out;
}

/** The first article link (not a PDF download) as an absolute ScienceDirect URL. */
function piiUrl(item: Element): string | undefined {
  for (const a of item.querySelectorAll('a[href]')) {
    const href = a.getAttribute('href') ?? '';
    const url = safeHttpUrl(href, SD_ORIGIN);
    if (!url) continue;
    const u = new URL(url);
    const m = u.hostname.endsWith('sciencedirect.com') ? PII_PATH.exec(u.pathname) : null;
    if (m?.[1]) return `${SD_ORIGIN}/science/article/pii/${m[1]}`;
  }
  return undefined;
}

function idsOf(item: Element, text: string): Identifiers {
  // Hosts' DOI links come first in the markup, then the "Crossref"/"View at publisher" buttons; first wins.
  const fromLinks = [...item.querySelectorAll('a[href]')].map((a) => idsFromUrl(a.getAttribute('href') ?? ''));
  return mergeIds(...fromLinks, idsFromText(text));
}

function extractFullText(item: Element): ExtractedReference {
  const ref = item.matches('span.reference, div.reference')
    ? item
    : (item.querySelector('span.reference, div.reference') ?? item);
  const text = textOf(item, FULLTEXT_EXCLUDE).replace(TRAILING_LINK_LABELS, '');
  const csl: Partial<CslItem> = {};

  const authorsEl = ref.querySelector('.contribution .authors, .authors');
  if (authorsEl) {
    const { names, etAl } = parseScienceDirectAuthors(textOf(authorsEl));
    if (names.length) csl.author = names;
    if (etAl) csl._etAl = true;
  }
  const titleEl = ref.querySelector('.contribution .title, .title');
  const title = titleEl ? textOf(titleEl, 'svg') : '';
  if (title) csl.title = title;
  const hostEl = ref.querySelector('.host');
  if (hostEl) Object.assign(csl, parseScienceDirectHost(textOf(hostEl, 'a, svg')));
  const url = piiUrl(ref);
  if (url) csl.URL = url;
  return { text, ids: idsOf(ref, text), csl };
}

function extractPreview(item: Element): ExtractedReference {
  const text = textOf(item, 'svg');
  const csl: Partial<CslItem> = {};

  const authorEl = item.querySelector('.author');
  if (authorEl) {
    const givenEl = authorEl.querySelector('span');
    const given = givenEl ? textOf(givenEl) : '';
    const full = textOf(authorEl);
    const family = given && full.startsWith(given) ? full.slice(given.length).trim() : '';
    const name = family ? { family, given } : parseScienceDirectName(full);
    if (name) csl.author = [name];
    const byline = authorEl.parentElement ? textOf(authorEl.parentElement) : full;
    if (/\bet\s*al\b/i.test(byline.slice(full.length))) csl._etAl = true;
  }
  // The work's title is the item's own h3; the h3 inside .host is the journal.
  const titleEl = [...item.children].find((c) => c.tagName.toUpperCase() === 'H3');
  const title = titleEl ? textOf(titleEl, 'svg') : '';
  if (title) csl.title = title;
  const host = item.querySelector('.host');
  if (host) {
    const container = host.querySelector('.series h3, .series .title');
    const journal = container ? textOf(container) : '';
    if (journal) {
      csl.type = 'article-journal';
      csl['container-title'] = journal;
    }
    const year = /\((\d{4})[a-z]?\)/.exec(textOf(host))?.[1];
    Object.assign(csl, issued(year));
  }
  const url = piiUrl(item);
  if (url) csl.URL = url;
  return { text, ids: idsOf(item, text), csl };
}

export const sciencedirect: SiteAdapter = {
  id: 'sciencedirect',
  name: 'ScienceDirect',
  hosts: [...SCIENCEDIRECT_HOSTS],

  matches(url: URL): boolean {
    return (SCIENCEDIRECT_HOSTS as readonly string[]).includes(url.hostname) && url.pathname.startsWith('/science/article/');
  },

  findItems(doc: Document): Element[] {
    const items: Element[] = [];
    const seen = new Set<Element>();
    for (const el of doc.querySelectorAll(ITEM_CANDIDATES)) {
      let item = el;
      if (!el.matches('li.bib-reference, ol.references > li')) {
        // A span.reference belongs to its list item when that item is inside the same bibliography.
        const li = el.closest('li');
        const scope = el.closest(LIST_SCOPE);
        item = li && scope?.contains(li) ? li : el;
      }
      if (seen.has(item) || item.closest(NOT_REFERENCES)) continue;
      seen.add(item);
      items.push(item);
    }
    // An item nested in another (markup variants matching twice) is the same reference.
    return items.filter((item) => !items.some((other) => other !== item && other.contains(item)));
  },

  extract(item: Element): ExtractedReference {
    try {
      return item.matches('li.bib-reference') ? extractPreview(item) : extractFullText(item);
    } catch {
      // Malformed markup: keep at least the text and any identifiers in it.
      const text = textOf(item, FULLTEXT_EXCLUDE);
      return { text, ids: idsFromText(text), csl: {} };
    }
  },

  placeTools(item: Element, tools: HTMLElement): void {
    item.append(tools);
  },

  /*
   * The full-text list arrives by script after load. Observed: div.Article#mathjax-container (role=main) and the
   * <article> inside it, both present in the server HTML of the real Preview page (publisher-dom.md §2); the
   * bibliography is rendered inside them. Both are listed so either survives a class rename; they nest, so
   * observing both only repeats mutation notices that the content script debounces anyway.
   */
  lateListRoot: '#mathjax-container, article',
};
