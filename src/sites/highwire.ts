import type { CslItem, CslName } from '../core/csl';
import { idsFromText, idsFromUrl, mergeIds, normalizeDoi, normalizePmcid, normalizePmid } from '../core/identifiers';
import type { ExtractedReference, Identifiers } from '../core/reference';
import { collapse, textOf } from './dom';
import { extractOrPlainText } from './shared/fallback';
import { hostListed } from './shared/host-match';
import { placeToolsAfter } from './shared/place-tools';
import type { SiteAdapter } from './types';

/*
 * HighWire (shared/docs/publisher-dom.md §0, §7, §10): legacy SAGE (pps.sagepub.com, 2014), BMJ, bioRxiv/medRxiv.
 * div.ref-list > ol.cit-list > li > (a.rev-xref-ref back-link, div.cit.ref-cit[data-doi] > div.cit-metadata
 * (ol.cit-auth-list, cite with cit-* field spans) + div.cit-extra (buttons)). Buttons are /external-ref or
 * /lookup/external-ref?access_num=<id>&link_type=DOI|MED; their atom= parameter names the citing article.
 * BMJ prints "doi:… pmid:…" as cit-pub-id spans.
 */

export const HIGHWIRE_HOSTS = ['pps.sagepub.com', 'pss.sagepub.com', 'www.bmj.com', 'www.biorxiv.org', 'www.medrxiv.org'];

/** Parts of an item that are not the reference: back-link, label, buttons. */
// ol.duplicate repeats the editors of a chapter for HighWire's own use.
const NOT_TEXT = '.rev-xref-ref, .ref-label, .cit-extra, .cit-ref-sprinkles, .duplicate';
/** Hover and pop-up copies of references. */
const COPIES = '[role="dialog"], .tooltip, .hw-ref-popup, .ref-popup, .qtip';

function findItems(doc: Document): Element[] {
  const out: Element[] = [];
  const seen = new Set<Element>();
  const add = (el: Element): void => {
    if (!seen.has(el)) {
      seen.add(el);
      out.push(el);
    }
  };
  // One query keeps page order: list items of a citation list, and (BMJ) items that only hold a div.ref-cit.
  for (const el of doc.querySelectorAll('ol.cit-list > li, div.ref-cit')) {
    if (el.closest(COPIES)) continue;
    if (el.tagName === 'LI') {
      if (el.parentElement?.closest('ol.cit-list li')) continue;
      add(el);
      continue;
    }
    if (el.parentElement?.closest('div.ref-cit')) continue;
    const li = el.parentElement?.tagName === 'LI' ? el.parentElement : undefined;
    add(li ?? el);
  }
  return out;
}

function fieldText(root: Element, selector: string): string | undefined {
  const el = root.querySelector(selector);
  const t = el ? collapse(el.textContent ?? '') : '';
  return t || undefined;
}

function buttonIds(item: Element): Identifiers {
  const strong: Identifiers[] = [];
  const weak: Identifiers[] = [];
  for (const a of item.querySelectorAll('a[href]')) {
    if (a.closest('.rev-xref-ref, reflens-tools')) continue;
    const href = a.getAttribute('href') ?? '';
    if (!href || href.startsWith('#')) continue;
    (/google-scholar|scholar\.google\./i.test(href) ? weak : strong).push(idsFromUrl(href));
  }
  return mergeIds(...strong, ...weak);
}

function pubIds(item: Element): Identifiers {
  const cit = item.matches('.ref-cit') ? item : item.querySelector('.ref-cit');
  const doiText = fieldText(item, '.cit-pub-id-doi');
  const pmidText = fieldText(item, '.cit-pub-id-pmid');
  const pmcText = fieldText(item, '.cit-pub-id-pmcid');
  return {
    // A DOI never contains spaces; the 2014 SAGE page prints some split ("10.1177/ 0956797611430953").
    doi: normalizeDoi(cit?.getAttribute('data-doi') ?? '') ?? (doiText ? normalizeDoi(doiText.replace(/\s+/g, '')) : undefined),
    pmid: pmidText ? normalizePmid(pmidText) : undefined,
    pmcid: pmcText ? normalizePmcid(pmcText) : undefined,
  };
}

