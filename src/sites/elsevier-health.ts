import type { CslItem, CslName } from '../core/csl';
import { idsFromText, idsFromUrl, mergeIds } from '../core/identifiers';
import type { ExtractedReference, Identifiers } from '../core/reference';
import { collapse, textOf } from './dom';
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
 * Author names: "Murthy RK" becomes {family: "Murthy", given: "R.K."}: initials get a period each, hyphenated
 * initials keep the hyphen ("Kim S-B" -> "S.-B."), so CSL processors can re-initialise them in any style.
 */

const LIST_SECTIONS = 'section#references, section#bibliography[role="doc-bibliography"]';
/** Copies of reference bodies that live outside the main list or inside it as pop-ups. */
const COPIES = '.dropBlock, .dropBlock__holder, [data-list="references"], [id^="core-collateral-"]';
/** Inside an item: the number/back-link and every link button. */
const NOT_TEXT =
  '.label, .external-links, .to-citation__wrapper, .to-citation__accordion, .to-citation, a[title="View in article"], a[title="View in Article"]';
/** Link-button labels, in case a page puts them outside .external-links. */
const BUTTON_LABEL = /^(?:crossref|pubmed|pmc|europe pmc|google scholar|scopus(?: \(\d+\))?|web of science|view in article|full text(?: pdf)?)$/i;

const YEAR = String.raw`(?:1[5-9]|20)\d{2}`;
/** PDF-extraction debris "A BS TR AC T" (a spaced-out "Abstract") glued to the end of a scraped title. */
const SPACED_ABSTRACT = /\s+A\s+BS\s+TR\s+AC\s+T\.?$/i;
/** Mendeley's "Science (80-. )" journal-name artefact. */
const SCIENCE_80 = /\s*\(80-\s*\.?\s*\)$/;
const INITIALS = /^(?:\p{Lu}\.?-?){1,4}$/u;
const INSTITUTION =
  /\b(?:group|committee|consortium|society|association|organi[sz]ation|collaborat\w*|investigators|network|institute|council|board|panel|team|working|foundation|agency|programme|program|study|trial)\b/i;
const ET_AL = /^et\.?\s*al\.?$/i;
const SOURCE_YEAR = new RegExp(String.raw`(?:^|\s)${YEAR}\s*;`);
const CONTAINER_THEN_YEAR = new RegExp(String.raw`^(.*?)[.,]?\s+(${YEAR}\b.*)$`);
const YEAR_THEN_VOLUME = new RegExp(String.raw`^\s*(${YEAR})[a-z]?\b\s*;?\s*(.*)$`);
const FREE_VOLUME = new RegExp(String.raw`\b(${YEAR})\s*;\s*([^\s:;(]+)?\s*(?:\(([^)]+)\))?\s*:\s*([\w-]+)`);
const FREE_YEAR = new RegExp(String.raw`\b(${YEAR})\b`);

