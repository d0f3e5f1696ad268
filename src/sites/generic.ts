import type { CslItem, CslName } from '../core/csl';
import { idsFromText, idsFromUrl, mergeIds, normalizeDoi, normalizePmid, normalizeTitle } from '../core/identifiers';
import type { ExtractedReference, Identifiers } from '../core/reference';
import { collapse, textOf } from './dom';
import type { SiteAdapter } from './types';

/*
 * Generic detector for any other page; runs only when the user clicks the toolbar button (activeTab), so hosts is [].
 * Four independent detectors, each counted only when it finds at least two items:
 *  (a) a heading "References"/"Bibliography"/… (English, German, French, Spanish, Portuguese, Chinese, Italian, Dutch),
 *      or a section labelled so, followed by an ol/ul (its li) or a div of entry blocks;
 *  (b) meta[name=citation_reference] records and (d) schema.org JSON-LD `citation` arrays: neither is visible, so each record
 *      is annotated on the visible block that prints its title (nothing when none does), and enriches that block's data;
 *  (c) COinS span.Z3988 (OpenURL KEV in the title attribute), each annotating its enclosing block.
 * Items of all detectors are merged in page order; an item inside another item is dropped.
 */

const HEADING_WORDS = [
  'references', 'reference list', 'reference', 'bibliography', 'literature cited', 'works cited', 'cited literature',
  'literature', 'sources', 'citations', 'notes and references', 'references and notes',
  'literatur', 'literaturverzeichnis', 'literaturangaben', 'quellen', 'quellenverzeichnis', 'quellen und literatur',
  'références', 'références bibliographiques', 'bibliographie',
  'referencias', 'referencias bibliográficas', 'bibliografía',
  'referências', 'referências bibliográficas', 'bibliografia',
  'riferimenti', 'riferimenti bibliografici',
  'literatuur', 'literatuurlijst', 'referenties', 'bronnen',
  '参考文献', '参考资料', '引用文献', '參考文獻',
];
const HEADING_SET = new Set(HEADING_WORDS);
const HEADINGS = 'h1, h2, h3, h4, [role="heading"], section[aria-label], [aria-label][role="region"]';
const BLOCKS = 'li, p, dd, div, td, blockquote';
const SKIP = 'script, style, template, noscript, head, nav, header, footer, reflens-tools';
/** Site chrome; an article's own <header> (section heading wrapper) is not chrome. */
const CHROME = 'script, style, template, noscript, nav, footer, body > header, [role="navigation"], [role="banner"], reflens-tools';
const MAX_ITEM_TEXT = 3000;

/** Heading text without numbering ("7.", "VII.", "A."), trailing colon or a Wikipedia "[edit]". */
export function headingKey(raw: string): string {
  return collapse(raw)
    .replace(/\[\s*(?:edit|bearbeiten|modifier|editar)[^\]]*\]$/i, '')
    .replace(/^(?:\d+(?:\.\d+)*\.?|[IVXLC]+\.|[A-Z]\.)\s+/, '')
    .replace(/\s*[:：]$/, '')
    .trim()
    .toLowerCase();
}

export function isReferenceHeading(raw: string): boolean {
  return HEADING_SET.has(headingKey(raw));
}

const headingLevel = (el: Element): number => {
  const m = /^H([1-6])$/.exec(el.tagName.toUpperCase());
  if (m?.[1]) return Number(m[1]);
  const aria = Number(el.getAttribute('aria-level'));
  return Number.isFinite(aria) && aria > 0 ? aria : 2;
};

const isHeadingEl = (el: Element): boolean => /^H[1-6]$/.test(el.tagName.toUpperCase()) || el.getAttribute('role') === 'heading';

/** Entries of one list-like element: li children of an ol/ul, or the entry blocks of a div. */
function entriesOf(list: Element): Element[] {
  const tag = list.tagName.toUpperCase();
  if (tag === 'OL' || tag === 'UL') return [...list.querySelectorAll(':scope > li')].filter((li) => collapse(li.textContent ?? ''));
  if (tag === 'DL') return [...list.querySelectorAll(':scope > dd')].filter((dd) => collapse(dd.textContent ?? ''));
  if (tag === 'DIV' || tag === 'SECTION') {
    const inner = list.querySelector(':scope > ol, :scope > ul');
    if (inner) return entriesOf(inner);
    const kids = [...list.children].filter((c) => /^(?:P|DIV|LI)$/.test(c.tagName.toUpperCase()) && collapse(c.textContent ?? ''));
    return kids.length >= 2 && kids.length === [...list.children].filter((c) => !isHeadingEl(c)).length ? kids : [];
  }
  return [];
}

