/**
 * Crossref REST client. `searchBibliographic(ref)` sends one raw reference string and returns ranked candidates;
 * `worksByDoi(dois)` fetches many works per request with `filter=doi:A,doi:B` and returns lower-cased DOI -> work.
 * Items keep Crossref's own field shapes (arrays for titles), trimmed to the fields the resolver reads.
 */
import { searchQuery } from '../../core/match/text';
import { isNotFound, ServiceError } from '../net/http';
import { batchByUrl, cachedLookup, doiKey, foundOnly, isObject, runBatches, type BatchOutcome, type ClientDeps } from './common';
import { SERVICE_ORIGINS } from './hosts';

export interface CrossrefDate {
  'date-parts'?: Array<Array<number | null>>;
  'date-time'?: string;
  timestamp?: number;
}

export interface CrossrefAuthor {
  given?: string;
  family?: string;
  /** Organisations and unsplittable names. */
  name?: string;
  sequence?: string;
  ORCID?: string;
}

/** One entry of `updated-by` (on the original work) or `update-to` (on the notice). */
export interface CrossrefUpdate {
  DOI: string;
  /** 'correction', 'retraction', 'expression_of_concern', ... */
  type: string;
  label?: string;
  source?: string;
  updated?: CrossrefDate;
}

/** A Crossref work as the resolver sees it (the "Candidate" shape). */
export interface CrossrefWork {
  DOI: string;
  title?: string[];
  subtitle?: string[];
  author?: CrossrefAuthor[];
  'container-title'?: string[];
  'short-container-title'?: string[];
  issued?: CrossrefDate;
  published?: CrossrefDate;
  volume?: string;
  issue?: string;
  page?: string;
  'article-number'?: string;
  type?: string;
  subtype?: string;
  publisher?: string;
  ISSN?: string[];
  /** Relevance; only on query results (never with select=). */
  score?: number;
  'updated-by'?: CrossrefUpdate[];
  'update-to'?: CrossrefUpdate[];
}
export type Candidate = CrossrefWork;

const ARRAY_FIELDS = ['title', 'subtitle', 'container-title', 'short-container-title', 'ISSN'] as const;
const STRING_FIELDS = ['volume', 'issue', 'page', 'article-number', 'type', 'subtype', 'publisher'] as const;
const DATE_FIELDS = ['issued', 'published'] as const;
const UPDATE_FIELDS = ['updated-by', 'update-to'] as const;
/** Asked for with select= on DOI batches: a full work can weigh 30 KB (reference lists), this keeps it small. */
const SELECT = [
  'DOI',
  ...ARRAY_FIELDS,
  'author',
  ...DATE_FIELDS,
  ...STRING_FIELDS,
  ...UPDATE_FIELDS,
].join(',');

const MAX_DOIS_PER_BATCH = 100;

export class CrossrefClient {
  private useSelect = true;

  constructor(private readonly deps: ClientDeps) {}

  /**
   * Candidates for one raw reference string, best first (Crossref's order). Only the text is sent, cleaned as the
   * matcher's eval sends it (searchQuery): no links or identifiers.
   */
  async searchBibliographic(ref: string, rows = 5, signal?: AbortSignal): Promise<Candidate[]> {
    const query = searchQuery(ref);
    if (!query) return [];
    const n = Math.max(1, Math.min(20, Math.floor(rows)));
    const key = `crossref:bib:${n}:${query}`;
    const cached = await this.deps.cache?.get<Candidate[]>(key);
    if (cached) return cached.negative ? [] : cached.value;
    const url = this.url('/works', { 'query.bibliographic': query, rows: String(n) });
    const body = await this.deps.http.request('crossref', url, { signal });
    const items = listItems(body);
    void this.deps.cache?.set(key, items, items.length ? 'positive' : 'negative'); // memory at once; storage later
    return items;
  }

  /** Works for many DOIs, as lower-cased DOI -> work; DOIs Crossref does not know are absent. */
  async worksByDoi(dois: string[], signal?: AbortSignal): Promise<Map<string, CrossrefWork>> {
    const wanted = [...new Set(dois.map(doiKey).filter((d) => d.startsWith('10.')))];
    const result = await cachedLookup(this.deps.cache, (d) => `crossref:doi:${d}`, wanted, (missing) => this.fetchWorks(missing, signal));
    return foundOnly(result);
  }

