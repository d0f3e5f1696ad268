/**
 * NCBI: E-utilities (ecitmatch, esummary, esearch) on eutils.ncbi.nlm.nih.gov and the PMC ID Converter
 * (new pmc.ncbi.nlm.nih.gov/tools/idconv/api/v1/articles/ and old www.ncbi.nlm.nih.gov/pmc/utils/idconv/v1.0/).
 */
import {
  FAKE_NOW,
  KEEP_ORDER,
  type FakeResponse,
  type RouteRequest,
  foldText,
  json,
  medlineName,
  medlinePages,
  monthAbbrev,
  ncbiJson,
  nlmTitle,
  pad2,
  param,
  firstPage,
  text,
  titleWithPeriod,
} from './format.ts';
import { bareDoi, stableHash, type FakeRecord, type NoticeKind, type RecordDb } from './records.ts';
import type { SearchField } from './search.ts';

export const EUTILS_HOST = 'eutils.ncbi.nlm.nih.gov';
export const IDCONV_HOSTS = ['pmc.ncbi.nlm.nih.gov', 'www.ncbi.nlm.nih.gov'];
export const IDCONV_NEW_PATH = '/tools/idconv/api/v1/articles/';
export const IDCONV_OLD_PATH = '/pmc/utils/idconv/v1.0/';

export const NCBI_LIMITS = { withoutKey: 3, withKey: 10 };

export function ncbiKey(req: RouteRequest): string | undefined {
  return param(req.query, 'api_key');
}

/** Headers seen on E-utilities responses (server Finatra, x-ratelimit-*). */
export function eutilsHeaders(req: RouteRequest, remaining?: number): Record<string, string> {
  const limit = ncbiKey(req) ? NCBI_LIMITS.withKey : NCBI_LIMITS.withoutKey;
  return {
    'access-control-allow-origin': '*',
    server: 'Finatra',
    'strict-transport-security': 'max-age=31536000; includeSubDomains; preload',
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(Math.max(0, remaining ?? limit - 1)),
  };
}

const ESUMMARY_HEADER = { type: 'esummary', version: '0.3' };
const PUBTYPE_FOR_NOTICE: Record<NoticeKind, string> = {
  retraction: 'Retraction of Publication',
  correction: 'Published Erratum',
  expression_of_concern: 'Expression of Concern',
};
const RETRACTED_PUBTYPE = 'Retracted Publication';
const REFTYPE_ON_TARGET: Record<NoticeKind, string> = {
  retraction: 'Retraction in',
  correction: 'Erratum in',
  expression_of_concern: 'Expression of concern in',
};
const REFTYPE_ON_NOTICE: Record<NoticeKind, string> = {
  retraction: 'Retraction of',
  correction: 'Erratum for',
  expression_of_concern: 'Expression of concern for',
};

/** Short MEDLINE-style citation of a record ("Breast. 2021 Aug;58:180."). */
export function medlineCitation(r: FakeRecord): string {
  const date = [String(r.year), monthAbbrev(r.month)].filter(Boolean).join(' ');
  const vol = r.volume ? `${r.volume}${r.issue ? `(${r.issue})` : ''}` : '';
  return `${r.containerShort ?? r.container}. ${date};${vol}${r.page ? `:${medlinePages(r.page)}` : ''}.`;
}

/** PubMed publication types of a record, including notice/retraction status. */
export function pubmedPubTypes(db: RecordDb, r: FakeRecord): string[] {
  const types = ['Journal Article', ...(r.pubTypes ?? [])];
  for (const u of db.updatesBy(r)) types.unshift(PUBTYPE_FOR_NOTICE[u.kind]);
  if (db.noticesFor(r).some((n) => n.kind === 'retraction')) types.push(RETRACTED_PUBTYPE);
  return [...new Set(types)];
}

function pubdate(r: FakeRecord): string {
  return [String(r.year), monthAbbrev(r.month), r.month && r.day ? String(r.day) : undefined].filter(Boolean).join(' ');
}