/** The list that follows a reference heading, up to the next heading of the same or a higher level. */
function listAfterHeading(heading: Element): Element[] {
  if (!isHeadingEl(heading)) {
    // A labelled section: its first list.
    const list = heading.querySelector('ol, ul, dl');
    return list ? entriesOf(list) : entriesOf(heading);
  }
  const level = headingLevel(heading);
  let start: Element | null = heading;
  // <header><h2>References</h2></header><ol>…: climb while the heading is its container's only content.
  while (start && !start.nextElementSibling && start.parentElement && start.parentElement.children.length === 1) start = start.parentElement;
  for (let el = start?.nextElementSibling ?? null; el; el = el.nextElementSibling) {
    if (isHeadingEl(el) && headingLevel(el) <= level) break;
    if (el.matches(CHROME)) continue;
    const entries = entriesOf(el);
    if (entries.length) return entries;
    const nested = el.querySelector('ol, ul');
    if (nested && !el.querySelector('h1, h2, h3, h4, [role="heading"]')) {
      const inner = entriesOf(nested);
      if (inner.length) return inner;
    }
  }
  return [];
}

function headingItems(doc: Document): Element[] {
  const out: Element[] = [];
  for (const h of doc.querySelectorAll(HEADINGS)) {
    if (h.closest(CHROME)) continue;
    const label = h.matches('section[aria-label], [aria-label][role="region"]') ? (h.getAttribute('aria-label') ?? '') : (h.textContent ?? '');
    if (!isReferenceHeading(label)) continue;
    out.push(...listAfterHeading(h));
  }
  return out;
}

// ---------- COinS ----------

