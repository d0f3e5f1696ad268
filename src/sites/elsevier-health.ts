import { idsFromText, idsFromUrl, mergeIds } from '../core/identifiers';
import { ET_AL, printedText, type PrintedReference } from '../core/printed';
import type { ExtractedReference, Identifiers } from '../core/reference';
import { collapse, STRUCTURE, textOf } from './dom';
import { extractOrPlainText } from './shared/fallback';
import { hostListed } from './shared/host-match';
import { placeToolsAfter } from './shared/place-tools';
import { ELSEVIER_HEALTH_HOSTS } from './hosts';
import type { SiteAdapter } from './types';

/*
 * Elsevier health and society journals (clinical-breast-cancer.com, thelancet.com, cell.com, …) on the Atypon "core"
 * shell: section#references > [role=list] > [role=listitem] > div.citations#bibN > div.citation#srefN >
 * (div.citation-content, div.external-links). Inline `span.dropBlock.reference-citations` and the side panel
 * (`[data-list=references]`, `#core-collateral-*`) repeat the same bodies and must never be read as list items.
 *
 * Items are read as printed (author names, title, journal line): the background makes their CSL fields
 * (core/printed.ts).
 */

const LIST_SECTIONS = 'section#references, section#bibliography[role="doc-bibliography"]';
/** Copies of reference bodies that live outside the main list or inside it as pop-ups. */
const COPIES = '.dropBlock, .dropBlock__holder, [data-list="references"], [id^="core-collateral-"]';
/** Inside an item: the number/back-link and every link button. */
const NOT_TEXT =
  '.label, .external-links, .to-citation__wrapper, .to-citation__accordion, .to-citation, a[title="View in article"], a[title="View in Article"]';
/** Link-button labels, in case a page puts them outside .external-links. */
const BUTTON_LABEL = /^(?:crossref|pubmed|pmc|europe pmc|google scholar|scopus(?: \(\d+\))?|web of science|view in article|full text(?: pdf)?)$/i;

/** A journal line holds "<year>;" ("N Engl J Med. 2020; 382: 597-609"). */
const SOURCE_YEAR = /(?:^|\s)(?:1[5-9]|20)\d{2}\s*;/;

function outermostItems(section: Element): Element[] {
  const found = [...section.querySelectorAll('[role="listitem"]')];
  const item = found.length ? '[role="listitem"]' : '.citations';
  const items = found.length ? found : [...section.querySelectorAll(item)];
  // Most lists hold neither copies nor items within items: one query instead of four per item.
  if (!section.querySelector(`${COPIES}, [role="listitem"] ${item}, .citations ${item}`)) return items;
  return items.filter((el) => {
    if (el.closest(COPIES) || el.querySelector(':scope > [id^="core-collateral-"]')) return false;
    const outer = el.parentElement?.closest('[role="listitem"], .citations');
    return !(outer && section.contains(outer));
  });
}

function findItems(doc: Document): Element[] {
  const out: Element[] = [];
  const seen = new Set<Element>();
  for (const section of doc.querySelectorAll(LIST_SECTIONS)) {
    if (section.parentElement?.closest(LIST_SECTIONS) || section.closest(COPIES)) continue;
    for (const item of outermostItems(section)) {
      if (!seen.has(item)) {
        seen.add(item);
        out.push(item);
      }
    }
  }
  return out;
}

