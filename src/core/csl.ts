/** The subset of CSL-JSON that RefLens reads and writes. Field names follow the CSL-JSON schema. */
export interface CslName {
  family?: string;
  given?: string;
  /** Used for institutional authors and names that cannot be split. */
  literal?: string;
}

export interface CslDate {
  'date-parts'?: Array<Array<number | string>>;
  raw?: string;
  literal?: string;
}

export type CslType =
  | 'article-journal'
  | 'book'
  | 'chapter'
  | 'paper-conference'
  | 'report'
  | 'thesis'
  | 'webpage'
  | 'dataset'
  | 'article'
  | 'document';

export interface CslItem {
  id: string;
  type: CslType;
  title?: string;
  'container-title'?: string;
  'container-title-short'?: string;
  author?: CslName[];
  editor?: CslName[];
  issued?: CslDate;
  volume?: string;
  issue?: string;
  page?: string;
  'number'?: string;
  publisher?: string;
  'publisher-place'?: string;
  DOI?: string;
  PMID?: string;
  PMCID?: string;
  URL?: string;
  ISSN?: string;
  note?: string;
  /** True when the page listed only the first authors ("et al."). Not a CSL field; stripped before formatting. */
  _etAl?: boolean;
}

export function issuedYear(item: Pick<CslItem, 'issued'>): number | undefined {
  const y = item.issued?.['date-parts']?.[0]?.[0];
  const n = typeof y === 'string' ? Number.parseInt(y, 10) : y;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}