/** CSL and identifiers from a COinS OpenURL KEV string (span.Z3988 title). */
export function parseCoins(kev: string): { csl: Partial<CslItem>; ids: Identifiers } {
  const p = new URLSearchParams(kev.replace(/&amp;/g, '&'));
  const get = (k: string) => collapse(p.get(k) ?? '') || undefined;
  const csl: Partial<CslItem> = {};
  const genre = (get('rft.genre') ?? '').toLowerCase();
  const fmt = (get('rft_val_fmt') ?? '').toLowerCase();
  const atitle = get('rft.atitle');
  const btitle = get('rft.btitle');
  const container = get('rft.jtitle') ?? get('rft.title') ?? (atitle ? btitle : undefined);
  csl.title = atitle ?? btitle ?? get('rft.title');
  if (atitle && container) csl['container-title'] = container;
  if (csl.title === container) delete csl['container-title'];
  csl.type = fmt.includes(':book') || genre === 'book' ? (atitle || genre === 'bookitem' ? 'chapter' : 'book') : 'article-journal';
  const authors: CslName[] = [];
  const last = get('rft.aulast');
  if (last) {
    const first = get('rft.aufirst') ?? get('rft.auinit');
    authors.push(first ? { family: last, given: first } : { family: last });
  }
  for (const au of p.getAll('rft.au')) {
    const name = parsePersonName(au);
    if (!name) continue;
    if (authors[0]?.family && name.family === authors[0].family && authors.length === 1 && last) continue;
    authors.push(name);
  }
  const corp = get('rft.aucorp');
  if (corp) authors.push({ literal: corp });
  if (authors.length) csl.author = authors;
  const year = /\b(1[5-9]\d\d|20\d\d)\b/.exec(get('rft.date') ?? '')?.[1];
  if (year) csl.issued = { 'date-parts': [[Number(year)]] };
  if (get('rft.volume')) csl.volume = get('rft.volume');
  if (get('rft.issue')) csl.issue = get('rft.issue');
  const spage = get('rft.spage');
  const epage = get('rft.epage');
  if (get('rft.pages')) csl.page = get('rft.pages')?.replace(/\s*[–—]\s*/g, '-');
  else if (spage) csl.page = epage ? `${spage}-${epage}` : spage;
  if (get('rft.pub')) csl.publisher = get('rft.pub');
  if (get('rft.place')) csl['publisher-place'] = get('rft.place');
  const ids: Identifiers[] = [];
  for (const id of [...p.getAll('rft_id'), ...p.getAll('rft.doi').map((d) => `info:doi/${d}`)]) {
    if (/^info:doi\//i.test(id)) ids.push({ doi: normalizeDoi(id.slice(9)) });
    else if (/^info:pmid\//i.test(id)) ids.push({ pmid: normalizePmid(id.slice(10)) });
    else if (/^https?:/i.test(id)) ids.push(idsFromUrl(id));
  }
  return { csl: compactCsl(csl), ids: mergeIds(...ids) };
}

/** "Family, Given", "Given Family", or one word. */
export function parsePersonName(raw: string): CslName | undefined {
  const s = collapse(raw);
  if (!s) return undefined;
  const comma = s.indexOf(',');
  if (comma > 0) {
    const family = s.slice(0, comma).trim();
    const given = s.slice(comma + 1).trim();
    return given ? { family, given } : { family };
  }
  const parts = s.split(' ');
  if (parts.length === 1) return { family: s };
  const family = parts.pop() ?? '';
  return { family, given: parts.join(' ') };
}

function compactCsl(csl: Partial<CslItem>): Partial<CslItem> {
  const out: Partial<CslItem> = {};
  for (const [k, v] of Object.entries(csl)) if (v !== undefined && v !== '') (out as Record<string, unknown>)[k] = v;
  return out;
}

function coinsSpans(root: ParentNode): Element[] {
  return [...root.querySelectorAll('span.Z3988[title]')].filter((s) => !s.closest(SKIP));
}

/** The block a COinS span annotates: its nearest block ancestor, unless that block holds other COinS spans too. */
function coinsBlock(span: Element): Element {
  const block = span.parentElement?.closest(BLOCKS);
  if (block && coinsSpans(block).length === 1 && collapse(block.textContent ?? '').length <= MAX_ITEM_TEXT) return block;
  return span;
}

// ---------- citation_reference metas and JSON-LD ----------

interface StructuredRecord {
  csl: Partial<CslItem>;
  ids: Identifiers;
}

/** One `citation_reference` content string ("citation_title=…; citation_author=…; …"). */
export function parseCitationReference(content: string): StructuredRecord {
  const csl: Partial<CslItem> = { type: 'article-journal' };
  const authors: CslName[] = [];
  const ids: Identifiers = {};
  let first: string | undefined;
  let lastPage: string | undefined;
  for (const part of content.split(/;\s*(?=citation_)/)) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    const value = collapse(part.slice(eq + 1)).replace(/;$/, '');
    if (!value) continue;
    if (key === 'citation_title') csl.title = value;
    else if (key === 'citation_author') for (const a of value.split(/\s*;\s*/)) { const n = parsePersonName(a); if (n) authors.push(n); }
    else if (key === 'citation_journal_title' || key === 'citation_conference_title' || key === 'citation_inbook_title') csl['container-title'] = value;
    else if (key === 'citation_publication_date' || key === 'citation_date' || key === 'citation_year') {
      const y = /\b(1[5-9]\d\d|20\d\d)\b/.exec(value)?.[1];
      if (y) csl.issued = { 'date-parts': [[Number(y)]] };
    } else if (key === 'citation_volume') csl.volume = value;
    else if (key === 'citation_issue') csl.issue = value;
    else if (key === 'citation_firstpage' || key === 'citation_first_page') first = value;
    else if (key === 'citation_lastpage' || key === 'citation_last_page') lastPage = value;
    else if (key === 'citation_pages') csl.page = value.replace(/\s*[–—-]\s*/, '-');
    else if (key === 'citation_publisher') csl.publisher = value;
    else if (key === 'citation_doi') ids.doi = normalizeDoi(value);
    else if (key === 'citation_pmid') ids.pmid = normalizePmid(value);
  }
  if (first && !csl.page) csl.page = lastPage && lastPage !== first ? `${first}-${lastPage}` : first;
  if (authors.length) csl.author = authors;
  return { csl: compactCsl(csl), ids: mergeIds(ids) };
}

type Json = Record<string, unknown>;
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const str = (v: unknown): string | undefined => (typeof v === 'string' || typeof v === 'number' ? collapse(String(v)) || undefined : undefined);

function jsonLdName(v: unknown): CslName | undefined {
  if (typeof v === 'string') return parsePersonName(v);
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Json;
  const family = str(o.familyName);
  if (family) return str(o.givenName) ? { family, given: str(o.givenName) } : { family };
  const name = str(o.name);
  if (!name) return undefined;
  return o['@type'] === 'Organization' ? { literal: name } : parsePersonName(name);
}

/** A schema.org CreativeWork cited by the page. */
export function parseJsonLdCitation(o: Json): StructuredRecord | undefined {
  const title = str(o.name) ?? str(o.headline);
  if (!title) return undefined;
  const types = asArray(o['@type']).map(String);
  const csl: Partial<CslItem> = {
    title,
    type: types.some((t) => /^Book$/.test(t)) ? 'book' : types.some((t) => /Chapter/.test(t)) ? 'chapter' : 'article-journal',
  };
  const authors = asArray(o.author ?? o.creator).map(jsonLdName).filter((n): n is CslName => !!n);
  if (authors.length) csl.author = authors;
  const year = /\b(1[5-9]\d\d|20\d\d)\b/.exec(str(o.datePublished) ?? str(o.dateCreated) ?? '')?.[1];
  if (year) csl.issued = { 'date-parts': [[Number(year)]] };
  // isPartOf chains: PublicationIssue → PublicationVolume → Periodical.
  let part: unknown = o.isPartOf;
  for (let depth = 0; part && typeof part === 'object' && depth < 4; depth++) {
    const p = part as Json;
    const ptypes = asArray(p['@type']).map(String);
    if (ptypes.includes('PublicationIssue') && str(p.issueNumber)) csl.issue = str(p.issueNumber);
    if (ptypes.includes('PublicationVolume') && str(p.volumeNumber)) csl.volume = str(p.volumeNumber);
    if (ptypes.some((t) => /Periodical|Book|Series/.test(t)) && str(p.name)) csl['container-title'] = str(p.name);
    part = p.isPartOf;
  }
  if (str(o.pagination)) csl.page = str(o.pagination)?.replace(/\s*[–—]\s*/, '-');
  else if (str(o.pageStart)) csl.page = str(o.pageEnd) ? `${str(o.pageStart)}-${str(o.pageEnd)}` : str(o.pageStart);
  const publisher = o.publisher && typeof o.publisher === 'object' ? str((o.publisher as Json).name) : str(o.publisher);
  if (publisher) csl.publisher = publisher;
  const ids: Identifiers[] = [];
  for (const v of [o['@id'], o.url, ...asArray(o.sameAs), ...asArray(o.identifier)]) {
    if (typeof v === 'string') ids.push(/^https?:/i.test(v) ? idsFromUrl(v) : { doi: normalizeDoi(v) });
    else if (v && typeof v === 'object') {
      const pv = v as Json;
      const name = (str(pv.propertyID) ?? '').toLowerCase();
      const value = str(pv.value);
      if (value && name === 'doi') ids.push({ doi: normalizeDoi(value) });
      else if (value && (name === 'pmid' || name === 'pubmed')) ids.push({ pmid: normalizePmid(value) });
    }
  }
  return { csl: compactCsl(csl), ids: mergeIds(...ids) };
}

function jsonLdCitations(doc: Document): StructuredRecord[] {
  const out: StructuredRecord[] = [];
  const visit = (node: unknown, depth: number): void => {
    if (depth > 6 || !node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) visit(n, depth + 1);
      return;
    }
    const o = node as Json;
    for (const c of asArray(o.citation)) {
      const rec = c && typeof c === 'object' ? parseJsonLdCitation(c as Json) : undefined;
      if (rec) out.push(rec);
    }
    if (o['@graph']) visit(o['@graph'], depth + 1);
    if (o.mainEntity) visit(o.mainEntity, depth + 1);
  };
  for (const s of doc.querySelectorAll('script[type="application/ld+json"]')) {
    try {
      visit(JSON.parse(s.textContent ?? ''), 0);
    } catch {
      // Broken JSON-LD is common; skip that block.
    }
  }
  return out;
}

