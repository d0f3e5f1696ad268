/**
 * Citation formatting with citation-js (background only: it is large and must never enter the content script).
 * CSL styles beyond citation-js's built-in APA/Vancouver are registered from the vendored XML in csl-styles/.
 */
import { Cite, plugins } from '@citation-js/core';
import '@citation-js/plugin-csl';
import '@citation-js/plugin-bibtex';
import '@citation-js/plugin-ris';
import type { CslItem, CslName } from '../../core/csl';
import { styleChoice, type LocaleId, type StyleChoice } from '../../core/citation-styles';
import ama from './csl-styles/american-medical-association.csl?raw';
import chicago from './csl-styles/chicago-author-date.csl?raw';
import mla from './csl-styles/modern-language-association.csl?raw';
import ieee from './csl-styles/ieee.csl?raw';
import nature from './csl-styles/nature.csl?raw';
import harvard from './csl-styles/harvard-cite-them-right.csl?raw';
import enGB from './csl-styles/locales-en-GB.xml?raw';

const VENDORED: Record<string, string> = {
  'american-medical-association': ama,
  'chicago-author-date': chicago,
  'modern-language-association': mla,
  ieee,
  nature,
  'harvard-cite-them-right': harvard,
};

let registered = false;
function registerTemplates(): void {
  if (registered) return;
  const templates = plugins.config.get('@csl').styles;
  for (const [id, xml] of Object.entries(VENDORED)) if (!templates.has(id)) templates.add(id, xml);
  const locales = plugins.config.get('@csl').locales;
  if (!locales.has('en-GB')) locales.add('en-GB', enGB);
  registered = true;
}

/** A CSL style the user added; its id carries a hash of the XML, so an edited file never meets a cached engine. */
export interface CustomStyle {
  id: string;
  label: string;
  xml: string;
}

export interface FormatOptions {
  /** 'auto' (or absent): the style's own default locale. */
  locale?: LocaleId;
  /** The user's added styles, registered with citation-js when first used. */
  custom?: readonly CustomStyle[];
}

/** Locales citation-js can use: its built-in en-US, de-DE, fr-FR (and others) plus the vendored en-GB. */
function hasLocale(id: string): boolean {
  return plugins.config.get('@csl').locales.has(id);
}

/** The chosen locale, else the style's own default locale (Harvard and Nature are British), else US English. */
function localeFor(xml: string | undefined, chosen: LocaleId | undefined): string {
  if (chosen && chosen !== 'auto' && hasLocale(chosen)) return chosen;
  const own = /default-locale="([A-Za-z-]+)"/.exec(xml ?? '')?.[1];
  return own && hasLocale(own) ? own : 'en-US';
}

/** Registers a user style (once) and answers its XML. */
function registerCustom(style: CustomStyle): string {
  const templates = plugins.config.get('@csl').styles;
  if (!templates.has(style.id)) templates.add(style.id, style.xml);
  return style.xml;
}

/** Marker author for lists the page truncated; removed again from the formatted output. */
const ET_AL = '\u2063et al.';

/** Turns our CSL item into plain CSL-JSON for citation-js: private fields dropped, "et al." made explicit. */
export function toCiteData(item: CslItem, kind: 'csl' | 'bibtex' | 'ris' | 'csl-json'): Record<string, unknown> {
  const { _etAl, ...rest } = item;
  const data: Record<string, unknown> = { ...rest };
  // CSL puts a preprint's server (arXiv, bioRxiv) in `publisher`; as a container title APA writes "In arXiv".
  if (item.type === 'article' && item['container-title'] && !item.publisher) {
    data.publisher = item['container-title'];
    delete data['container-title'];
  }
  if (_etAl && item.author?.length) {
    if (kind === 'csl') data.author = [...item.author, { literal: ET_AL } satisfies CslName];
    else if (kind === 'bibtex') data.author = [...item.author, { literal: 'others' } satisfies CslName];
  }
  return data;
}