function esummaryDoc(db: RecordDb, r: FakeRecord): Record<string, unknown> {
  const pmid = r.pmid!;
  const doi = bareDoi(r.doi);
  const authors = r.authors.map((a) => ({ name: medlineName(a), authtype: 'Author', clusterid: '' }));
  const articleids: Array<Record<string, unknown>> = [
    { idtype: 'pubmed', idtypen: 1, value: pmid },
    { idtype: 'doi', idtypen: 3, value: doi },
  ];
  if (r.pmcid) {
    articleids.push({ idtype: 'pmc', idtypen: 8, value: r.pmcid }, { idtype: 'pmcid', idtypen: 5, value: `pmc-id: ${r.pmcid};` });
  }
  articleids.push({ idtype: 'rid', idtypen: 8, value: pmid }, { idtype: 'eid', idtypen: 8, value: pmid });
  const references = [
    ...db.noticesFor(r).filter((n) => n.notice?.pmid).map((n) => ({
      refsource: medlineCitation(n.notice!),
      reftype: REFTYPE_ON_TARGET[n.kind],
      pmid: n.notice!.pmid!,
      note: '',
    })),
    ...db.updatesBy(r).filter((u) => u.target.pmid).map((u) => ({
      refsource: medlineCitation(u.target),
      reftype: REFTYPE_ON_NOTICE[u.kind],
      pmid: u.target.pmid!,
      note: '',
    })),
  ];
  const entrez = `${r.year}/${pad2(r.month ?? 1)}/${pad2(r.day ?? 1)} 06:00`;
  return {
    uid: pmid,
    pubdate: pubdate(r),
    epubdate: '',
    source: r.containerShort ?? r.container,
    authors,
    lastauthor: authors.at(-1)?.name ?? '',
    title: titleWithPeriod(r.title),
    sorttitle: foldText(r.title),
    volume: r.volume ?? '',
    issue: r.issue ?? '',
    pages: medlinePages(r.page),
    lang: ['eng'],
    nlmuniqueid: String(7_000_000 + (stableHash(r.container) % 2_000_000)),
    issn: r.issn?.[0] ?? '',
    essn: r.issn?.[1] ?? '',
    pubtype: pubmedPubTypes(db, r),
    recordstatus: 'PubMed - indexed for MEDLINE',
    pubstatus: '4',
    articleids,
    history: [
      { pubstatus: 'pubmed', date: entrez },
      { pubstatus: 'medline', date: entrez },
      { pubstatus: 'entrez', date: entrez },
    ],
    references,
    attributes: ['Has Abstract'],
    pmcrefcount: r.pmcid ? String(stableHash(pmid) % 50) : '',
    fulljournalname: nlmTitle(r.container),
    elocationid: `doi: ${doi}`,
    doctype: 'citation',
    srccontriblist: [],
    booktitle: '',
    medium: '',
    edition: '',
    publisherlocation: '',
    publishername: '',
    srcdate: '',
    reportnumber: '',
    availablefromurl: '',
    locationlabel: '',
    doccontriblist: [],
    docdate: '',
    bookname: '',
    chapter: '',
    sortpubdate: `${r.year}/${pad2(r.month ?? 1)}/${pad2(r.day ?? 1)} 00:00`,
    sortfirstauthor: authors[0]?.name ?? '',
    vernaculartitle: '',
  };
}

function esummary(db: RecordDb, req: RouteRequest): FakeResponse {
  const ids = (param(req.query, 'id') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!ids.length) {
    return json(200, ncbiJson({ header: ESUMMARY_HEADER, esummaryresult: ['Empty id list - nothing todo'] }), eutilsHeaders(req), 'application/json; charset=UTF-8');
  }
  const result: Record<string, unknown> = { uids: ids };
  for (const id of ids) {
    const r = db.byPmid(id);
    result[`${KEEP_ORDER}${id}`] = r ? esummaryDoc(db, r) : { uid: id, error: 'cannot get document summary' };
  }
  return json(200, ncbiJson({ header: ESUMMARY_HEADER, result }), eutilsHeaders(req), 'application/json; charset=UTF-8');
}

