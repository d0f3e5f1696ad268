/**
 * NCBI client: `ecitmatch(citations)` matches journal/year/volume/page/author to PMIDs (all citations in as few
 * GETs as the URL allows, normally one); `esummary(pmids)` reads PubMed summaries (200 ids per call); `idconv(ids)`
 * maps DOIs/PMIDs/PMCIDs via the PMC ID Converter (in PMC only). Sends tool=reflens, email and api_key when set.
 */
import { isNotFound, ServiceError } from '../net/http';
import {
  batchByUrl,
  cachedLookup,
  doiKey,
  foundOnly,
  isObject,
  runBatches,
  str,
  strings,
  TOOL_NAME,
  type BatchOutcome,
  type ClientDeps,
} from './common';
import { SERVICE_ORIGINS } from './hosts';

export interface CitationQuery {
  /** Journal title or ISO/MEDLINE abbreviation, e.g. "proc natl acad sci u s a". */
  journal: string;
  year?: string | number;
  volume?: string;
  firstPage?: string;
  /** First author as "surname initials", e.g. "mann bj". */
  author?: string;
  /** Caller's id for this citation; echoed back as the map key. */
  key: string;
}

export interface PubmedSummary {
  pmid: string;
  title: string;
  /** "Nicholas SE": family name and initials in one string, as PubMed gives them. */
  authors: string[];
  /** Abbreviated journal, e.g. "PLoS One". */
  source: string;
  fulljournalname: string;
  year?: number;
  volume: string;
  issue: string;
  pages: string;
  doi?: string;
  pmcid?: string;
  /** e.g. "Journal Article", "Retracted Publication". */
  pubtypes: string[];
}

export interface IdRecord {
  /** The id as it was asked for. */
  requestedId: string;
  doi?: string;
  pmid?: string;
  /** With the "PMC" prefix. */
  pmcid?: string;
}

const EUTILS = `${SERVICE_ORIGINS.eutils}/entrez/eutils`;
const IDCONV = `${SERVICE_ORIGINS.idconv}/tools/idconv/api/v1/articles/`;
/** ECitMatch has no POST route: one GET carries every citation the URL can hold. */
const MAX_ECITMATCH_URL = 7500;
const ESUMMARY_BATCH = 200;
const IDCONV_BATCH = 200;

type IdType = 'doi' | 'pmid' | 'pmcid';

export class NcbiClient {
  constructor(private readonly deps: ClientDeps) {}

  /** Citation key -> PMID, or null when PubMed found none or several (NOT_FOUND, AMBIGUOUS). */
  async ecitmatch(citations: CitationQuery[], signal?: AbortSignal): Promise<Map<string, string | null>> {
    const lineOf = new Map<string, string>();
    for (const c of citations) lineOf.set(c.key, citationLine(c));
    const result = await cachedLookup(
      this.deps.cache,
      (line) => `ncbi:citmatch:${line}`,
      [...new Set(lineOf.values())].filter((l) => l.replace(/\|/g, '').trim() !== ''),
      (lines) => this.fetchCitations(lines, signal),
    );
    const out = new Map<string, string | null>();
    for (const [key, line] of lineOf) out.set(key, result.get(line) ?? null);
    return out;
  }

  /** PMID -> summary; unknown PMIDs are absent. */
  async esummary(pmids: string[], signal?: AbortSignal): Promise<Map<string, PubmedSummary>> {
    const wanted = [...new Set(pmids.map((p) => p.trim()).filter((p) => /^\d{1,9}$/.test(p)))];
    const result = await cachedLookup(this.deps.cache, (p) => `ncbi:esummary:${p}`, wanted, (missing) =>
      runBatches(chunk(missing, ESUMMARY_BATCH), (batch) => this.fetchSummaries(batch, signal)),
    );
    return foundOnly(result);
  }

  /**
   * Related ids for DOIs, PMIDs and PMCIDs (mixed freely; grouped by type, 200 per request). Only articles in
   * PMC are known to the converter; the others are simply absent from the list.
   */
  async idconv(ids: string[], signal?: AbortSignal): Promise<IdRecord[]> {
    const byType = new Map<IdType, string[]>();
    for (const raw of ids) {
      const typed = classifyId(raw);
      if (!typed) continue;
      const list = byType.get(typed.type) ?? [];
      list.push(typed.id);
      byType.set(typed.type, list);
    }
    const records: IdRecord[] = [];
    const errors: unknown[] = [];
    await Promise.all(
      [...byType].map(async ([type, list]) => {
        try {
          const result = await cachedLookup(this.deps.cache, (id) => `ncbi:idconv:${type}:${id}`, list, (missing) =>
            runBatches(batchByUrl(missing, IDCONV_BATCH, (b) => this.idconvUrl(type, b)), (batch) => this.fetchIdconv(type, batch, signal)),
          );
          for (const id of list) {
            const r = result.get(id);
            if (r) records.push(r);
          }
        } catch (e) {
          errors.push(e);
        }
      }),
    );
    if (errors.length) throw errors[0];
    return records;
  }

