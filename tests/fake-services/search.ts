/**
 * BM25 search over fake records (MiniSearch), scaled to the range Crossref's relevance scores live in.
 * Crossref ranks with Elasticsearch BM25 over ~150M records; a full reference string that finds its
 * work scores in the tens to low hundreds, about 0.5-1 per character of the query (Crossref's own
 * matcher keeps candidates while score/len(query) >= 0.4, docs/matching.md). Here the BM25 sum is
 * divided by ln(1 + record count), which keeps that ratio steady whatever the record set's size, and
 * multiplied by SCORE_PER_IDF, tuned so the seed page's references score ~0.75 per character.
 */
import MiniSearch, { type SearchResult } from 'minisearch';
import { foldText, firstPage, lastPage } from './format.ts';
import type { FakeRecord } from './records.ts';

export type SearchField = 'title' | 'authors' | 'container' | 'year' | 'volume' | 'issue' | 'pages' | 'doi';
const ALL_FIELDS: SearchField[] = ['title', 'authors', 'container', 'year', 'volume', 'issue', 'pages', 'doi'];

/** Multiplier from IDF-normalised BM25 sums to Crossref-like scores. */
export const SCORE_PER_IDF = 6.2;

export interface ScoredRecord {
  record: FakeRecord;
  score: number;
}

interface IndexedDoc {
  id: number;
  title: string;
  authors: string;
  container: string;
  year: string;
  volume: string;
  issue: string;
  pages: string;
  doi: string;
}

export function tokenize(text: string): string[] {
  return foldText(text).split(' ').filter(Boolean);
}

function toDoc(r: FakeRecord, id: number): IndexedDoc {
  return {
    id,
    title: r.title,
    authors: r.authors.map((a) => `${a.family} ${a.given ?? ''}`).join(' '),
    container: `${r.container} ${r.containerShort ?? ''}`,
    year: String(r.year),
    volume: r.volume ?? '',
    issue: r.issue ?? '',
    pages: [r.page, firstPage(r.page), lastPage(r.page)].filter(Boolean).join(' '),
    doi: r.doi,
  };
}

export class RecordSearch {
  private readonly index: MiniSearch<IndexedDoc>;
  private readonly records: readonly FakeRecord[];

  constructor(records: readonly FakeRecord[]) {
    this.records = records;
    this.index = new MiniSearch<IndexedDoc>({
      fields: ALL_FIELDS,
      tokenize,
      processTerm: (t) => t,
    });
    this.index.addAll(records.map(toDoc));
  }

  /**
   * OR-search over the given fields. Every query term adds its BM25 weight, as in Elasticsearch;
   * MiniSearch's extra multiplication by the number of matched terms is undone.
   */
  search(query: string, fields: readonly SearchField[] = ALL_FIELDS): ScoredRecord[] {
    return this.run(query, fields, 'OR');
  }

  /** Records containing every query term in the given fields (Europe PMC / PubMed default AND). */
  searchAll(query: string, fields: readonly SearchField[] = ALL_FIELDS): ScoredRecord[] {
    return this.run(query, fields, 'AND');
  }

  private run(query: string, fields: readonly SearchField[], combineWith: 'OR' | 'AND'): ScoredRecord[] {
    if (!tokenize(query).length) return [];
    const scale = SCORE_PER_IDF / Math.log(1 + Math.max(1, this.records.length));
    return this.index
      .search(query, { fields: [...fields], combineWith, prefix: false, fuzzy: false })
      .map((h: SearchResult) => ({ record: this.records[h.id as number]!, score: round((h.score / Math.max(1, h.queryTerms.length)) * scale) }))
      .sort((a, b) => b.score - a.score);
  }
}

/** Sums several field-restricted searches (Crossref query.title + query.author ...). */
export function combineSearches(lists: ScoredRecord[][]): ScoredRecord[] {
  const total = new Map<FakeRecord, number>();
  for (const list of lists) for (const { record, score } of list) total.set(record, (total.get(record) ?? 0) + score);
  return [...total].map(([record, score]) => ({ record, score: round(score) })).sort((a, b) => b.score - a.score);
}

function round(n: number): number {
  return Math.round(n * 1e5) / 1e5;
}