const ESEARCH_TAGS: Record<string, SearchField[] | 'doi' | 'pmid' | 'year'> = {
  doi: 'doi',
  aid: 'doi',
  pmid: 'pmid',
  uid: 'pmid',
  ti: ['title'],
  title: ['title'],
  au: ['authors'],
  author: ['authors'],
  '1au': ['authors'],
  ta: ['container'],
  journal: ['container'],
  dp: 'year',
  pdat: 'year',
  vi: ['volume'],
  pg: ['pages'],
};

/** Minimal esearch: AND of terms, each optionally tagged ([doi], [pmid], [ti], [au], [ta], [dp], [vi], [pg]). */
function esearch(db: RecordDb, req: RouteRequest): FakeResponse {
  const term = param(req.query, 'term') ?? '';
  const retmax = Number(param(req.query, 'retmax') ?? 20);
  const retstart = Number(param(req.query, 'retstart') ?? 0);
  const clauses = term.split(/\s+AND\s+/i).map((c) => c.trim()).filter(Boolean);
  let pool: FakeRecord[] = db.records.filter((r) => r.pmid);
  for (const clause of clauses) {
    const m = /^(.*?)\s*\[([^\]]+)\]$/.exec(clause);
    const value = (m ? m[1]! : clause).replace(/^"|"$/g, '');
    const tag = m ? ESEARCH_TAGS[m[2]!.toLowerCase()] : undefined;
    if (tag === 'doi') pool = pool.filter((r) => bareDoi(r.doi) === bareDoi(value));
    else if (tag === 'pmid') pool = pool.filter((r) => r.pmid === value);
    else if (tag === 'year') pool = pool.filter((r) => String(r.year) === value.slice(0, 4));
    else {
      const hits = new Set(db.search.searchAll(value, tag).map((h) => h.record));
      pool = pool.filter((r) => hits.has(r));
    }
  }
  const idlist = pool.slice(retstart, retstart + retmax).map((r) => r.pmid!);
  const body = {
    header: { type: 'esearch', version: '0.3' },
    esearchresult: {
      count: String(pool.length),
      retmax: String(idlist.length),
      retstart: String(retstart),
      idlist,
      translationset: [],
      querytranslation: term,
    },
  };
  return json(200, ncbiJson(body), eutilsHeaders(req), 'application/json; charset=UTF-8');
}

function sameJournal(query: string, r: FakeRecord): boolean {
  const q = foldText(query);
  const names = [r.container, r.containerShort ?? ''].map(foldText);
  if (names.includes(q)) return true;
  // "Science (80-)" style suffixes and a leading "The" do not stop PubMed from knowing the journal.
  const loose = foldText(query.replace(/\([^)]*\)/g, '')).replace(/^the /, '');
  return names.some((n) => n.replace(/^the /, '') === loose);
}

/**
 * ECitMatch: one input line per citation "journal|year|volume|first_page|author|key|", answered in plain
 * text by the same line with the PMID appended, or NOT_FOUND;INVALID_JOURNAL / NOT_FOUND / AMBIGUOUS (n citations).
 */
function ecitmatch(db: RecordDb, req: RouteRequest): FakeResponse {
  const bdata = req.query.get('bdata') ?? '';
  const lines = bdata.split(/\r\n|\r|\n/).map((l) => l.trim()).filter(Boolean);
  const inPubmed = db.records.filter((r) => r.pmid);
  const out = lines.map((line) => {
    const echoed = line.endsWith('|') ? line : `${line}|`;
    const [journal = '', year = '', volume = '', page = '', author = ''] = line.split('|').map((s) => s.trim());
    const journalHits = inPubmed.filter((r) => sameJournal(journal, r));
    if (!journalHits.length) return `${echoed}NOT_FOUND;INVALID_JOURNAL`;
    // "van kampen rjw" -> "van kampen": the last word is the initials unless it is the only word.
    const words = foldText(author).split(' ').filter(Boolean);
    const family = (words.length > 1 ? words.slice(0, -1) : words).join(' ');
    const hits = journalHits.filter(
      (r) =>
        (!year || String(r.year) === year) &&
        (!volume || r.volume === volume) &&
        (!page || foldText(firstPage(r.page) ?? '') === foldText(page)) &&
        (!family || r.authors.some((a) => foldText(a.family) === family)),
    );
    if (hits.length === 1) return `${echoed}${hits[0]!.pmid}`;
    if (hits.length > 1) return `${echoed}AMBIGUOUS (${hits.length} citations)`;
    return `${echoed}NOT_FOUND`;
  });
  return text(200, out.map((l) => `${l}\n`).join(''), eutilsHeaders(req), 'text/plain; charset=UTF-8');
}

