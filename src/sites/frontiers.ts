import type { CslItem, CslName } from '../core/csl';
import type { ExtractedReference } from '../core/reference';
import { collapse, textOf } from './dom';
import { referenceOrPlainText } from './shared/fallback';
import { idsFromLinksAndText } from './shared/link-ids';
import type { SiteAdapter } from './types';

/*
 * Frontiers (www.frontiersin.org), publisher-dom.md §7 [F 2014]: one div.References per reference, no list element:
 *   p.ReferencesCopy1 (a#Bn anchor + APA-like text: "Chadwick, M. J., …, and Maguire, E. A. (2010). Title. <i>Curr.
 *   Biol</i>. 20, 544–547.") + p.ReferencesCopy2 (links: "Pubmed Abstract" sites/entrez?…TermToSearch=<PMID>,
 *   "CrossRef Full Text" dx.doi.org/<DOI>). Current pages are documented by scrapers with the same classes and
 *   doi.org / pubmed.ncbi.nlm.nih.gov links plus a printed "doi: …" (not verified on a saved page); the readers below
 *   are link-agnostic so both forms work.
 */

const ITEM = 'div.References';
const COPIES = '[role="dialog"], [role="tooltip"], .tooltip, .popover';
const TEXT = 'p.ReferencesCopy1';

function findItems(doc: Document): Element[] {
  return [...doc.querySelectorAll(ITEM)].filter(
    (el) => !el.closest(COPIES) && !el.parentElement?.closest(ITEM) && !!el.querySelector(TEXT),
  );
}

const INITIAL_RUN = /^(?:\p{Lu}\.\s?-?\s?)+$/u;

/** "Chadwick, M. J., Hassabis, D., and Maguire, E. A." -> names; "… et al." sets the flag. */
export function parseFrontiersAuthors(raw: string): { names: CslName[]; etAl: boolean } {
  let t = collapse(raw).replace(/\.$/, '');
  let etAl = false;
  const trailingEtAl = /,?\s+et\s+al\.?$/i;
  if (trailingEtAl.test(t)) {
    etAl = true;
    t = t.replace(trailingEtAl, '');
  }
  const parts = t
    .split(/\s*,\s*(?:and\s+)?|\s+and\s+/)
    .map((p) => p.trim())
    .filter(Boolean);
  const names: CslName[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    const next = parts[i + 1];
    if (next && INITIAL_RUN.test(`${next}.`.replace(/\.\.$/, '.'))) {
      names.push({ family: part, given: next.endsWith('.') ? next : `${next}.` });
      i++;
    } else {
      names.push({ literal: part });
    }
  }
  return { names, etAl };
}

function cslOf(item: Element): Partial<CslItem> {
  const p = item.querySelector(TEXT);
  if (!p) return {};
  const full = textOf(p);
  const m = /^(.*?)\s*\((1[5-9]\d{2}|20\d{2})[a-z]?\)\.?\s*(.*)$/.exec(full);
  if (!m) return {};
  const csl: Partial<CslItem> = { issued: { 'date-parts': [[Number.parseInt(m[2] ?? '', 10)]] } };
  const { names, etAl } = parseFrontiersAuthors(m[1] ?? '');
  if (names.length) csl.author = names;
  if (etAl) csl._etAl = true;
  const rest = m[3] ?? '';
  const italic = p.querySelector('i, em');
  const italicText = italic ? collapse(italic.textContent ?? '') : '';
  const at = italicText ? rest.indexOf(italicText) : -1;
  const before = (at >= 0 ? rest.slice(0, at) : '').trim().replace(/[.\s]+$/, '');
  if (before) {
    // "Title. <i>Journal</i>. 20, 544–547."
    csl.title = before;
    csl.type = 'article-journal';
    csl['container-title'] = italicText.replace(/\.$/, '');
    const loc = /^\.?\s*(\d+[A-Za-z]?)(?:\s*\(([^)]+)\))?,\s*([A-Za-z]?\d+[A-Za-z]?(?:\s*[–-]\s*[A-Za-z]?\d+[A-Za-z]?)?)/.exec(
      rest.slice(at + italicText.length),
    );
    if (loc?.[1]) csl.volume = loc[1];
    if (loc?.[2]) csl.issue = loc[2];
    if (loc?.[3]) csl.page = loc[3].replace(/\s*[–-]\s*/, '-');
  } else if (at === 0) {
    // "<i>Book Title</i>. Place: Publisher."
    csl.title = italicText.replace(/\.$/, '');
    csl.type = 'book';
    const pub = /^\.?\s*(?:([^:]+):\s*)?([^.]+)\.?$/.exec(rest.slice(italicText.length).trim());
    if (pub?.[2]) csl.publisher = pub[2].trim();
    if (pub?.[1]) csl['publisher-place'] = pub[1].trim();
  }
  return csl;
}

function extract(item: Element): ExtractedReference {
  const p = item.querySelector(TEXT) ?? item;
  const text = textOf(p);
  return referenceOrPlainText(text, () => ({ ids: idsFromLinksAndText(item, text), csl: cslOf(item) }));
}

export const frontiers: SiteAdapter = {
  id: 'frontiers',
  name: 'Frontiers',
  hosts: ['www.frontiersin.org', 'journal.frontiersin.org'],
  matches(url: URL): boolean {
    return (
      (url.hostname === 'www.frontiersin.org' || url.hostname === 'journal.frontiersin.org') &&
      /\/articles?\/10\.\d{4,9}\//i.test(url.pathname)
    );
  },
  findItems,
  extract,
};
