/**
 * In-process stand-in for Crossref `GET /works?query.bibliographic=…&rows=N`: BM25 (MiniSearch) over the records of
 * an eval index file (shared/eval/sim-index.jsonl shape), returning Crossref-shaped `message.items[]` with `score`.
 * Reusable by a fake Crossref server: build once, call `search(query, rows)`.
 */
import MiniSearch from 'minisearch';
import type { Candidate } from '../../src/core/match/index.ts';

export interface SimRecord {
  doi: string;
  title?: string | null;
  authors?: { family?: string | null; given?: string | null }[] | null;
  container?: string | null;
  year?: string | number | null;
  volume?: string | null;
  issue?: string | null;
  page?: string | null;
  pmid?: string | null;
  source?: string;
}

export interface SimSearchOptions {
  /** DOIs to leave out of the results (leave-target-out runs); the index itself is not changed. */
  exclude?: ReadonlySet<string>;
}

export interface SimSearchIndex {
  readonly size: number;
  search(query: string, rows?: number, opts?: SimSearchOptions): Candidate[];
  /** Crossref-shaped item for a DOI in the index (lower case), without score. */
  get(doi: string): Candidate | undefined;
}

/**
 * How the matcher should read this backend's scores. Its BM25 over 24k records has a different scale from
 * Crossref's; on the tune half, keeping all 20 hits (no score cut) gave the best precision at equal recall, since
 * validation and the ambiguity check then see every near-duplicate.
 */
export const SIM_SCORE_SCALE = 1;
export const SIM_MIN_NORMALIZED_SCORE = 0;

const FIELDS = ['title', 'authors', 'container', 'year', 'volume', 'page'] as const;
type Field = (typeof FIELDS)[number];
type IndexedDoc = { id: number } & Record<Field, string>;

const STOP = new Set(['the', 'of', 'and', 'in', 'on', 'for', 'to', 'a', 'an', 'at', 'by', 'with', 'from', 'et', 'al']);

function fold(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

function tokenize(text: string): string[] {
  return fold(text).split(/[^\p{L}\p{N}]+/u);
}

function processTerm(term: string): string | null {
  if (term.length < 2 && !/^\d$/.test(term)) return null;
  return STOP.has(term) ? null : term;
}

function str(v: unknown): string {
  return v === null || v === undefined ? '' : String(v).trim();
}

/** Converts an index record into the shape of a Crossref `message.items[]` work. */
export function recordToCandidate(r: SimRecord): Candidate {
  const c: Candidate = { DOI: r.doi.toLowerCase(), type: 'journal-article' };
  const title = str(r.title);
  if (title) c.title = [title];
  const authors = (r.authors ?? [])
    .map((a) => ({ family: str(a.family), given: str(a.given) }))
    .filter((a) => a.family !== '')
    .map((a) => (a.given ? a : { family: a.family }));
  if (authors.length > 0) c.author = authors;
  const container = str(r.container);
  if (container) c['container-title'] = [container];
  const year = Number.parseInt(str(r.year), 10);
  if (Number.isFinite(year)) c.issued = { 'date-parts': [[year]] };
  for (const key of ['volume', 'issue', 'page'] as const) {
    const v = str(r[key]);
    if (v) c[key] = v;
  }
  return c;
}

export function buildSimSearch(records: readonly SimRecord[]): SimSearchIndex {
  const candidates = records.map(recordToCandidate);
  const byDoi = new Map<string, Candidate>();
  for (const c of candidates) byDoi.set(c.DOI, c);
  const mini = new MiniSearch<IndexedDoc>({
    fields: [...FIELDS],
    tokenize,
    processTerm,
    searchOptions: { combineWith: 'OR', bm25: { k: 1.2, b: 0.75, d: 0 } },
  });
  mini.addAll(
    records.map((r, id) => ({
      id,
      title: str(r.title),
      authors: (r.authors ?? []).map((a) => `${str(a.family)} ${str(a.given)}`).join(' '),
      container: str(r.container),
      year: str(r.year),
      volume: str(r.volume),
      page: str(r.page),
    })),
  );
  return {
    size: records.length,
    get: (doi) => {
      const c = byDoi.get(doi.toLowerCase());
      return c ? { ...c } : undefined;
    },
    search(query, rows = 20, opts = {}) {
      const out: Candidate[] = [];
      const termCount = new Set(tokenize(query).map(processTerm).filter((t) => t)).size;
      for (const hit of mini.search(query)) {
        const c = candidates[hit.id as number]!;
        if (opts.exclude?.has(c.DOI)) continue;
        // MiniSearch multiplies the BM25 sum by the number of matched query terms (a coordination factor); divide by
        // the query's term count so the score stays proportional to query length, as SBMV's score/length assumes.
        out.push({ ...c, score: hit.score / Math.max(1, termCount) });
        if (out.length >= rows) break;
      }
      return out;
    },
  };
}

/** Parses a JSON-lines index file's text. */
export function parseSimRecords(jsonl: string): SimRecord[] {
  return jsonl
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as SimRecord);
}
