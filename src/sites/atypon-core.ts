import type { CslItem, CslName } from '../core/csl';
import { idsFromText, idsFromUrl, mergeIds, normalizeDoi } from '../core/identifiers';
import type { ExtractedReference, Identifiers } from '../core/reference';
import { collapse, textOf } from './dom';
import { parseAuthorName } from '../core/printed';
import { parseScienceDirectName } from './sciencedirect';
import type { SiteAdapter } from './types';

/*
 * Atypon Literatum "core" template (2020+): PNAS, Science family, NEJM, SAGE, Annual Reviews, and the current
 * T&F / ACS pages (shared/docs/publisher-dom.md §0, §7, §8). The main list is
 * section#bibliography[role=doc-bibliography] (NEJM: section.core-reference-list, Lancet-like: section#references)
 * > div[role=list] > div[role=listitem] > div.citations#r1 > div.citation > (div.citation-content, div.external-links).
 * The side panel (#core-collateral-references > div[data-list=references]) repeats every item as #core-collateral-r1:
 * never read it. Items beyond the first few carry `hidden` (visual clamp); they are still list items.
 *
 * tandfonline.com and pubs.acs.org serve either this template or the classic one (atypon-classic.ts), so on those
 * hosts matches() also requires the core bibliography in the DOM.
 */

export const ATYPON_CORE_HOSTS = [
  'www.pnas.org',
  'www.science.org',
  'www.nejm.org',
  'journals.sagepub.com',
  'www.annualreviews.org',
  'www.tandfonline.com',
  'pubs.acs.org',
];

/** Hosts that also serve the classic template: the DOM decides (see atypon-classic.ts). */
export const ATYPON_SHARED_HOSTS = ['www.tandfonline.com', 'pubs.acs.org'];

const LIST_SECTIONS = [
  'section#bibliography[role="doc-bibliography"]',
  '[role="doc-bibliography"]#bibliography',
  'section.core-reference-list',
  'section#references',
].join(', ');
/** Copies of reference bodies outside the main list (side panel, inline pop-ups). */
const COPIES = '[data-list="references"], [id^="core-collateral-"], .dropBlock, .dropBlock__holder';
/** Inside an item: number, link buttons, "Go to reference" back-links. */
const NOT_TEXT = '.label, .external-links, .to-citation__wrapper, .to-citation__accordion, .to-citation';

/** True when the page carries an Atypon core bibliography (used to pick between core and classic on shared hosts). */
export function hasCoreBibliography(doc: Document): boolean {
  return [...doc.querySelectorAll(LIST_SECTIONS)].some((s) => !s.closest(COPIES));
}

function hostIn(url: URL, hosts: readonly string[]): boolean {
  const host = url.hostname.toLowerCase();
  return hosts.some((h) => host === h || host === h.replace(/^www\./, ''));
}

function findItems(doc: Document): Element[] {
  const out: Element[] = [];
  const seen = new Set<Element>();
  for (const section of doc.querySelectorAll(LIST_SECTIONS)) {
    if (section.closest(COPIES) || section.parentElement?.closest(LIST_SECTIONS)) continue;
    const found = [...section.querySelectorAll('[role="listitem"]')];
    const candidates = found.length ? found : [...section.querySelectorAll('.citations')];
    for (const el of candidates) {
      if (el.closest(COPIES) || el.querySelector(':scope > [id^="core-collateral-"]')) continue;
      const outer = el.parentElement?.closest('[role="listitem"], .citations');
      if ((outer && section.contains(outer)) || seen.has(el)) continue;
      seen.add(el);
      out.push(el);
    }
  }
  return out;
}

/** The key of an Atypon linkout inside a Crossref button is the reference's DOI whatever its dbid (Science uses 4). */
function crossrefButtonDoi(href: string): string | undefined {
  const fromUrl = idsFromUrl(href).doi;
  if (fromUrl && !/\/servlet\/linkout/i.test(href)) return fromUrl;
  try {
    const u = new URL(href, 'https://atypon.invalid/');
    if (/\/servlet\/linkout$/i.test(u.pathname)) {
      // "doi" names the citing article; only "key" (or Wiley's refDoi) names the reference.
      return normalizeDoi(u.searchParams.get('refDoi') ?? '') ?? normalizeDoi(u.searchParams.get('key') ?? '');
    }
  } catch {
    return undefined;
  }
  return fromUrl;
}