  private fetchWorks(dois: string[], signal?: AbortSignal): Promise<BatchOutcome<CrossrefWork>> {
    // A comma inside a DOI would split the filter, so such DOIs go one by one.
    const batchable = dois.filter((d) => !d.includes(','));
    const batches = [
      ...batchByUrl(batchable, MAX_DOIS_PER_BATCH, (b) => this.filterUrl(b)),
      ...dois.filter((d) => d.includes(',')).map((d) => [d]),
    ];
    return runBatches(batches, async (batch) => {
      const found = new Map<string, CrossrefWork>();
      const works = batch.length === 1 && batch[0]!.includes(',') ? await this.fetchOne(batch[0]!, signal) : await this.fetchBatch(batch, signal);
      for (const work of works) {
        const k = doiKey(work.DOI);
        if (batch.includes(k)) found.set(k, work);
      }
      return found;
    });
  }

  private async fetchBatch(batch: string[], signal?: AbortSignal): Promise<CrossrefWork[]> {
    try {
      return listItems(await this.deps.http.request('crossref', this.filterUrl(batch), { signal }));
    } catch (e) {
      // select= field names are not in any recording here; if Crossref rejects them, ask once more without.
      if (this.useSelect && e instanceof ServiceError && e.kind === 'http' && e.status === 400) {
        this.useSelect = false;
        return listItems(await this.deps.http.request('crossref', this.filterUrl(batch), { signal }));
      }
      throw e;
    }
  }

  private async fetchOne(doi: string, signal?: AbortSignal): Promise<CrossrefWork[]> {
    try {
      const body = await this.deps.http.request('crossref', this.url(`/works/${encodeURIComponent(doi)}`, {}), { signal });
      const message = isObject(body) ? body.message : undefined;
      const work = toWork(message);
      if (!work) throw new ServiceError('crossref', 'malformed', 'Crossref sent an unreadable response');
      return [work];
    } catch (e) {
      // 404 carries the plain-text "Resource not found." body; it is an answer, not a failure.
      if (isNotFound(e)) return [];
      throw e;
    }
  }

  private filterUrl(batch: string[]): string {
    const params: Record<string, string> = {
      filter: batch.map((d) => `doi:${d}`).join(','),
      rows: String(batch.length),
    };
    if (this.useSelect) params.select = SELECT;
    return this.url('/works', params);
  }

  private url(path: string, params: Record<string, string>): string {
    const u = new URL(SERVICE_ORIGINS.crossref + path);
    for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
    const email = this.deps.settings().email?.trim();
    if (email) u.searchParams.set('mailto', email);
    return u.href;
  }
}

function listItems(body: unknown): CrossrefWork[] {
  const message = isObject(body) ? body.message : undefined;
  const items = isObject(message) ? message.items : undefined;
  if (!Array.isArray(items)) throw new ServiceError('crossref', 'malformed', 'Crossref sent an unreadable response');
  return items.map(toWork).filter((w): w is CrossrefWork => w !== undefined);
}

/** Keeps the Candidate fields, each only when it has the documented type. */
export function toWork(raw: unknown): CrossrefWork | undefined {
  if (!isObject(raw) || typeof raw.DOI !== 'string') return undefined;
  const work: CrossrefWork = { DOI: raw.DOI };
  const w = work as unknown as Record<string, unknown>;
  for (const f of ARRAY_FIELDS) {
    const v = raw[f];
    if (Array.isArray(v)) w[f] = v.filter((s): s is string => typeof s === 'string');
  }
  for (const f of STRING_FIELDS) if (typeof raw[f] === 'string') w[f] = raw[f];
  for (const f of DATE_FIELDS) if (isObject(raw[f])) w[f] = raw[f];
  if (typeof raw.score === 'number') work.score = raw.score;
  if (Array.isArray(raw.author)) {
    work.author = raw.author.filter(isObject).map((a) => {
      const out: CrossrefAuthor = {};
      for (const k of ['given', 'family', 'name', 'sequence', 'ORCID'] as const) if (typeof a[k] === 'string') out[k] = a[k] as string;
      return out;
    });
  }
  for (const f of UPDATE_FIELDS) {
    const v = raw[f];
    if (!Array.isArray(v)) continue;
    w[f] = v
      .filter(isObject)
      .filter((u) => typeof u.DOI === 'string' && typeof u.type === 'string')
      .map((u) => {
        const out: CrossrefUpdate = { DOI: u.DOI as string, type: u.type as string };
        if (typeof u.label === 'string') out.label = u.label;
        if (typeof u.source === 'string') out.source = u.source;
        if (isObject(u.updated)) out.updated = u.updated as CrossrefDate;
        return out;
      });
  }
  return work;
}