function structuredRecords(doc: Document): StructuredRecord[] {
  const metas = [...doc.querySelectorAll('meta[name="citation_reference"][content]')].map((m) =>
    parseCitationReference(m.getAttribute('content') ?? ''),
  );
  return [...metas, ...jsonLdCitations(doc)].filter((r) => r.csl.title && normalizeTitle(r.csl.title).length >= 12);
}

/** Visible blocks short enough to be one reference, with their normalised text (computed once per scan). */
function candidateBlocks(doc: Document): Array<{ el: Element; key: string }> {
  const out: Array<{ el: Element; key: string }> = [];
  for (const el of doc.body?.querySelectorAll(BLOCKS) ?? []) {
    if (el.closest(SKIP) || el.closest('h1, h2, h3, h4, h5, h6')) continue;
    const text = el.textContent ?? '';
    if (text.length > MAX_ITEM_TEXT * 4 || collapse(text).length > MAX_ITEM_TEXT) continue;
    out.push({ el, key: normalizeTitle(text) });
  }
  return out;
}

/** The deepest block (in document order, first match region) whose text prints the title. */
function blockPrinting(candidates: Array<{ el: Element; key: string }>, title: string): Element | undefined {
  const key = normalizeTitle(title);
  let found: Element | undefined;
  for (const c of candidates) {
    if (!c.key.includes(key)) continue;
    // Keep descending: a later match inside this one is deeper.
    if (!found || found.contains(c.el)) found = c.el;
    else break;
  }
  return found;
}