/** Identifiers from the publisher's buttons (strong) and the Scholar look-up (weak: it echoes the same data). */
export function coreLinkIds(citation: Element): Identifiers {
  const strong: Identifiers[] = [];
  const weak: Identifiers[] = [];
  for (const a of citation.querySelectorAll('a[href]')) {
    if (a.closest('.to-citation__wrapper, .to-citation__accordion, .label, reflens-tools')) continue;
    const href = a.getAttribute('href') ?? '';
    if (!href || href.startsWith('#')) continue;
    const wrapper = a.closest('[class*="core-xlink-"]');
    const kind = /core-xlink-([a-z-]+)/.exec(wrapper?.className ?? '')?.[1];
    if (kind === 'crossref') strong.push({ doi: crossrefButtonDoi(href) });
    else if (kind === 'pubmed' || kind === 'pmc' || kind === 'europepmc') strong.push(idsFromUrl(href));
    else if (kind === 'google-scholar') weak.push(idsFromUrl(href));
    else if (!kind && a.closest('.citation-content')) {
      // Links printed in the reference text (doi.org, PubMed); never linkouts, whose doi= is the citing article.
      if (!/\/servlet\/linkout/i.test(href)) strong.push(idsFromUrl(href));
    }
  }
  return mergeIds(...strong, ...weak);
}

// ---------------------------------------------------------------------------------------------------------------
// Reference text → CSL. Atypon core renders each journal's house style as one run of text with <em>/<i> journal and
// <b> volume. Three styles are recognised: Science/PNAS ("G. B. Bonan, Title. Science 320, 1444–1449 (2008)."),
// APA (SAGE: "Begley C. G., Ellis L. M. (2012). Title. Nature, 483(7391), 531–533.") and Vancouver
// (NEJM/AMA: "Murthy RK, Loi S, et al. Title. N Engl J Med 2020;382:597-609.").

const YEAR = String.raw`(?:1[5-9]|20)\d{2}`;
const ET_AL = /^(?:et\.?\s*al\.?|…|\.{3})$/i;
/** "G. B. Bonan", "H.- H. Huang", "M. Nara dos-Santos", "C. M. Souza Jr.", "S.P.f.t. Amazon", optional "et al.". */
const SCIENCE_NAME =
  /^(?:\p{L}\p{Ll}?\.(?:\s?-\s?)?\s?)+\s*[\p{L}'’][\p{L}'’.-]*(?:\s+[\p{L}'’][\p{L}'’.-]*){0,3}?(?:\s+et\s+al\.)?$/u;
/** Vancouver "Murthy RK", "Kim S-B", "Van Kampen RJW"; APA "Begley C. G.", "Munafò M. R.". */
const SURNAME_INITIALS = /^[\p{L}'’][\p{L}'’-]*(?:\s+[\p{L}'’][\p{L}'’-]*){0,3}\s+(?:\p{Lu}\.?\s?-?\s?){1,4}$/u;

export interface ParsedText {
  csl: Partial<CslItem>;
}

function setYear(csl: Partial<CslItem>, year: string | undefined): void {
  const y = year ? Number.parseInt(year, 10) : Number.NaN;
  if (Number.isFinite(y)) csl.issued = { 'date-parts': [[y]] };
}

