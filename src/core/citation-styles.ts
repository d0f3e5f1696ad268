/** Citation formats offered to the user. CSL ids refer to templates registered by the background formatter. */
export interface StyleChoice {
  id: string;
  label: string;
  kind: 'csl' | 'bibtex' | 'ris' | 'csl-json';
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

export function styleChoice(id: string | undefined): StyleChoice {
  return STYLE_CHOICES.find((s) => s.id === id) ?? STYLE_CHOICES[0]!;
}