  // ----------------------------------------------------------------------------------------------------------

  private async fetchCitations(lines: string[], signal?: AbortSignal): Promise<BatchOutcome<string>> {
    const batches = batchByUrl(lines, Infinity, (b) => this.ecitmatchUrl(b), MAX_ECITMATCH_URL);
    return runBatches(batches, async (batch) => {
      const text = await this.deps.http.request<string>('eutils', this.ecitmatchUrl(batch), { parse: 'text', signal });
      const answers = parseEcitmatch(text);
      const found = new Map<string, string>();
      let answeredAny = false;
      batch.forEach((line, i) => {
        const answer = answers.get(`r${i}`);
        if (answer === undefined) return;
        answeredAny = true;
        if (answer) found.set(line, answer);
      });
      if (!answeredAny) throw new ServiceError('eutils', 'malformed', 'PubMed sent an unreadable citation-match response');
      return found;
    });
  }

  /** bdata lines use our own keys r0, r1... so a caller's key can never break the pipe-delimited format. */
  private ecitmatchUrl(lines: string[]): string {
    const bdata = lines.map((line, i) => `${line}|r${i}|`).join('%0D');
    return `${EUTILS}/ecitmatch.cgi?db=pubmed&retmode=xml&bdata=${bdata}&${this.identity(true)}`;
  }

  private async fetchSummaries(batch: string[], signal?: AbortSignal): Promise<Map<string, PubmedSummary>> {
    const url = `${EUTILS}/esummary.fcgi?db=pubmed&retmode=json&id=${batch.join(',')}&${this.identity(true)}`;
    const body = await this.deps.http.request('eutils', url, { signal });
    return parseEsummary(body);
  }

  private idconvUrl(type: IdType, batch: string[]): string {
    const params = new URLSearchParams({ ids: batch.join(','), idtype: type, format: 'json' });
    return `${IDCONV}?${params.toString()}&${this.identity(false)}`;
  }

  private async fetchIdconv(type: IdType, batch: string[], signal?: AbortSignal): Promise<Map<string, IdRecord>> {
    let body: unknown;
    try {
      body = await this.deps.http.request('idconv', this.idconvUrl(type, batch), { signal });
    } catch (e) {
      // The converter answers 404 with a JSON error; a type mismatch is our bug, anything else means "none in PMC".
      if (isNotFound(e) && !/mismatch|invalid/i.test((e as ServiceError).detail ?? '')) return new Map();
      throw e;
    }
    return parseIdconv(body, type, batch);
  }

  /** tool always; email and api_key only when the user gave them. The ID converter documents no api_key. */
  private identity(withApiKey: boolean): string {
    const { email, ncbiApiKey } = this.deps.settings();
    const p = new URLSearchParams({ tool: TOOL_NAME });
    if (email?.trim()) p.set('email', email.trim());
    if (withApiKey && ncbiApiKey?.trim()) p.set('api_key', ncbiApiKey.trim());
    return p.toString();
  }
}

/** journal|year|volume|first_page|author (key added later), each field cleaned and form-encoded (spaces as '+'). */
export function citationLine(c: Omit<CitationQuery, 'key'>): string {
  return [c.journal, c.year, c.volume, c.firstPage, c.author]
    .map((f) =>
      encodeURIComponent(
        String(f ?? '')
          .replace(/[|\r\n]+/g, ' ')
          .replace(/\s+/g, ' ')
          .trim()
          .toLowerCase(),
      ).replace(/%20/g, '+'),
    )
    .join('|');
}

/** ECitMatch answers one echoed line per citation with the PMID (or NOT_FOUND / AMBIGUOUS ...) appended. */
export function parseEcitmatch(text: string): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const line of text.split(/\r\n|\r|\n/)) {
    const parts = line.split('|');
    if (parts.length < 7) continue;
    const key = parts[5]!.trim();
    const answer = parts[6]!.trim();
    if (key) out.set(key, /^\d+$/.test(answer) ? answer : null);
  }
  return out;
}