export function eutilsRoute(req: RouteRequest): string {
  const m = /^\/entrez\/eutils\/([a-z]+)\.(?:f?cgi)$/.exec(req.rawPath);
  return m ? m[1]! : 'other';
}

export function handleEutils(db: RecordDb, req: RouteRequest): FakeResponse {
  switch (eutilsRoute(req)) {
    case 'ecitmatch':
      return ecitmatch(db, req);
    case 'esummary':
      return esummary(db, req);
    case 'esearch':
      return esearch(db, req);
    default:
      return text(404, 'Not Found', eutilsHeaders(req), 'text/html');
  }
}

/** NCBI's 429 body (quoted in several issue trackers 2019-2021). */
export function eutilsTooMany(req: RouteRequest, retryAfter: number, count: number): FakeResponse {
  const key = ncbiKey(req) ?? '127.0.0.1';
  const limit = ncbiKey(req) ? NCBI_LIMITS.withKey : NCBI_LIMITS.withoutKey;
  const body = JSON.stringify({ error: 'API rate limit exceeded', 'api-key': key, count: String(count), limit: String(limit) });
  return json(429, body, { ...eutilsHeaders(req, 0), 'retry-after': String(retryAfter) });
}

export function eutilsServerError(req: RouteRequest): FakeResponse {
  return json(500, JSON.stringify({ error: 'Internal server error' }), eutilsHeaders(req));
}

// ---------------------------------------------------------------- PMC ID Converter

type IdType = 'pmcid' | 'pmid' | 'doi' | 'mid';

