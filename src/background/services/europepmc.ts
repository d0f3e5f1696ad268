/**
 * Europe PMC client: `byDois(dois)` asks `DOI:"a" OR DOI:"b"` (up to 50 per request, resultType=core) and returns
 * lower-cased DOI -> PubMed/PMC ids, open-access flag, full-text links, publication types and comment/corrections
 * ("Retraction in", "Erratum in"...). The "Y"/"N" flags become booleans.
 */
import { safeHttpUrl } from '../../core/url';
import { ServiceError } from '../net/http';
import { batchByUrl, cachedLookup, doiKey, foundOnly, isObject, runBatches, str, strings, type ClientDeps } from './common';
import { SERVICE_ORIGINS } from './hosts';

export interface FullTextUrl {
  url: string;
  /** 'OA' open access, 'F' free, 'S' subscription, ... */
  availabilityCode?: string;
  availability?: string;
  /** 'pdf', 'html', 'doi'. */
  documentStyle?: string;
  /** 'Europe_PMC', 'PubMedCentral', 'DOI', ... */
  site?: string;
}

export interface CommentCorrection {
  /** 'Retraction in', 'Erratum in', 'Expression of concern in', ... */
  type: string;
  id?: string;
  source?: string;
  reference?: string;
}

export interface EuropePmcRecord {
  doi: string;
  pmid?: string;
  /** With the "PMC" prefix. */
  pmcid?: string;
  /** 'MED', 'PPR' (preprint), ... */
  source?: string;
  isOpenAccess: boolean;
  inPmc: boolean;
  license?: string;
  fullTextUrls: FullTextUrl[];
  pubTypes: string[];
  commentCorrections: CommentCorrection[];
}

const SEARCH = `${SERVICE_ORIGINS.europepmc}/europepmc/webservices/rest/search`;
const MAX_DOIS_PER_BATCH = 50;

export class EuropePmcClient {
  constructor(private readonly deps: ClientDeps) {}

  async byDois(dois: string[], signal?: AbortSignal): Promise<Map<string, EuropePmcRecord>> {
    const wanted = [...new Set(dois.map(doiKey).filter((d) => d.startsWith('10.')))];
    const result = await cachedLookup(this.deps.cache, (d) => `europepmc:doi:${d}`, wanted, (missing) =>
      runBatches(batchByUrl(missing, MAX_DOIS_PER_BATCH, searchUrl), async (batch) => {
        const body = await this.deps.http.request('europepmc', searchUrl(batch), { signal });
        return parseSearch(body, batch);
      }),
    );
    return foundOnly(result);
  }
}

/** One request for the batch; pageSize leaves room for a preprint record next to the journal one. */
export function searchUrl(batch: string[]): string {
  const query = batch.map((d) => `DOI:"${d.replace(/["\\]/g, '\\$&')}"`).join(' OR ');
  const params = new URLSearchParams({
    query,
    resultType: 'core',
    format: 'json',
    pageSize: String(Math.min(1000, batch.length * 2)),
  });
  return `${SEARCH}?${params.toString()}`;
}

/** Several records can share a DOI (MED and PPR); the MEDLINE one, or one with a PMID, wins. */
export function parseSearch(body: unknown, requested: string[]): Map<string, EuropePmcRecord> {
  const list = isObject(body) && isObject(body.resultList) ? body.resultList.result : undefined;
  if (!Array.isArray(list)) throw new ServiceError('europepmc', 'malformed', 'Europe PMC sent an unreadable response');
  const wanted = new Set(requested);
  const out = new Map<string, EuropePmcRecord>();
  for (const raw of list.filter(isObject)) {
    const doi = str(raw.doi);
    if (!doi || !wanted.has(doiKey(doi))) continue;
    const record = toRecord(raw, doiKey(doi));
    const prev = out.get(record.doi);
    if (!prev || rank(record) > rank(prev)) out.set(record.doi, record);
  }
  return out;
}

function rank(r: EuropePmcRecord): number {
  return (r.source === 'MED' ? 2 : 0) + (r.pmid ? 1 : 0);
}

function toRecord(raw: Record<string, unknown>, doi: string): EuropePmcRecord {
  const urls = isObject(raw.fullTextUrlList) && Array.isArray(raw.fullTextUrlList.fullTextUrl) ? raw.fullTextUrlList.fullTextUrl : [];
  const corrections =
    isObject(raw.commentCorrectionList) && Array.isArray(raw.commentCorrectionList.commentCorrection)
      ? raw.commentCorrectionList.commentCorrection
      : [];
  const pubTypes = isObject(raw.pubTypeList) ? strings(raw.pubTypeList.pubType) : strings(raw.pubType);
  const record: EuropePmcRecord = {
    doi,
    isOpenAccess: raw.isOpenAccess === 'Y',
    inPmc: raw.inPMC === 'Y',
    fullTextUrls: urls.filter(isObject).flatMap((u) => {
      const url = safeHttpUrl(str(u.url));
      if (!url) return [];
      const out: FullTextUrl = { url };
      for (const k of ['availabilityCode', 'availability', 'documentStyle', 'site'] as const) {
        const v = str(u[k]);
        if (v) out[k] = v;
      }
      return [out];
    }),
    pubTypes,
    commentCorrections: corrections.filter(isObject).flatMap((c) => {
      const type = str(c.type);
      if (!type) return [];
      const out: CommentCorrection = { type };
      for (const k of ['id', 'source', 'reference'] as const) {
        const v = str(c[k]);
        if (v) out[k] = v;
      }
      return [out];
    }),
  };
  const pmid = str(raw.pmid);
  if (pmid && /^\d+$/.test(pmid)) record.pmid = pmid;
  const pmcid = str(raw.pmcid);
  if (pmcid && /^PMC\d+$/i.test(pmcid)) record.pmcid = pmcid.toUpperCase();
  const source = str(raw.source);
  if (source) record.source = source;
  const license = str(raw.license);
  if (license) record.license = license;
  return record;
}