function cleanTitle(s: string): string {
  let t = collapse(s).replace(/[.,;:]+$/, '').trim();
  // A chapter title quoted as a whole: “Land–climate interactions …”.
  const quoted = /^[“"](.*)[”"]$/u.exec(t);
  if (quoted?.[1] && !/[“”"]/u.test(quoted[1])) t = quoted[1].trim();
  return t.replace(/[.,;:]+$/, '');
}

function pagesOf(s: string | undefined): string | undefined {
  const t = s?.trim().replace(/[.,;]+$/, '');
  return t ? t.replace(/\s*[–—]\s*/g, '-') : undefined;
}

function pushName(names: CslName[], name: CslName | undefined): void {
  if (name && (name.family || name.literal)) names.push(name);
}

/** Science / PNAS: authors "Initials Family" comma-separated, then title, journal (italic), volume (bold), pages, (year). */
function parseScienceStyle(text: string, italic: string | undefined, bold: string | undefined): Partial<CslItem> | undefined {
  const yearMatch = new RegExp(String.raw`\((?:[^()]*?,\s*)?(${YEAR})[a-z]?\)(?:,\s*pp?\.\s*([\w–-]+))?\.?$`).exec(text);
  const italicAt = italic ? text.indexOf(italic) : -1;
  const head = italicAt >= 0 ? text.slice(0, italicAt) : yearMatch ? text.slice(0, yearMatch.index) : text;
  const parts = head.split(', ');
  // Without the closing "(year)" only a leading Science-style name makes this the right style.
  if (!yearMatch && !(parts.length > 1 && SCIENCE_NAME.test(parts[0]?.trim() ?? ''))) return undefined;
  const csl: Partial<CslItem> = { type: 'article-journal' };
  setYear(csl, yearMatch?.[1] ?? new RegExp(String.raw`\b(${YEAR})\b(?!.*\b${YEAR}\b)`).exec(text)?.[1]);
  const names: CslName[] = [];
  let consumed = 0;
  for (const part of parts) {
    if (consumed === parts.length - 1 && (italicAt < 0 || part.trim())) break;
    if (!SCIENCE_NAME.test(part.trim())) break;
    const etAl = /\s+et\s+al\.$/.exec(part);
    pushName(names, parseScienceDirectName(etAl ? part.slice(0, etAl.index) : part));
    consumed++;
    if (etAl) {
      csl._etAl = true;
      break;
    }
  }
  if (names.length) csl.author = names;
  let rest = parts.slice(consumed).join(', ').trim();
  const afterItalic = italic && italicAt >= 0 ? text.slice(italicAt + italic.length) : '';
  const parenthesised = /^\s*\(([^()]*)\)\.?$/.exec(afterItalic);
  if (italic && !rest && parenthesised) {
    // Book or report: authors, <em>Title</em> (Publisher, Place, 2018).
    csl.type = 'book';
    csl.title = cleanTitle(italic);
    const imprint = parenthesised[1]?.replace(new RegExp(String.raw`,?\s*${YEAR}[a-z]?$`), '').split(', ') ?? [];
    if (imprint[0] && imprint[0] !== parenthesised[1]) csl.publisher = imprint[0];
    if (imprint.length > 1) csl['publisher-place'] = imprint.slice(1).join(', ');
    return csl;
  }
  // Chapter: “Title” in <em>Book</em>.
  const chapter = /^(.*[”"])\s+in\s*$/u.exec(rest);
  if (chapter?.[1]) {
    rest = chapter[1];
    csl.type = 'chapter';
  }
  if (italicAt < 0) {
    if (yearMatch) {
      // Book or report without italics: "Title (Publisher, 2018)."
      const book = /^(.*?)\s*\(([^()]*)\)\.?$/.exec(text.slice(text.indexOf(rest)));
      if (book?.[1]) rest = book[1];
    } else {
      // Dataset or web page: the title ends at the first full stop.
      const end = /[.?!](?=\s|$)/.exec(rest);
      if (end) rest = rest.slice(0, end.index);
    }
  }
  const title = cleanTitle(rest);
  if (title) csl.title = title;
  if (italic && italicAt >= 0) {
    csl['container-title'] = italic.replace(/\.$/, '');
    const vol = /^\s*([^\s,]+)?,\s*([^\s(]+)\s*\(/.exec(afterItalic);
    if (bold && vol?.[1] === bold) csl.volume = bold;
    const page = pagesOf(vol?.[2]);
    if (page && csl.type !== 'chapter') csl.page = page;
  }
  const pp = pagesOf(yearMatch?.[2]);
  if (pp) csl.page = pp;
  return csl;
}

/** Splits "A B., C D., & E F." / "Murthy RK, Loi S, et al" into names. */
function surnameFirstNames(list: string, csl: Partial<CslItem>): void {
  const names: CslName[] = [];
  for (const raw of list.split(/\s*,\s*(?:&\s*|and\s+)?|\s+&\s+/)) {
    const part = raw.trim();
    if (!part) continue;
    if (ET_AL.test(part)) {
      csl._etAl = true;
      continue;
    }
    pushName(names, parseAuthorName(part));
  }
  if (names.length) csl.author = names;
}

/** APA (SAGE core): "Authors (2012). Title. Journal, 483(7391), 531–533." */
function parseApaStyle(text: string, italic: string | undefined): Partial<CslItem> | undefined {
  const m = new RegExp(String.raw`^(.+?)\s*\((${YEAR})[a-z]?(?:,[^)]*)?\)\.\s+(.*)$`).exec(text);
  if (!m?.[1] || !m[3]) return undefined;
  const names = m[1].replace(/\.$/, '.');
  if (!names.split(/\s*,\s*(?:&\s*)?/).every((p) => !p || SURNAME_INITIALS.test(p.trim()) || ET_AL.test(p.trim()))) {
    return undefined;
  }
  const csl: Partial<CslItem> = { type: 'article-journal' };
  surnameFirstNames(names, csl);
  setYear(csl, m[2]);
  const rest = m[3];
  const italicAt = italic ? rest.indexOf(italic) : -1;
  if (italic && italicAt === 0) {
    // Book: "Kuhn T. S. (1962). <em>The structure of scientific revolutions</em>. University of Chicago Press."
    csl.type = 'book';
    csl.title = cleanTitle(italic);
    const publisher = collapse(rest.slice(italic.length)).replace(/^[.,]\s*/, '').replace(/\.$/, '');
    if (publisher && !/\d{4}|doi|https?:/i.test(publisher)) csl.publisher = publisher;
    return csl;
  }
  const titleEnd = italicAt > 0 ? italicAt : (/[.?!](?=\s|$)/.exec(rest)?.index ?? rest.length) + 1;
  const title = cleanTitle(rest.slice(0, titleEnd));
  if (title) csl.title = title;
  if (italic && italicAt > 0) {
    csl['container-title'] = italic.replace(/[.,]$/, '');
    const src = /^,?\s*([^\s,(]+)?\s*(?:\(([^)]+)\))?,\s*([\w–-]+)/.exec(rest.slice(italicAt + italic.length));
    if (src?.[1]) csl.volume = src[1];
    if (src?.[2]) csl.issue = src[2];
    const page = pagesOf(src?.[3]);
    if (page) csl.page = page;
  }
  return csl;
}

/** Vancouver (NEJM, AMA): "Authors. Title. Journal 2020;382:597-609." */
function parseVancouverStyle(text: string): Partial<CslItem> | undefined {
  const boundary = /(?:\bet\s+al|(?<=\s)(?:\p{Lu}-?){1,4})\.\s+(?=[\p{Lu}\p{N}"“'])/u.exec(text);
  if (!boundary) return undefined;
  const head = text.slice(0, boundary.index + boundary[0].length - 1).trim().replace(/\.$/, '');
  const parts = head.split(/\s*,\s*/);
  if (!parts.every((p) => SURNAME_INITIALS.test(p) || ET_AL.test(p))) return undefined;
  const csl: Partial<CslItem> = { type: 'article-journal' };
  surnameFirstNames(head, csl);
  const rest = text.slice(boundary.index + boundary[0].length);
  const end = /[.?!](?=\s|$)/.exec(rest);
  const title = cleanTitle(end ? rest.slice(0, end.index + (end[0] === '.' ? 0 : 1)) : rest);
  if (title) csl.title = title;
  const tail = end ? rest.slice(end.index + 1) : '';
  const src = new RegExp(String.raw`^\s*(.*?)\.?\s+(${YEAR})[a-z]?(?:\s+\w{3}(?:\s+\d{1,2})?)?\s*;\s*([^\s:;(]+)?\s*(?:\(([^)]+)\))?\s*(?::\s*([\w–-]+))?`).exec(tail);
  if (src) {
    if (src[1]) csl['container-title'] = src[1];
    setYear(csl, src[2]);
    if (src[3]) csl.volume = src[3];
    if (src[4]) csl.issue = src[4];
    const page = pagesOf(src[5]);
    if (page) csl.page = page;
  } else {
    setYear(csl, new RegExp(String.raw`\b(${YEAR})\b`).exec(tail)?.[1]);
  }
  return csl;
}

/** Annual Reviews house style: "Begley CG, Ellis LM. 2012. Title. <em>Nature</em> 483(7391):531–33". */
function parseAnnualReviewsStyle(text: string, italic: string | undefined): Partial<CslItem> | undefined {
  const m = new RegExp(String.raw`^(.+?)\.\s+(${YEAR})[a-z]?\.\s+(.+)$`, 'u').exec(text);
  if (!m) return undefined;
  const head = m[1]!.trim();
  if (!head.split(/\s*,\s*/).every((p) => SURNAME_INITIALS.test(p) || ET_AL.test(p))) return undefined;
  const csl: Partial<CslItem> = { type: 'article-journal' };
  surnameFirstNames(head, csl);
  setYear(csl, m[2]);
  const rest = m[3]!;
  const at = italic ? rest.lastIndexOf(italic) : -1;
  let tail: string;
  if (italic && at > 0) {
    const title = cleanTitle(rest.slice(0, at));
    if (title) csl.title = title;
    csl['container-title'] = italic.replace(/\.$/, '');
    tail = rest.slice(at + italic.length);
  } else {
    const end = /[.?!](?=\s|$)/.exec(rest);
    const title = cleanTitle(end ? rest.slice(0, end.index + (end[0] === '.' ? 0 : 1)) : rest);
    if (title) csl.title = title;
    tail = end ? rest.slice(end.index + 1) : '';
  }
  const src = /^\s*,?\s*([\w-]+)(?:\s*\(([^)]+)\))?\s*:\s*([\w–-]+)/.exec(tail);
  if (src) {
    csl.volume = src[1]!;
    if (src[2]) csl.issue = src[2];
    const page = pagesOf(src[3]);
    if (page) csl.page = page;
  }
  return csl;
}

/** CSL from the text of one reference, with the italic (journal) and bold (volume) runs as hints. */
export function parseCoreCitation(text: string, italic?: string, bold?: string): Partial<CslItem> {
  const t = collapse(text)
    .replace(/\s*(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:\s*)10\.\d{4,9}\/\S+$/i, '')
    .trim();
  const csl =
    parseApaStyle(t, italic) ?? parseScienceStyle(t, italic, bold) ?? parseAnnualReviewsStyle(t, italic) ?? parseVancouverStyle(t);
  if (csl) return csl;
  const out: Partial<CslItem> = { type: 'article-journal' };
  const year = new RegExp(String.raw`\b(${YEAR})[a-z]?\b(?!.*\b${YEAR}\b)`).exec(t)?.[1];
  setYear(out, year);
  return out;
}

function extract(item: Element): ExtractedReference {
  const citation = item.querySelector('.citation') ?? item.querySelector('.citations') ?? item;
  const content = citation.querySelector('.citation-content') ?? citation;
  const text = textOf(content, NOT_TEXT);
  const italic = content.querySelector('em, i');
  const bold = content.querySelector('b, strong');
  const csl = parseCoreCitation(
    text,
    italic ? collapse(italic.textContent ?? '') || undefined : undefined,
    bold ? collapse(bold.textContent ?? '') || undefined : undefined,
  );
  const ids = mergeIds(coreLinkIds(citation), idsFromText(text));
  return { text, ids, csl };
}

export const atyponCore: SiteAdapter = {
  id: 'atypon-core',
  name: 'Atypon core (PNAS, Science, NEJM, SAGE, Annual Reviews, T&F, ACS)',
  hosts: [...ATYPON_CORE_HOSTS],
  matches(url: URL, doc: Document): boolean {
    if (!hostIn(url, ATYPON_CORE_HOSTS)) return false;
    // On hosts that also serve the classic template, only a core bibliography makes this the right adapter.
    return hostIn(url, ATYPON_SHARED_HOSTS) ? hasCoreBibliography(doc) : true;
  },
  findItems,
  extract(item: Element): ExtractedReference {
    try {
      return extract(item);
    } catch {
      const text = textOf(item, NOT_TEXT);
      return { text, ids: idsFromText(text), csl: { type: 'article-journal' } };
    }
  },
  placeTools(item: Element, tools: HTMLElement): void {
    const links = item.querySelector('.external-links');
    if (links?.parentElement) links.after(tools);
    else item.append(tools);
  },
};