/** "Begley" + "C. G." / BMJ "Guan" + "WJ" (given as printed). */
function authors(item: Element): CslName[] {
  const out: CslName[] = [];
  for (const auth of item.querySelectorAll('.cit-auth, .cit-collab')) {
    if (auth.closest('.duplicate')) continue;
    if (auth.matches('.cit-collab')) {
      const lit = collapse(auth.textContent ?? '');
      if (lit) out.push({ literal: lit });
      continue;
    }
    const family = fieldText(auth, '.cit-name-surname');
    const given = fieldText(auth, '.cit-name-given-names');
    if (family) out.push(given ? { family, given } : { family });
    else {
      const lit = collapse(auth.textContent ?? '').replace(/,$/, '');
      if (lit) out.push({ literal: lit });
    }
  }
  return out;
}

function cslOf(item: Element, text: string): Partial<CslItem> {
  const cit = item.matches('.ref-cit') ? item : (item.querySelector('.ref-cit') ?? item);
  const kind = /\bref-(journal|book|web|other|confproc|thesis|report)\b/.exec(cit.className)?.[1];
  const csl: Partial<CslItem> = {
    type:
      kind === 'book' ? 'book' : kind === 'web' ? 'webpage' : kind === 'confproc' ? 'paper-conference' : kind === 'thesis' ? 'thesis' : kind === 'report' ? 'report' : 'article-journal',
  };
  const names = authors(cit);
  if (names.length) csl.author = names;
  if (cit.querySelector('.cit-etal') || /\bet al\b/.test(fieldText(cit, '.cit-auth-list') ?? '')) csl._etAl = true;
  const title = fieldText(cit, '.cit-article-title') ?? (kind !== 'journal' ? fieldText(cit, '.cit-source') : undefined);
  // A trailing period is punctuation unless it ends an ellipsis ("again . . .").
  if (title) csl.title = /(?:\.\s?){3}$/.test(title) ? title : title.replace(/[.,]$/, '');
  const chapterOf = kind === 'book' && cit.querySelector('.cit-article-title') ? fieldText(cit, '.cit-source') : undefined;
  if (chapterOf) {
    csl.type = 'chapter';
    csl['container-title'] = chapterOf;
    const editors: CslName[] = [];
    for (const ed of cit.querySelectorAll('.cit-ed')) {
      if (ed.closest('.duplicate')) continue;
      const family = fieldText(ed, '.cit-name-surname');
      const given = fieldText(ed, '.cit-name-given-names');
      if (family) editors.push(given ? { family, given } : { family });
    }
    if (editors.length) csl.editor = editors;
  }
  const container = fieldText(cit, '.cit-jnl-abbrev, .cit-jnl-title') ?? (kind === 'journal' ? fieldText(cit, '.cit-source') : undefined);
  if (container) csl['container-title'] = container;
  const year = /\d{4}/.exec(fieldText(cit, '.cit-pub-date') ?? '')?.[0] ?? /\b((?:1[5-9]|20)\d{2})\b/.exec(text)?.[1];
  if (year) csl.issued = { 'date-parts': [[Number(year)]] };
  const volume = fieldText(cit, '.cit-vol');
  if (volume) csl.volume = volume;
  const issue = fieldText(cit, '.cit-issue');
  if (issue) csl.issue = issue;
  const first = fieldText(cit, '.cit-fpage');
  const last = fieldText(cit, '.cit-lpage');
  if (first) csl.page = last ? `${first}-${last}` : first;
  const publisher = fieldText(cit, '.cit-publ-name');
  if (publisher) csl.publisher = publisher;
  const place = fieldText(cit, '.cit-publ-loc');
  if (place) csl['publisher-place'] = place;
  return csl;
}

function extract(item: Element): ExtractedReference {
  const text = textOf(item, NOT_TEXT).replace(/\s+([,.;])/g, '$1');
  const ids = mergeIds(pubIds(item), buttonIds(item), idsFromText(text));
  return { text, ids, csl: cslOf(item, text) };
}

export const highwire: SiteAdapter = {
  id: 'highwire',
  name: 'HighWire (BMJ, bioRxiv, medRxiv, legacy SAGE)',
  hosts: [...HIGHWIRE_HOSTS],
  matches(url: URL): boolean {
    return hostListed(url, HIGHWIRE_HOSTS);
  },
  findItems,
  extract: extractOrPlainText(extract, (item) => textOf(item, NOT_TEXT), { type: 'article-journal' }),
  placeTools(item: Element, tools: HTMLElement): void {
    placeToolsAfter(item, tools, '.cit-extra');
  },
};
