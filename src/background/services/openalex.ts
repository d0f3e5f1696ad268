/**
 * OpenAlex client, used only when the user set an OpenAlex API key (required since Feb 2026): `byDois(dois)`
 * asks `filter=doi:a|b|...` (100 per request; results come back in another order and are matched by DOI) and
 * returns lower-cased DOI -> PMID, PMCID (with "PMC"), retraction flag and best open-access copy.
 */
import { safeHttpUrl } from '../../core/url';
import { isNotFound, ServiceError } from '../net/http';
import { batchByUrl, cachedLookup, doiKey, foundOnly, isObject, runBatches, str, type ClientDeps } from './common';
import { SERVICE_ORIGINS } from './hosts';

export interface OpenAlexOa {
  /** PDF when known, else landing page. */
  url: string;
  pdfUrl?: string;
  landingPageUrl?: string;
  /** 'publishedVersion' | 'acceptedVersion' | 'submittedVersion'. */
  version?: string;
  license?: string;
  /** Source type: 'journal', 'repository', ... */
  hostType?: string;
}

export interface OpenAlexWork {
  doi: string;
  /** e.g. "W2109415576". */
  openalexId?: string;
  pmid?: string;
  pmcid?: string;
  isRetracted: boolean;
  bestOa?: OpenAlexOa;
}

const MAX_DOIS_PER_BATCH = 100;
const SELECT = 'id,doi,ids,is_retracted,best_oa_location';

export class OpenAlexClient {
  constructor(private readonly deps: ClientDeps) {}

  get enabled(): boolean {
    return !!this.deps.settings().openalexApiKey?.trim();
  }

  /** Lower-cased DOI -> work for the DOIs OpenAlex knows. Empty (and no request) without an API key. */
  async byDois(dois: string[], signal?: AbortSignal): Promise<Map<string, OpenAlexWork>> {
    const apiKey = this.deps.settings().openalexApiKey?.trim();
    if (!apiKey) return new Map();
    const wanted = [...new Set(dois.map(doiKey).filter((d) => d.startsWith('10.')))];
    const result = await cachedLookup(this.deps.cache, (d) => `openalex:doi:${d}`, wanted, (missing) => {
      // '|' and ',' are the filter syntax's own separators: such DOIs use the (free) single-work route.
      const listable = missing.filter((d) => !/[|,]/.test(d));
      const batches = [
        ...batchByUrl(listable, MAX_DOIS_PER_BATCH, (b) => filterUrl(b, apiKey)),
        ...missing.filter((d) => /[|,]/.test(d)).map((d) => [d]),
      ];
      return runBatches(batches, (batch) =>
        batch.length === 1 && /[|,]/.test(batch[0]!) ? this.fetchOne(batch[0]!, apiKey, signal) : this.fetchList(batch, apiKey, signal),
      );
    });
    return foundOnly(result);
  }

  private async fetchList(batch: string[], apiKey: string, signal?: AbortSignal): Promise<Map<string, OpenAlexWork>> {
    const body = await this.deps.http.request('openalex', filterUrl(batch, apiKey), { signal });
    const results = isObject(body) ? body.results : undefined;
    if (!Array.isArray(results)) throw new ServiceError('openalex', 'malformed', 'OpenAlex sent an unreadable response');
    return matchByDoi(results, batch);
  }

  private async fetchOne(doi: string, apiKey: string, signal?: AbortSignal): Promise<Map<string, OpenAlexWork>> {
    const params = new URLSearchParams({ select: SELECT, api_key: apiKey });
    const url = `${SERVICE_ORIGINS.openalex}/works/https://doi.org/${encodeURIComponent(doi)}?${params.toString()}`;
    try {
      return matchByDoi([await this.deps.http.request('openalex', url, { signal })], [doi]);
    } catch (e) {
      // Unknown DOIs get an HTML 404 page.
      if (isNotFound(e)) return new Map();
      throw e;
    }
  }
}

export function filterUrl(batch: string[], apiKey: string): string {
  const params = new URLSearchParams({
    filter: `doi:${batch.join('|')}`,
    per_page: String(Math.min(200, Math.max(batch.length, 1))),
    select: SELECT,
    api_key: apiKey,
  });
  return `${SERVICE_ORIGINS.openalex}/works?${params.toString()}`;
}

/** OpenAlex returns works in its own order; pair them with the request by DOI, never by position. */
export function matchByDoi(results: unknown[], requested: string[]): Map<string, OpenAlexWork> {
  const wanted = new Set(requested);
  const out = new Map<string, OpenAlexWork>();
  for (const raw of results) {
    const work = toWork(raw);
    if (work && wanted.has(work.doi) && !out.has(work.doi)) out.set(work.doi, work);
  }
  return out;
}

function toWork(raw: unknown): OpenAlexWork | undefined {
  if (!isObject(raw)) return undefined;
  const ids = isObject(raw.ids) ? raw.ids : {};
  const doiUrl = str(raw.doi) ?? str(ids.doi);
  if (!doiUrl) return undefined;
  const work: OpenAlexWork = {
    doi: doiKey(stripDoiResolver(doiUrl)),
    isRetracted: raw.is_retracted === true,
  };
  const openalexId = /W\d+$/.exec(str(raw.id) ?? str(ids.openalex) ?? '')?.[0];
  if (openalexId) work.openalexId = openalexId;
  const pmid = /(\d+)\/?$/.exec(str(ids.pmid) ?? '')?.[1];
  if (pmid) work.pmid = pmid;
  // ids.pmcid is ".../pmc/articles/4234579": digits without the PMC prefix.
  const pmcDigits = /(?:PMC)?(\d+)\/?$/i.exec(str(ids.pmcid) ?? '')?.[1];
  if (pmcDigits) work.pmcid = `PMC${pmcDigits}`;
  const best = toOa(raw.best_oa_location);
  if (best) work.bestOa = best;
  return work;
}

function toOa(raw: unknown): OpenAlexOa | undefined {
  if (!isObject(raw)) return undefined;
  const pdfUrl = safeHttpUrl(str(raw.pdf_url));
  const landingPageUrl = safeHttpUrl(str(raw.landing_page_url));
  const url = pdfUrl ?? landingPageUrl;
  if (!url) return undefined;
  const oa: OpenAlexOa = { url };
  if (pdfUrl) oa.pdfUrl = pdfUrl;
  if (landingPageUrl) oa.landingPageUrl = landingPageUrl;
  const version = str(raw.version);
  if (version) oa.version = version;
  const license = str(raw.license);
  if (license) oa.license = license;
  const hostType = isObject(raw.source) ? str(raw.source.type) : undefined;
  if (hostType) oa.hostType = hostType;
  return oa;
}

function stripDoiResolver(s: string): string {
  return s.replace(/^https?:\/\/(?:dx\.)?doi\.org\//i, '');
}