function detectIdType(id: string): IdType | undefined {
  if (/^pmc\d+(\.\d+)?$/i.test(id)) return 'pmcid';
  if (/^\d+$/.test(id)) return 'pmid';
  if (/^10\.\d{4,9}\//.test(id)) return 'doi';
  if (/^[A-Z]+MS\d+$/.test(id)) return 'mid';
  return undefined;
}

function idconvHeaders(): Record<string, string> {
  return {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'GET, OPTIONS',
    'access-control-allow-headers': 'Content-Type, Access-Control-Allow-Headers, Authorization, X-Requested-With',
    allow: 'GET,OPTIONS',
    server: 'Apache',
    'strict-transport-security': 'max-age=31536000; includeSubDomains; preload',
    'x-ua-compatible': 'IE=Edge',
    'x-xss-protection': '1; mode=block',
  };
}

function lookupById(db: RecordDb, id: string, type: IdType): FakeRecord | undefined {
  const r = type === 'pmcid' ? db.byPmcid(id.replace(/\.\d+$/, '')) : type === 'pmid' ? db.byPmid(id) : type === 'doi' ? db.byDoi(id) : undefined;
  // The converter only knows articles that are in PMC.
  return r?.pmcid ? r : undefined;
}

function idconvBody(status: number, body: string): FakeResponse {
  // Declared ISO-8859-1, as NCBI does; the ids are ASCII so the bytes are the same either way.
  return { status, body: Buffer.from(body, 'latin1'), headers: { ...idconvHeaders(), 'content-type': 'application/json; charset=ISO-8859-1' } };
}

function responseDate(): string {
  return FAKE_NOW.iso.replace('T', ' ').replace('Z', '');
}

function idconvError(message: string, request: unknown, status: number): FakeResponse {
  return idconvBody(status, JSON.stringify({ status: 'error', message: encodeURIComponent(message).replace(/'/g, '%27'), responseDate: responseDate(), request }, null, 1));
}

export const IDCONV_MAX_IDS = 200;

export function handleIdconv(db: RecordDb, req: RouteRequest): FakeResponse {
  const isNew = req.rawPath === IDCONV_NEW_PATH || req.rawPath === IDCONV_NEW_PATH.slice(0, -1);
  const isOld = req.rawPath === IDCONV_OLD_PATH || req.rawPath === IDCONV_OLD_PATH.slice(0, -1);
  if (!isNew && !isOld) return text(404, 'Not Found', idconvHeaders(), 'text/html');
  const ids = (param(req.query, 'ids') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const idtype = param(req.query, 'idtype')?.toLowerCase() as IdType | undefined;
  const format = param(req.query, 'format') ?? (isNew ? 'json' : 'xml');
  const requestEcho = [...req.query].map(([k, v]) => `${k}=${k === 'email' || k === 'ids' ? encodeURIComponent(v) : v}`).join(';');
  const requestInfo = isNew ? { ids, format, ...(idtype ? { idtype } : {}) } : requestEcho;
  if (format !== 'json') return text(400, 'fake-services: only format=json is implemented', idconvHeaders());
  if (!ids.length) return idconvError('No IDs specified', requestInfo, 400);
  if (ids.length > IDCONV_MAX_IDS) return idconvError(`Too many IDs: limit is ${IDCONV_MAX_IDS}`, requestInfo, 400);

  const records: Array<Record<string, unknown>> = [];
  for (const id of ids) {
    const detected = detectIdType(id);
    if (idtype && detected !== idtype) {
      if (isOld) return idconvError(`ID type '${idtype}' mismatch for '${id}'`, requestInfo, 404);
      records.push({ 'requested-id': id, status: 'error', errmsg: 'invalid article id' });
      continue;
    }
    const type = idtype ?? detected;
    const r = type ? lookupById(db, id, type) : undefined;
    if (isNew) {
      if (!type) records.push({ 'requested-id': id, status: 'error', errmsg: 'invalid article id' });
      else if (!r) records.push({ [type]: type === 'pmid' ? Number(id) : id, 'requested-id': id });
      else {
        records.push({
          ...(r.pmid ? { pmid: Number(r.pmid) } : {}),
          pmcid: r.pmcid,
          doi: bareDoi(r.doi),
          'requested-id': id,
        });
      }
    } else if (!r) {
      records.push({ [type ?? 'id']: id, status: 'error', errmsg: 'invalid article id' });
    } else {
      records.push({
        pmcid: r.pmcid,
        ...(r.pmid ? { pmid: r.pmid } : {}),
        doi: bareDoi(r.doi),
        versions: [{ pmcid: `${r.pmcid}.1`, current: 'true' }],
      });
    }
  }
  const body = isNew
    ? JSON.stringify({ status: 'ok', 'response-date': responseDate(), request: requestInfo, records })
    : JSON.stringify({ status: 'ok', responseDate: responseDate(), request: requestInfo, records }, null, 1);
  return idconvBody(200, body);
}

export function idconvRoute(req: RouteRequest): string {
  if (req.rawPath.startsWith(IDCONV_NEW_PATH.slice(0, -1))) return 'idconv/api/v1';
  if (req.rawPath.startsWith(IDCONV_OLD_PATH.slice(0, -1))) return 'idconv/v1.0';
  return 'other';
}

export function idconvTooMany(retryAfter: number): FakeResponse {
  return { ...idconvError('Too Many Requests', '', 429), headers: { ...idconvHeaders(), 'content-type': 'application/json; charset=ISO-8859-1', 'retry-after': String(retryAfter) } };
}

export function idconvServerError(): FakeResponse {
  return idconvError('Internal Server Error', '', 500);
}

