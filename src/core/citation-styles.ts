/** Citation formats offered to the user. CSL ids refer to templates registered by the background formatter. */
export interface StyleChoice {
  id: string;
  label: string;
  kind: 'csl' | 'bibtex' | 'ris' | 'csl-json';
  /** True for a CSL style the user added (stored in storage.local, id "custom-…"). */
  custom?: boolean;
}

export const STYLE_CHOICES: readonly StyleChoice[] = [
  { id: 'apa', label: 'APA 7th', kind: 'csl' },
  { id: 'vancouver', label: 'Vancouver', kind: 'csl' },
  { id: 'american-medical-association', label: 'AMA 11th', kind: 'csl' },
  { id: 'harvard-cite-them-right', label: 'Harvard (Cite Them Right)', kind: 'csl' },
  { id: 'chicago-author-date', label: 'Chicago author-date', kind: 'csl' },
  { id: 'modern-language-association', label: 'MLA 9th', kind: 'csl' },
  { id: 'ieee', label: 'IEEE', kind: 'csl' },
  { id: 'nature', label: 'Nature', kind: 'csl' },
  { id: 'bibtex', label: 'BibTeX', kind: 'bibtex' },
  { id: 'ris', label: 'RIS', kind: 'ris' },
  { id: 'csl-json', label: 'CSL-JSON', kind: 'csl-json' },
];

/** The built-in choice with this id, or, given the user's added styles, one of those; else APA. */
export function styleChoice(id: string | undefined, custom: readonly StyleChoice[] = []): StyleChoice {
  return STYLE_CHOICES.find((s) => s.id === id) ?? custom.find((s) => s.id === id) ?? STYLE_CHOICES[0]!;
}

/** Citation languages (CSL locales). "auto" keeps each style's own default (Harvard and Nature are British). */
export const LOCALE_CHOICES = [
  { id: 'auto', label: 'The style’s own language' },
  { id: 'en-US', label: 'English (US)' },
  { id: 'en-GB', label: 'English (UK)' },
  { id: 'de-DE', label: 'Deutsch' },
  { id: 'fr-FR', label: 'Français' },
] as const;
export type LocaleId = (typeof LOCALE_CHOICES)[number]['id'];

export function isLocaleId(x: unknown): x is LocaleId {
  return LOCALE_CHOICES.some((l) => l.id === x);
}

/** File extension and MIME type of a downloaded list in this format. */
export function fileTypeOf(kind: StyleChoice['kind']): { ext: string; mime: string } {
  switch (kind) {
    case 'bibtex':
      return { ext: 'bib', mime: 'application/x-bibtex' };
    case 'ris':
      return { ext: 'ris', mime: 'application/x-research-info-systems' };
    case 'csl-json':
      return { ext: 'json', mime: 'application/vnd.citationstyles.csl+json' };
    case 'csl':
      return { ext: 'txt', mime: 'text/plain' };
  }
}