function structuredItems(doc: Document): Element[] {
  const records = structuredRecords(doc);
  if (records.length < 2) return [];
  const candidates = candidateBlocks(doc);
  const out: Element[] = [];
  for (const rec of records) {
    const el = rec.csl.title ? blockPrinting(candidates, rec.csl.title) : undefined;
    if (el && !out.includes(el)) out.push(el);
  }
  return out;
}

/** The structured record whose title the item prints, if any. */
function recordFor(item: Element): StructuredRecord | undefined {
  const doc = item.ownerDocument;
  const text = normalizeTitle(item.textContent ?? '');
  return structuredRecords(doc).find((r) => r.csl.title && text.includes(normalizeTitle(r.csl.title)));
}

// ---------- assembly ----------

function detectorResults(doc: Document): Element[][] {
  const coins = [...new Set(coinsSpans(doc).map(coinsBlock))];
  return [headingItems(doc), coins, structuredItems(doc)];
}

function findItems(doc: Document): Element[] {
  const all = new Set<Element>();
  for (const found of detectorResults(doc)) if (found.length >= 2) for (const el of found) all.add(el);
  const items = [...all];
  const kept = items.filter((el) => !items.some((other) => other !== el && other.contains(el)));
  return kept.sort((a, b) => (a.compareDocumentPosition(b) & 4 ? -1 : 1));
}

const LEADING_MARK = /^(?:\[\d{1,4}\]|\d{1,4}[.)]|↑|\^)(?:\s+[a-z](?=\s))*\s+/;

function linkIds(item: Element): Identifiers {
  const strong: Identifiers[] = [];
  const weak: Identifiers[] = [];
  for (const a of item.querySelectorAll('a[href]')) {
    if (a.closest('reflens-tools')) continue;
    const href = (a as HTMLAnchorElement).href || a.getAttribute('href') || '';
    (/scholar\.google\.|\/openurl|sfx|worldcat/i.test(href) ? weak : strong).push(idsFromUrl(href));
  }
  return mergeIds(...strong, ...weak);
}

function extract(item: Element): ExtractedReference {
  const text = textOf(item, 'reflens-tools, script, style, span.Z3988, .mw-cite-backlink').replace(LEADING_MARK, '');
  const coins = coinsSpans(item).length === 1 ? parseCoins(coinsSpans(item)[0]?.getAttribute('title') ?? '') : undefined;
  const spanCoins = item.matches('span.Z3988[title]') ? parseCoins(item.getAttribute('title') ?? '') : undefined;
  const kev = coins ?? spanCoins;
  const rec = recordFor(item);
  const ids = mergeIds(linkIds(item), idsFromText(text), kev?.ids ?? {}, rec?.ids ?? {});
  const csl = kev?.csl ?? rec?.csl ?? {};
  return { text: text || collapse(csl.title ?? ''), ids, csl };
}

export const generic: SiteAdapter = {
  id: 'generic',
  name: 'Any page (reference heading, COinS, citation metadata)',
  hosts: [],
  matches(_url: URL, doc: Document): boolean {
    return detectorResults(doc).some((found) => found.length >= 2);
  },
  findItems,
  extract(item: Element): ExtractedReference {
    try {
      return extract(item);
    } catch {
      const text = textOf(item, 'reflens-tools');
      return { text, ids: idsFromText(text), csl: {} };
    }
  },
  placeTools(item: Element, tools: HTMLElement): void {
    if (item.matches('span.Z3988')) item.after(tools);
    else item.append(tools);
  },
};