function outermostItems(section: Element): Element[] {
  const found = [...section.querySelectorAll('[role="listitem"]')];
  const items = found.length ? found : [...section.querySelectorAll('.citations')];
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

function isExcluded(el: Element): boolean {
  if (el.matches(NOT_TEXT)) return true;
  return el.tagName === 'A' && BUTTON_LABEL.test(collapse(el.textContent ?? ''));
}

/** Text of a node with labels and buttons left out. */
function cleanText(node: Element): string {
  if (isExcluded(node)) return '';
  if (node.childElementCount === 0) return collapse(node.textContent ?? ''); // nothing inside to leave out
  const hasButtons = !!node.querySelector('a') && [...node.querySelectorAll('a')].some((a) => BUTTON_LABEL.test(collapse(a.textContent ?? '')));
  if (!hasButtons) return textOf(node, NOT_TEXT);
  const copy = node.cloneNode(true) as Element;
  for (const a of copy.querySelectorAll('a')) if (BUTTON_LABEL.test(collapse(a.textContent ?? ''))) a.remove();
  return textOf(copy, NOT_TEXT);
}

function endSentence(s: string): string {
  return /[.?!]$/.test(s) ? s : `${s}.`;
}

/** One block of a structured reference: an author list, the bold title or the journal line. */
interface Blocks {
  authors?: string[];
  authorsTruncated?: boolean;
  title?: string;
  source?: { line: string; italic?: string };
  rest: string[];
}

function isBoldBlock(el: Element, text: string): boolean {
  const bold = el.matches('strong, b') ? el : el.querySelector(':scope > strong, :scope > b');
  return !!bold && collapse(bold.textContent ?? '') === text;
}

function isSourceBlock(el: Element, text: string): boolean {
  const italic = el.matches('em, i') || !!el.querySelector(':scope > em, :scope > i');
  return italic || SOURCE_YEAR.test(text);
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

/** Sorts the direct children of .citation-content into author list, title and journal line. */
function readBlocks(content: Element): Blocks | undefined {
  const blocks: Blocks = { rest: [] };
  let structured = false;
  for (let c = content.firstChild; c; c = c.nextSibling) {
    // Loose text beside the children means one running citation (PNAS style), not separate blocks.
    if (c.nodeType === 3 && collapse(c.nodeValue ?? '')) return undefined;
    if (c.nodeType !== 1) continue;
    const el = c as Element;
    if (isExcluded(el) || el.tagName === 'REFLENS-TOOLS') continue;
    if ((el.tagName === 'UL' || el.tagName === 'OL') && !blocks.authors) {
      blocks.authors = [...el.querySelectorAll(':scope > li')].map((li) => cleanText(li)).filter(Boolean);
      structured = true;
      continue;
    }
    const text = cleanText(el);
    if (!text) continue;
    if (!blocks.title && !blocks.source && isBoldBlock(el, text)) {
      blocks.title = text;
      structured = true;
    } else if (!blocks.source && isSourceBlock(el, text)) {
      const italic = el.matches('em, i') ? el : el.querySelector(':scope > em, :scope > i');
      blocks.source = { line: text, italic: italic ? collapse(italic.textContent ?? '') : undefined };
      structured = true;
    } else if (!blocks.authors && !blocks.title && !blocks.source && splitAuthorLine(text)) {
      const split = splitAuthorLine(text);
      blocks.authors = split?.names;
      blocks.authorsTruncated = split?.truncated;
      structured = true;
    } else {
      blocks.rest.push(text);
    }
  }
  return structured ? blocks : undefined;
}

/** "RK" -> "R.K.", "S-B" -> "S.-B.", ["N", "I"] -> "N.I.". */
function formatInitials(tokens: string[]): string {
  return tokens
    .join('')
    .replace(/\./g, '')
    .replace(/\p{Lu}/gu, (ch) => `${ch}.`);
}

/** One printed name: "Murthy RK", "Kim S-B", "D'yachkova Y", "Khan SA.", "Angelo, K.", institutions as literal. */
export function parseAuthorName(raw: string): CslName | undefined {
  const text = collapse(raw);
  if (!text || ET_AL.test(text)) return undefined;
  const comma = text.indexOf(',');
  if (comma > 0) {
    const family = text.slice(0, comma).trim();
    const given = text.slice(comma + 1).trim();
    return given ? { family, given } : { family };
  }
  const s = text.replace(/\.$/, '');
  const tokens = s.split(' ');
  let i = tokens.length;
  while (i > 1 && INITIALS.test(tokens[i - 1] ?? '')) i--;
  const familyPart = tokens.slice(0, i).join(' ');
  if (INSTITUTION.test(familyPart)) return { literal: s };
  if (i < tokens.length) return { family: familyPart, given: formatInitials(tokens.slice(i)) };
  if (tokens.length === 1) return /^\p{Lu}{2,}$/u.test(s) ? { literal: s } : { family: s };
  return { literal: s };
}

function namesToCsl(names: string[], csl: Partial<CslItem>): void {
  const authors: CslName[] = [];
  for (const n of names) {
    if (ET_AL.test(collapse(n))) {
      csl._etAl = true;
      continue;
    }
    const name = parseAuthorName(n);
    if (name) authors.push(name);
  }
  if (authors.length) csl.author = authors;
}

function cleanTitle(raw: string): string {
  return raw
    .trim()
    .replace(SPACED_ABSTRACT, '')
    .replace(/\s*[†‡§*]+\.?$/u, '')
    .replace(/\s*\.$/, '')
    .trim();
}

/** "2020; 382: 597-609", "2017; 17 (e2): 601-610", "2019; : 1-10", "2020; 38 (LBA2-LBA2)", "2018; 2018". */
function applyVolumeLine(rest: string, csl: Partial<CslItem>): void {
  const m = /^([^\s:(;]+)?\s*(?:\(([^)]*)\))?\s*(?::\s*(\S[^;]*?))?\s*\.?$/.exec(rest.trim());
  if (!m) return;
  const [, volume, issue, page] = m;
  if (volume) csl.volume = volume;
  const sameEnds = issue ? /^(\S+?)\s*[-–]\s*(\S+)$/.exec(issue) : null;
  // "(LBA2-LBA2)" is an abstract number misfiled as issue: a range with equal ends is a single page.
  if (sameEnds && sameEnds[1] === sameEnds[2] && !page) csl.page = sameEnds[1];
  else if (issue) csl.issue = issue.trim();
  if (page) csl.page = page.replace(/–/g, '-');
}

/** The journal line: italic journal, year, volume, issue, pages. */
function applySource(source: { line: string; italic?: string }, csl: Partial<CslItem>): void {
  let container: string | undefined;
  let after = source.line;
  if (source.italic && source.line.startsWith(source.italic)) {
    container = source.italic;
    after = source.line.slice(source.italic.length);
  } else {
    const m = CONTAINER_THEN_YEAR.exec(source.line);
    if (m) {
      container = m[1];
      after = m[2] ?? '';
    }
  }
  const y = YEAR_THEN_VOLUME.exec(after);
  if (y?.[1]) {
    csl.issued = { 'date-parts': [[Number(y[1])]] };
    applyVolumeLine(y[2] ?? '', csl);
  }
  container = container?.trim().replace(/\.$/, '').replace(SCIENCE_80, '').trim();
  if (!container) return;
  // A scraped article title ended up as the journal (it carries the spaced-out "Abstract" debris).
  if (SPACED_ABSTRACT.test(`${container}.`) && !csl.title) csl.title = cleanTitle(container);
  else csl['container-title'] = container;
}

/** Best effort for free-text items ("1. Steenbruggen TG, …, et al. Title? 2019;178:597-605. doi:…"). */
function parseFreeText(text: string, csl: Partial<CslItem>): void {
  const t = text.replace(/^\s*\d{1,3}\.\s+/, '');
  const boundary = /(?:\bet\s+al\.|(?<=\s)(?:\p{Lu}\.?-?){1,4}\.)\s+(?=[\p{Lu}\p{N}"“'])/u.exec(t);
  let rest = t;
  if (boundary) {
    const head = t.slice(0, boundary.index + boundary[0].length).trim();
    const names = head.split(/\s*,\s*/).filter(Boolean);
    if (names.every((n) => ET_AL.test(n) || parseAuthorName(n)?.given || parseAuthorName(n)?.literal)) {
      namesToCsl(names, csl);
      rest = t.slice(boundary.index + boundary[0].length);
    }
  }
  const end = /[.?!](?=\s|$)/.exec(rest);
  const title = cleanTitle(end ? rest.slice(0, end.index + (end[0] === '.' ? 0 : 1)) : rest);
  if (title) csl.title = title;
  const tail = (end ? rest.slice(end.index + 1) : '')
    .replace(/\b(?:doi:\s*|https?:\/\/\S+)\S*/gi, ' ')
    .replace(/\b10\.\d{4,9}\/\S+/g, ' ');
  const vol = FREE_VOLUME.exec(tail);
  const year = vol?.[1] ?? FREE_YEAR.exec(tail)?.[1];
  if (year) csl.issued = { 'date-parts': [[Number(year)]] };
  if (vol) {
    if (vol[2]) csl.volume = vol[2];
    if (vol[3]) csl.issue = vol[3];
    if (vol[4]) csl.page = vol[4];
  }
}

const SCHOLAR_HOST = /^https?:\/\/scholar\.google\.[a-z.]+\//i;
const ARXIV_HINT = /48550|%3\d|[\t\n\r]/i;

function idsFromLinks(citation: Element): Identifiers {
  const strong: Identifiers[] = [];
  const weak: string[] = [];
  // In-page anchors (the back-link number) are left out by the query.
  for (const a of citation.querySelectorAll('a[href]:not([href^="#"])')) {
    const href = a.getAttribute('href') ?? '';
    if (!href) continue;
    if (a.closest('.label, .to-citation__wrapper, .to-citation__accordion, reflens-tools')) continue;
    // Resolver and PubMed buttons name the work directly; Scholar look-ups only echo what the page knew.
    if (/scholar\.google\./i.test(href)) weak.push(href);
    else strong.push(idsFromUrl(href));
  }
  const ids = mergeIds(...strong);
  // With a DOI and a PMID from the buttons, a Scholar look-up can add only an arXiv id (from an arXiv DOI, 10.48550/…,
  // possibly with escaped digits or the tabs and newlines the URL parser drops): any other is left unparsed, its long
  // query being the costliest link of an item to read.
  const adds = (href: string) => !ids.doi || !ids.pmid || !SCHOLAR_HOST.test(href) || (!ids.arxiv && ARXIV_HINT.test(href));
  return mergeIds(ids, ...weak.filter(adds).map(idsFromUrl));
}

function extract(item: Element): ExtractedReference {
  const citation = item.querySelector('.citation') ?? item;
  const content = citation.querySelector('.citation-content') ?? citation;
  const csl: Partial<CslItem> = { type: 'article-journal' };
  const blocks = readBlocks(content);
  let text: string;
  if (blocks) {
    const parts: string[] = [];
    if (blocks.authors?.length) {
      let line = blocks.authors.join(', ');
      if (blocks.authorsTruncated) line += ', et al.';
      parts.push(endSentence(line));
      namesToCsl(blocks.authors, csl);
      if (blocks.authorsTruncated) csl._etAl = true;
    }
    if (blocks.title) {
      parts.push(endSentence(blocks.title));
      const title = cleanTitle(blocks.title);
      if (title) csl.title = title;
    }
    if (blocks.source) {
      parts.push(blocks.source.line);
      applySource(blocks.source, csl);
    }
    parts.push(...blocks.rest);
    text = collapse(parts.join(' '));
  } else {
    text = cleanText(content);
    parseFreeText(text, csl);
  }
  const ids = mergeIds(idsFromLinks(citation), idsFromText(text));
  return { text, ids, csl };
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
  placeTools(item: Element, tools: HTMLElement): void {
    // After the publisher's own link buttons, inside the reference's block.
    placeToolsAfter(item, tools, '.external-links');
  },
};
