import type { CslItem, CslName } from '../core/csl';
import type { ExtractedReference } from '../core/reference';
import { collapse, textOf } from './dom';
import { referenceOrPlainText } from './shared/fallback';
import { idsFromLinksAndText } from './shared/link-ids';
import type { SiteAdapter } from './types';

/*
 * MDPI (www.mdpi.com), publisher-dom.md §7 [C] and scrapers' selectors: section#html-references_list (also
 * .html-references) > ol.html-xx > li.html-x#B1-<article>[data-content="1."]. Text is MDPI/ACS style:
 *   "Family, A.B.; Family, C. Title. <span.html-italic>J. Abbr.</span> <b>2020</b>, <span.html-italic>12</span>, 345–356."
 * followed by bracketed buttons "[Google Scholar] [CrossRef] [PubMed] [Green Version]" (a.google-scholar, a.cross-ref).
 * Not verified on a saved page: the fixture is reconstructed.
 */

const SCOPE = '#html-references_list, .html-references, section.html-references_list';
const ITEM = 'li';
const COPIES = '[role="dialog"], [role="tooltip"], .html-popup, .html-fn-popup, .reveal-modal';
/** Button labels MDPI prints in brackets after each reference. */
const BUTTON_LABEL = /^(?:google scholar|crossref|pubmed|pmc|pubmed central|green version|scopus|web of science|cas)$/i;

function findItems(doc: Document): Element[] {
  const out: Element[] = [];
  for (const scope of doc.querySelectorAll(SCOPE)) {
    if (scope.closest(COPIES) || scope.parentElement?.closest(SCOPE)) continue;
    for (const li of scope.querySelectorAll(ITEM)) {
      // Only list items of the reference list itself (not lists nested inside a reference).
      if (li.closest(COPIES) || li.parentElement?.closest('li') || out.includes(li)) continue;
      if (!li.matches('li.html-x, li.html-xx, li[id^="B"], ol > li')) continue;
      out.push(li);
    }
  }
  return out;
}

function isButton(a: Element): boolean {
  return a.matches('a.google-scholar, a.cross-ref, a.pub_med') || BUTTON_LABEL.test(collapse(a.textContent ?? ''));
}

/** The reference text without the "[Google Scholar] [CrossRef]" buttons and their brackets. */
function referenceText(item: Element): string {
  const copy = item.cloneNode(true) as Element;
  for (const a of copy.querySelectorAll('a')) if (isButton(a)) a.remove();
  return textOf(copy).replace(/(?:\s*\[\s*\])+/g, '').trim();
}

const GIVEN = String.raw`(?:\p{L}{1,2}\.\s?-?)+(?:,\s*(?:Jr|Sr|II|III)\.?)?`;
const AUTHOR = new RegExp(String.raw`^[^,;]+,\s*${GIVEN}$`, 'u');
const LAST_AUTHOR_AND_TITLE = new RegExp(String.raw`^([^,;]+,\s*${GIVEN})\s+(.+)$`, 'u');

/** "Sung, H.; Ferlay, J.; Siegel, R.L." -> names. */
export function parseMdpiAuthors(raw: string): { names: CslName[]; etAl: boolean } {
  const names: CslName[] = [];
  let etAl = false;
  for (const part of raw.split(/\s*;\s*/)) {
    const p = collapse(part);
    if (!p) continue;
    if (/^et\s*al\.?$/i.test(p)) {
      etAl = true;
      continue;
    }
    const m = /^(.+?),\s*(.+)$/.exec(p);
    names.push(m?.[1] && m[2] ? { family: m[1], given: m[2] } : { literal: p.replace(/\.$/, '') });
  }
  return { names, etAl };
}

/** Author list (to the last "Family, I." before the title), title, italic journal, bold year, volume, pages. */
function cslOf(item: Element, text: string): Partial<CslItem> {
  const csl: Partial<CslItem> = {};
  const year = collapse(item.querySelector('b')?.textContent ?? '');
  if (/^(?:1[5-9]|20)\d{2}$/.test(year)) csl.issued = { 'date-parts': [[Number.parseInt(year, 10)]] };
  const italics = [...item.querySelectorAll('.html-italic, i, em')].map((el) => collapse(el.textContent ?? ''));
  const journal = italics[0];
  const journalAt = journal ? text.indexOf(journal) : -1;
  const head = journalAt > 0 ? text.slice(0, journalAt).trim() : text;
  // Authors are "; "-separated "Family, I.J."; the first other segment starts with the last author (or "et al.")
  // and continues with the title, which may itself contain "; ".
  const segments = head.split(/;\s+/);
  let lead = 0;
  while (lead < segments.length - 1 && AUTHOR.test(segments[lead] ?? '')) lead++;
  const rest = segments.slice(lead).join('; ');
  const tail = /^(et al\.)\s+(.+)$/.exec(rest) ?? LAST_AUTHOR_AND_TITLE.exec(rest);
  if (tail?.[1] && tail[2]) {
    const { names, etAl } = parseMdpiAuthors([...segments.slice(0, lead), tail[1]].join('; '));
    if (names.length) csl.author = names;
    if (etAl) csl._etAl = true;
    csl.title = tail[2].replace(/\.\s*$/, '');
  }
  if (journal && journalAt > 0) {
    csl.type = 'article-journal';
    csl['container-title'] = journal;
    const after = text.slice(journalAt + journal.length);
    const loc = /^\s*(?:1[5-9]|20)\d{2},\s*(\d+[A-Za-z]?)(?:,\s*([A-Za-z]?\d+[A-Za-z]?(?:\s*[–-]\s*[A-Za-z]?\d+[A-Za-z]?)?))?/.exec(after);
    if (loc?.[1]) csl.volume = loc[1];
    if (loc?.[2]) csl.page = loc[2].replace(/\s*[–-]\s*/, '-');
    // "In Book Title; Editors, Eds.; Publisher: Place, Year; pp." — chapters put the book in italics after "In".
    if (/\bIn\s*$/.test(text.slice(0, journalAt))) {
      csl.type = 'chapter';
      if (csl.title) csl.title = csl.title.replace(/\.?\s*In$/, '');
    }
  }
  return csl;
}

function extract(item: Element): ExtractedReference {
  const text = referenceText(item);
  return referenceOrPlainText(text, () => ({ ids: idsFromLinksAndText(item, text), csl: cslOf(item, text) }));
}

export const mdpi: SiteAdapter = {
  id: 'mdpi',
  name: 'MDPI',
  hosts: ['www.mdpi.com'],
  matches(url: URL): boolean {
    // /<ISSN>/<volume>/<issue>/<article>[/htm]
    return url.hostname === 'www.mdpi.com' && /^\/\d{4}-\d{3}[\dX]\/\d+\/\d+\/\d+(?:\/htm)?\/?$/i.test(url.pathname);
  },
  findItems,
  extract,
};