/** Every NOT_TEXT selector but the links' names a class: then an element with no class and no link cannot match. */
const NEEDS_CLASS_OR_LINK = NOT_TEXT.split(',').every((sel) => /^\s*(?:\.|a\[)/.test(sel));

function isExcluded(el: Element): boolean {
  const link = el.localName === 'a';
  // Most blocks (author items, the title and journal lines) have no class: no selector matching for them.
  if (!link && NEEDS_CLASS_OR_LINK && !el.hasAttribute('class')) return false;
  if (el.matches(NOT_TEXT)) return true;
  return link && BUTTON_LABEL.test(collapse(el.textContent ?? ''));
}

/** Inside a node: what makes its text differ from its textContent (links may be buttons, labels, block boundaries). */
const NOT_PLAIN = `a,${NOT_TEXT},${STRUCTURE}`;

/** Text of a node that is not itself excluded, with labels and buttons inside it left out. */
function cleanText(node: Element): string {
  // One query for the usual case (an author, the bold title, the journal line): the node's text is its textContent.
  if (node.childElementCount === 0 || !node.querySelector(NOT_PLAIN)) return collapse(node.textContent ?? '');
  const hasButtons = [...node.querySelectorAll('a')].some((a) => BUTTON_LABEL.test(collapse(a.textContent ?? '')));
  if (!hasButtons) return textOf(node, NOT_TEXT);
  const copy = node.cloneNode(true) as Element;
  for (const a of copy.querySelectorAll('a')) if (BUTTON_LABEL.test(collapse(a.textContent ?? ''))) a.remove();
  return textOf(copy, NOT_TEXT);
}


function splitAuthorLine(text: string): { names: string[]; truncated: boolean } | undefined {
  let t = text;
  let truncated = false;
  if (/(?:\.\.\.|…)$/.test(t)) {
    truncated = true;
    t = t.replace(/\s*(?:\.\.\.|…)$/, '');
  }
  if (t.includes('∙')) return { names: t.split('∙').map((s) => s.trim()).filter(Boolean), truncated };
  const parts = t.split(/\s*,\s*/).filter(Boolean);
  const vancouver = parts.every((p) => ET_AL.test(p) || /^[\p{L}'’ -]+ (?:\p{Lu}\.?-?){1,4}\.?$/u.test(p));
  return vancouver && parts.length > 1 ? { names: parts, truncated } : undefined;
}

/** Text that collapse() keeps. */
const VISIBLE = /[^\s\u200b]/;
const isBold = (tag: string) => tag === 'strong' || tag === 'b';
const isItalic = (tag: string) => tag === 'em' || tag === 'i';

/**
 * Sorts the direct children of .citation-content into author list, title and journal line. Walks the children
 * once and reads each one's tag once (this runs for every item of lists of thousands): no selector per child.
 */
function readBlocks(content: Element): PrintedReference | undefined {
  const printed: PrintedReference = {};
  const rest: string[] = [];
  let structured = false;
  for (let c = content.firstChild; c; c = c.nextSibling) {
    const type = c.nodeType;
    // Loose text beside the children means one running citation (PNAS style), not separate blocks.
    if (type === 3 && VISIBLE.test(c.nodeValue ?? '')) return undefined;
    if (type !== 1) continue;
    const el = c as Element;
    const tag = el.localName;
    if (tag === 'reflens-tools' || isExcluded(el)) continue;
    if ((tag === 'ul' || tag === 'ol') && !printed.authors) {
      const names: string[] = [];
      for (let li = el.firstElementChild; li; li = li.nextElementSibling) {
        if (li.localName !== 'li' || isExcluded(li)) continue;
        const name = cleanText(li);
        if (name) names.push(name);
      }
      printed.authors = names;
      structured = true;
      continue;
    }
    const text = cleanText(el);
    if (!text) continue;
    // Its own or its first direct bold and italic children: the title is all bold, the journal line has italics.
    let bold = isBold(tag) ? el : undefined;
    let italic = isItalic(tag) ? el : undefined;
    if (!bold || !italic) {
      for (let d = el.firstElementChild; d && !(bold && italic); d = d.nextElementSibling) {
        const t = d.localName;
        if (!bold && isBold(t)) bold = d;
        else if (!italic && isItalic(t)) italic = d;
      }
    }
    if (!printed.title && !printed.source && bold && collapse(bold.textContent ?? '') === text) {
      printed.title = text;
      structured = true;
    } else if (!printed.source && (italic || SOURCE_YEAR.test(text))) {
      printed.source = text;
      const journal = italic && collapse(italic.textContent ?? '');
      if (journal) printed.journal = journal;
      structured = true;
    } else {
      const split = printed.authors || printed.title || printed.source ? undefined : splitAuthorLine(text);
      if (split) {
        printed.authors = split.names;
        if (split.truncated) printed.truncated = true;
        structured = true;
      } else {
        rest.push(text);
      }
    }
  }
  if (rest.length) printed.rest = rest;
  return structured ? printed : undefined;
}

const SCHOLAR_HOST = /^https?:\/\/scholar\.google\.[a-z.]+\//i;
const ARXIV_HINT = /48550|%3\d|[\t\n\r]/i;

/** Where a link names no cited work: the number/back-link, the jump-to-citation controls, our own tools. */
const NOT_LINKS = '.label, .to-citation__wrapper, .to-citation__accordion, reflens-tools';
/** Links that lie in (or are) one of those places, as the item's query finds them (http links: not "#…"). */
const LINKS_IN_NOT_LINKS = `:is(${NOT_LINKS}) a[href]:not([href^="#"]), a:is(.label, .to-citation__wrapper, .to-citation__accordion)[href]:not([href^="#"])`;

function idsFromLinks(citation: Element): Identifiers {
  const strong: Identifiers[] = [];
  const weak: string[] = [];
  // In-page anchors (the back-link number) are left out by the query; other links in those places by one more query
  // and a check per link only when there are some (a check per link of every item otherwise).
  const someOutside = !!citation.querySelector(LINKS_IN_NOT_LINKS);
  for (const a of citation.querySelectorAll('a[href]:not([href^="#"])')) {
    const href = a.getAttribute('href') ?? '';
    if (!href) continue;
    if (someOutside && a.closest(NOT_LINKS)) continue;
    // Resolver and PubMed buttons name the work directly; Scholar look-ups only echo what the page knew.
    if (/scholar\.google\./i.test(href)) weak.push(href);
    else strong.push(idsFromUrl(href));
  }
  const ids = mergeIds(...strong);
  // With a DOI and a PMID from the buttons, a Scholar look-up can add only an arXiv id (from an arXiv DOI, 10.48550/…,
  // possibly with escaped digits or the tabs and newlines the URL parser drops): any other is left unparsed, its long
  // query being the costliest link of an item to read.
  const adds = (href: string) => !ids.doi || !ids.pmid || !SCHOLAR_HOST.test(href) || (!ids.arxiv && ARXIV_HINT.test(href));
  const more = weak.filter(adds);
  return more.length ? mergeIds(ids, ...more.map(idsFromUrl)) : ids;
}

function extract(item: Element): ExtractedReference {
  const citation = item.querySelector('.citation') ?? item;
  const content = citation.querySelector('.citation-content') ?? citation;
  const printed = readBlocks(content);
  const text = printed ? printedText(printed) : isExcluded(content) ? '' : cleanText(content);
  const ids = mergeIds(idsFromLinks(citation), idsFromText(text));
  return { text, ids, csl: { type: 'article-journal' }, printed: printed ?? { free: true } };
}

export const elsevierHealth: SiteAdapter = {
  id: 'elsevier-health',
  name: 'Elsevier health journals (Atypon core)',
  hosts: [...ELSEVIER_HEALTH_HOSTS],
  matches(url: URL): boolean {
    return hostListed(url, ELSEVIER_HEALTH_HOSTS);
  },
  findItems,
  extract: extractOrPlainText(extract, (item) => textOf(item, NOT_TEXT), { type: 'article-journal' }),
  linkedIds: (item) => idsFromLinks(item.querySelector('.citation') ?? item),
  placeTools(item: Element, tools: HTMLElement): void {
    // After the publisher's own link buttons, inside the reference's block.
    placeToolsAfter(item, tools, '.external-links');
  },
};
