/**
 * Citation formatting with citation-js (background only: it is large and must never enter the content script).
 * CSL styles beyond citation-js's built-in APA/Vancouver are registered from the vendored XML in csl-styles/.
 */
import { Cite, plugins } from '@citation-js/core';
import '@citation-js/plugin-csl';
import '@citation-js/plugin-bibtex';
import '@citation-js/plugin-ris';
import type { CslItem, CslName } from '../../core/csl';
import { styleChoice } from '../../core/citation-styles';
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

/** A style's own default locale (Harvard and Nature are British), else US English. */
function styleLocale(id: string): string {
  return /default-locale="([A-Za-z-]+)"/.exec(VENDORED[id] ?? '')?.[1] ?? 'en-US';
}

/** Marker author for lists the page truncated; removed again from the formatted output. */
const ET_AL = '\u2063et al.';

/** Turns our CSL item into plain CSL-JSON for citation-js: private fields dropped, "et al." made explicit. */
export function toCiteData(item: CslItem, kind: 'csl' | 'bibtex' | 'ris' | 'csl-json'): Record<string, unknown> {
  const { _etAl, ...rest } = item;
  const data: Record<string, unknown> = { ...rest };
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
}

export function formatCitation(item: CslItem, styleId?: string): Formatted {
  registerTemplates();
  const style = styleChoice(styleId);
  const cite = new Cite(toCiteData(item, style.kind));
  switch (style.kind) {
    case 'bibtex':
      return { text: String(cite.format('bibtex')).trim().replace(/ and \{others\}/g, ' and others'), style: style.id };
    case 'ris':
      return { text: String(cite.format('ris')).trim(), style: style.id };
    case 'csl-json':
      return { text: JSON.stringify(cite.format('data', { format: 'object' }), null, 2), style: style.id };
    case 'csl': {
      const opts = { template: style.id, lang: styleLocale(style.id) };
      const { text, html } = dropListNumber(
        fixEtAl(String(cite.format('bibliography', { ...opts, format: 'text' }))).trim(),
        fixEtAl(String(cite.format('bibliography', { ...opts, format: 'html' }))).trim(),
      );
      return { text, html, style: style.id };
    }
  }
}