export function parseEsummary(body: unknown): Map<string, PubmedSummary> {
  const out = new Map<string, PubmedSummary>();
  const result = isObject(body) ? body.result : undefined;
  if (!isObject(result)) {
    // {"esummaryresult": ["Invalid uid ..."]} is an answer: none of these ids exists.
    if (isObject(body) && Array.isArray(body.esummaryresult)) return out;
    const detail = isObject(body) ? str(body.error) : undefined;
    throw new ServiceError('eutils', 'malformed', 'PubMed sent an unreadable summary', detail ? { detail } : {});
  }
  for (const uid of strings(result.uids)) {
    const doc = result[uid];
    if (!isObject(doc) || doc.error !== undefined) continue;
    const articleIds = Array.isArray(doc.articleids) ? doc.articleids.filter(isObject) : [];
    const idOf = (type: string) => str(articleIds.find((a) => a.idtype === type)?.value);
    const doi = idOf('doi') ?? /doi:\s*(10\.\S+)/i.exec(str(doc.elocationid) ?? '')?.[1];
    const pmcid = /PMC\d+/i.exec(idOf('pmc') ?? idOf('pmcid') ?? '')?.[0]?.toUpperCase();
    const year = /\b(1[89]\d\d|20\d\d)\b/.exec(str(doc.pubdate) ?? str(doc.epubdate) ?? str(doc.sortpubdate) ?? '')?.[1];
    const summary: PubmedSummary = {
      pmid: uid,
      title: str(doc.title) ?? '',
      authors: (Array.isArray(doc.authors) ? doc.authors.filter(isObject) : []).map((a) => str(a.name)).filter((n): n is string => !!n),
      source: str(doc.source) ?? '',
      fulljournalname: str(doc.fulljournalname) ?? '',
      volume: str(doc.volume) ?? '',
      issue: str(doc.issue) ?? '',
      pages: str(doc.pages) ?? '',
      pubtypes: strings(doc.pubtype),
    };
    if (year) summary.year = Number(year);
    if (doi) summary.doi = doiKey(doi);
    if (pmcid) summary.pmcid = pmcid;
    out.set(uid, summary);
  }
  return out;
}

/** Records keyed by the requested id; per-record errors ("status":"error") are answers without ids. */
export function parseIdconv(body: unknown, type: IdType, requested: string[]): Map<string, IdRecord> {
  if (!isObject(body)) throw new ServiceError('idconv', 'malformed', 'PubMed Central sent an unreadable response');
  if (body.status === 'error') {
    const detail = safeDecode(str(body.message) ?? '');
    throw new ServiceError('idconv', 'http', `PubMed Central refused the request${detail ? `: ${detail}` : ''}`, detail ? { detail } : {});
  }
  if (!Array.isArray(body.records)) throw new ServiceError('idconv', 'malformed', 'PubMed Central sent an unreadable response');
  const wanted = new Map(requested.map((id) => [id.toLowerCase(), id]));
  const out = new Map<string, IdRecord>();
  for (const r of body.records.filter(isObject)) {
    if (r.status === 'error') continue;
    const doi = str(r.doi);
    const pmid = str(r.pmid);
    const pmcidRaw = str(r.pmcid);
    const pmcid = pmcidRaw ? `PMC${pmcidRaw.replace(/^PMC/i, '')}` : undefined;
    // The new endpoint echoes "requested-id"; the old one does not, so fall back to the id of the asked type.
    const asked = str(r['requested-id']) ?? (type === 'doi' ? doi : type === 'pmid' ? pmid : pmcid);
    const requestedId = asked ? wanted.get(asked.toLowerCase()) : undefined;
    if (!requestedId) continue;
    const record: IdRecord = { requestedId };
    if (doi) record.doi = doiKey(doi);
    if (pmid && /^\d+$/.test(pmid)) record.pmid = pmid;
    if (pmcid && /^PMC\d+$/.test(pmcid)) record.pmcid = pmcid;
    out.set(requestedId, record);
  }
  return out;
}

function classifyId(raw: string): { type: IdType; id: string } | undefined {
  const id = raw.trim();
  if (/^PMC\d+$/i.test(id)) return { type: 'pmcid', id: id.toUpperCase() };
  if (/^\d{1,9}$/.test(id)) return { type: 'pmid', id };
  if (/^10\.\d{4,9}\/\S+$/.test(id)) return { type: 'doi', id: doiKey(id) };
  return undefined;
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