/** Repairs what CSL styles do with the marker author: "A, B, & et al." → "A, B, et al.". */
function fixEtAl(s: string): string {
  return s.replace(/,?\s*(?:&amp;|&#38;|&|and)?,?\s*\u2063et al\./g, ', et al.').replace(/\u2063/g, '');
}

/** One copied reference carries no list number ("1.", "[1]"): that belongs to the user's own list. */
function dropListNumber(text: string, html: string): { text: string; html: string } {
  return {
    text: text.replace(/^\s*(?:\[\d+\]|\d+\.)\s+/, ''),
    html: html.replace(/<div class="csl-left-margin">[^<]*<\/div>/g, ''),
  };
}

export interface Formatted {
  text: string;
  html?: string;
  style: string;
  /** The style's name, for messages ("Copied APA 7th citation"). */
  label: string;
}

/** Resolves a style id against the built-in and the user's styles, registering what citation-js needs. */
function prepare(styleId: string | undefined, options: FormatOptions): { style: StyleChoice; lang: string } {
  registerTemplates();
  const custom = options.custom ?? [];
  const style = styleChoice(styleId, custom.map((c) => ({ id: c.id, label: c.label, kind: 'csl' as const, custom: true })));
  const own = custom.find((c) => c.id === style.id);
  const xml = own ? registerCustom(own) : VENDORED[style.id];
  return { style, lang: localeFor(xml, options.locale) };
}

/**
 * BibTeX from citation-js, repaired where it departs from BibTeX's own entry types and fields: "and others" for
 * truncated lists; preprints as @misc (@article needs a journal); a chapter with its own authors in an edited book
 * is @incollection, not @inbook; a proceedings publisher is `publisher`, not the sponsoring `organization`; `month`
 * is the month macro alone (citation-js appends the day).
 */
function bibtex(cite: Cite, data: Array<Record<string, unknown>>): string {
  const entries = String(cite.format('bibtex'))
    .trim()
    .replace(/ and \{others\}/g, ' and others')
    .replace(/\tmonth = \{([a-z]{3})(?: \d+)?\},/g, '\tmonth = $1,')
    .split(/\n(?=@)/);
  const FIX: Record<string, (e: string) => string> = {
    article: (e) => e.replace(/^@article\{/, '@misc{'),
    chapter: (e) => e.replace(/^@inbook\{/, '@incollection{'),
    'paper-conference': (e) => (/\tpublisher = /.test(e) ? e : e.replace(/\torganization = /, '\tpublisher = ')),
  };
  return entries.map((e, i) => FIX[String(data[i]?.type)]?.(e) ?? e).join('\n\n');
}

/**
 * RIS written from citation-js's tag objects: citation-js folds values at 70 characters, which importers read as
 * broken lines, and types preprints as journal articles (RIS has UNPB for unpublished work).
 */
function ris(cite: Cite, data: Array<Record<string, unknown>>): string {
  const records = cite.format('ris', { format: 'object' }) as Array<Record<string, unknown>>;
  return records
    .map((tags, i) => {
      const item = data[i] ?? {};
      if (item.type === 'article') {
        tags.TY = 'UNPB';
        if (!tags.PB && typeof item.publisher === 'string') tags.PB = item.publisher;
      }
      const lines = [`TY  - ${String(tags.TY)}`];
      for (const [tag, value] of Object.entries(tags)) {
        if (tag === 'TY') continue;
        for (const v of ([] as unknown[]).concat(value)) lines.push(`${tag}  - ${String(v).replace(/\s*\n\s*/g, ' ')}`);
      }
      lines.push('ER  - ');
      return lines.join('\n');
    })
    .join('\n\n');
}

function render(data: Array<Record<string, unknown>>, style: StyleChoice, lang: string): Omit<Formatted, 'style' | 'label'> {
  const cite = new Cite(data);
  switch (style.kind) {
    case 'bibtex':
      return { text: bibtex(cite, data) };
    case 'ris':
      return { text: ris(cite, data) };
    case 'csl-json':
      return { text: JSON.stringify(cite.format('data', { format: 'object' }), null, 2) };
    case 'csl': {
      const opts = { template: style.id, lang };
      return {
        text: fixEtAl(String(cite.format('bibliography', { ...opts, format: 'text' }))).trim(),
        html: fixEtAl(String(cite.format('bibliography', { ...opts, format: 'html' }))).trim(),
      };
    }
  }
}

export function formatCitation(item: CslItem, styleId?: string, options: FormatOptions = {}): Formatted {
  const { style, lang } = prepare(styleId, options);
  const out = render([toCiteData(item, style.kind)], style, lang);
  const id = { style: style.id, label: style.label };
  return style.kind === 'csl' ? { ...dropListNumber(out.text, out.html ?? ''), ...id } : { ...out, ...id };
}

/**
 * A whole reference list in one style. Numeric styles keep their numbers here (they are the list's own order);
 * items get distinct ids, as citation-js merges items that share one.
 */
export function formatList(items: readonly CslItem[], styleId?: string, options: FormatOptions = {}): Formatted & { count: number } {
  const { style, lang } = prepare(styleId, options);
  if (items.length === 0) return { text: style.kind === 'csl-json' ? '[]' : '', style: style.id, label: style.label, count: 0 };
  const seen = new Set<string>();
  const data = items.map((item, i) => {
    const d = toCiteData(item, style.kind);
    const id = typeof d.id === 'string' && d.id && !seen.has(d.id) ? d.id : `item-${i + 1}`;
    seen.add(id);
    return { ...d, id };
  });
  const out = render(data, style, lang);
  return { ...out, style: style.id, label: style.label, count: items.length };
}
