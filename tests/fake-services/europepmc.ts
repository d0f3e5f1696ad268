/** www.ebi.ac.uk/europepmc/webservices/rest/search in the recorded lite/core/idlist JSON shapes. */
import {
  type FakeResponse,
  type RouteRequest,
  isoDate,
  json,
  medlineName,
  medlinePages,
  monthAbbrev,
  nlmTitle,
  pad2,
  param,
  text,
  titleWithPeriod,
} from './format.ts';
import { medlineCitation, pubmedPubTypes } from './ncbi.ts';
import { bareDoi, barePmcid, oaCopies, stableHash, type FakeRecord, type NoticeKind, type RecordDb } from './records.ts';
import type { SearchField } from './search.ts';

export const EUROPEPMC_HOST = 'www.ebi.ac.uk';
export const EUROPEPMC_SEARCH_PATH = '/europepmc/webservices/rest/search';
const BASE = `https://${EUROPEPMC_HOST}${EUROPEPMC_SEARCH_PATH}`;
const MAX_PAGE_SIZE = 1000;

const TARGET_TYPES: Record<NoticeKind, string> = {
  retraction: 'Retraction in',
  correction: 'Erratum in',
  expression_of_concern: 'Expression of concern in',
};
const NOTICE_TYPES: Record<NoticeKind, string> = {
  retraction: 'Retraction of',
  correction: 'Erratum for',
  expression_of_concern: 'Expression of concern for',
};

export function europepmcHeaders(): Record<string, string> {
  return {
    'access-control-allow-origin': '*',
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
  };
}

/** Europe PMC holds PubMed records (source MED) and PMC-only records (source PMC). */
function epmcId(r: FakeRecord): { id: string; source: 'MED' | 'PMC' } | undefined {
  if (r.pmid) return { id: r.pmid, source: 'MED' };
  if (r.pmcid) return { id: r.pmcid, source: 'PMC' };
  return undefined;
}

function yn(b: boolean): 'Y' | 'N' {
  return b ? 'Y' : 'N';
}

function ccLicense(r: FakeRecord): string | undefined {
  return oaCopies(r).find((c) => c.license?.startsWith('cc'))?.license;
}

function isOpenAccess(r: FakeRecord): boolean {
  return Boolean(r.pmcid && ccLicense(r));
}

function fullTextUrls(r: FakeRecord): Array<Record<string, string>> {
  const doi = bareDoi(r.doi);
  const publisher = oaCopies(r).find((c) => c.hostType === 'publisher');
  const urls: Array<Record<string, string>> = [];
  if (!publisher) {
    urls.push({ availability: 'Subscription required', availabilityCode: 'S', documentStyle: 'doi', site: 'DOI', url: `https://doi.org/${doi}` });
  }
  if (r.pmcid) {
    const [availability, availabilityCode] = isOpenAccess(r) ? ['Open access', 'OA'] : ['Free', 'F'];
    urls.push(
      { availability, availabilityCode, documentStyle: 'html', site: 'Europe_PMC', url: `https://europepmc.org/articles/${r.pmcid}` },
      { availability, availabilityCode, documentStyle: 'pdf', site: 'Europe_PMC', url: `https://europepmc.org/articles/${r.pmcid}?pdf=render` },
    );
  }
  if (publisher) {
    const open = publisher.license?.startsWith('cc');
    urls.push({ availability: open ? 'Open access' : 'Free', availabilityCode: open ? 'OA' : 'F', documentStyle: 'doi', site: 'DOI', url: `https://doi.org/${doi}` });
  }
  return urls;
}

function commentCorrections(db: RecordDb, r: FakeRecord): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const n of db.noticesFor(r)) {
    if (!n.notice?.pmid) continue;
    out.push({ source: 'MED', id: n.notice.pmid, reference: `${medlineCitation(n.notice)} doi: ${n.noticeDoi}.`, type: TARGET_TYPES[n.kind], orderIn: out.length + 1 });
  }
  for (const u of db.updatesBy(r)) {
    if (!u.target.pmid) continue;
    out.push({ source: 'MED', id: u.target.pmid, reference: `${medlineCitation(u.target)} doi: ${bareDoi(u.target.doi)}.`, type: NOTICE_TYPES[u.kind], orderIn: out.length + 1 });
  }
  return out;
}

function authorString(r: FakeRecord): string {
  return r.authors.length ? `${r.authors.map(medlineName).join(', ')}.` : '';
}

function journalIssn(r: FakeRecord): string {
  return r.issn?.length ? `${r.issn.join('; ')}; ` : '';
}

function pubTypes(db: RecordDb, r: FakeRecord): string[] {
  const types = pubmedPubTypes(db, r);
  const retracted = types.filter((t) => t === 'Retracted Publication');
  return [...retracted, ...types.filter((t) => t !== 'Retracted Publication')];
}

function idFields(r: FakeRecord): Record<string, unknown> {
  const { id, source } = epmcId(r)!;
  return {
    id,
    source,
    ...(r.pmid ? { pmid: r.pmid } : {}),
    ...(r.pmcid ? { pmcid: r.pmcid, fullTextIdList: { fullTextId: [r.pmcid] } } : {}),
  };
}

function liteResult(db: RecordDb, r: FakeRecord): Record<string, unknown> {
  return {
    ...idFields(r),
    doi: bareDoi(r.doi),
    title: titleWithPeriod(r.title),
    authorString: authorString(r),
    journalTitle: r.containerShort ?? r.container,
    ...(r.issue ? { issue: r.issue } : {}),
    ...(r.volume ? { journalVolume: r.volume } : {}),
    pubYear: String(r.year),
    journalIssn: journalIssn(r),
    ...(r.page ? { pageInfo: medlinePages(r.page) } : {}),
    pubType: pubTypes(db, r).map((t) => t.toLowerCase()).join('; '),
    isOpenAccess: yn(isOpenAccess(r)),
    inEPMC: yn(Boolean(r.pmcid)),
    inPMC: yn(Boolean(r.pmcid)),
    hasPDF: yn(Boolean(r.pmcid)),
    hasBook: 'N',
    hasSuppl: 'N',
    citedByCount: r.citedByCount ?? stableHash(r.doi) % 400,
    hasReferences: 'N',
    hasTextMinedTerms: 'N',
    hasDbCrossReferences: 'N',
    hasLabsLinks: 'N',
    hasTMAccessionNumbers: 'N',
    firstIndexDate: isoDate(r),
    firstPublicationDate: isoDate(r),
  };
}

function coreResult(db: RecordDb, r: FakeRecord): Record<string, unknown> {
  const date = isoDate(r);
  const corrections = commentCorrections(db, r);
  const license = ccLicense(r);
  return {
    ...idFields(r),
    doi: bareDoi(r.doi),
    title: titleWithPeriod(r.title),
    authorString: authorString(r),
    authorList: {
      author: r.authors.map((a) => ({
        fullName: medlineName(a),
        ...(a.given ? { firstName: a.given.replace(/\./g, '').trim() } : {}),
        lastName: a.family,
        ...(a.given ? { initials: medlineName(a).slice(a.family.length + 1) } : {}),
      })),
    },
    journalInfo: {
      ...(r.issue ? { issue: r.issue } : {}),
      ...(r.volume ? { volume: r.volume } : {}),
      journalIssueId: 3_000_000 + (stableHash(`${r.container}|${r.volume}|${r.issue}`) % 900_000),
      dateOfPublication: [String(r.year), monthAbbrev(r.month)].filter(Boolean).join(' '),
      monthOfPublication: r.month ?? 0,
      yearOfPublication: r.year,
      printPublicationDate: `${r.year}-${pad2(r.month ?? 1)}-01`,
      journal: {
        title: nlmTitle(r.container),
        medlineAbbreviation: r.containerShort ?? r.container,
        isoabbreviation: r.containerShort ?? r.container,
        nlmid: String(7_000_000 + (stableHash(r.container) % 2_000_000)),
        ...(r.issn?.[0] ? { issn: r.issn[0] } : {}),
        ...(r.issn?.[1] ? { essn: r.issn[1] } : {}),
      },
    },
    pubYear: String(r.year),
    ...(r.page ? { pageInfo: medlinePages(r.page) } : {}),
    publicationStatus: 'ppublish',
    language: 'eng',
    pubModel: 'Print-Electronic',
    pubTypeList: { pubType: pubTypes(db, r) },
    fullTextUrlList: { fullTextUrl: fullTextUrls(r) },
    ...(corrections.length ? { commentCorrectionList: { commentCorrection: corrections } } : {}),
    isOpenAccess: yn(isOpenAccess(r)),
    inEPMC: yn(Boolean(r.pmcid)),
    inPMC: yn(Boolean(r.pmcid)),
    hasPDF: yn(Boolean(r.pmcid)),
    hasBook: 'N',
    hasSuppl: 'N',
    citedByCount: r.citedByCount ?? stableHash(r.doi) % 400,
    hasData: 'N',
    hasReferences: 'N',
    hasTextMinedTerms: 'N',
    hasDbCrossReferences: 'N',
    hasLabsLinks: 'N',
    ...(license ? { license: license.replace(/-/g, ' ') } : {}),
    hasEvaluations: 'N',
    authMan: 'N',
    epmcAuthMan: 'N',
    nihAuthMan: 'N',
    hasTMAccessionNumbers: 'N',
    dateOfCreation: date,
    firstIndexDate: date,
    dateOfRevision: date,
    firstPublicationDate: date,
  };
}

// ---------------------------------------------------------------- query language subset

type QueryNode = { op: 'and' | 'or'; items: QueryNode[] } | { field?: string; value: string };

function lexQuery(q: string): string[] {
  const tokens: string[] = [];
  const re = /\s*(\(|\)|[A-Za-z_]+:"[^"]*"|"[^"]*"|[^\s()]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(q))) tokens.push(m[1]!);
  return tokens;
}

function parseQuery(q: string): QueryNode {
  const tokens = lexQuery(q);
  let pos = 0;
  const parseOr = (): QueryNode => {
    const items = [parseAnd()];
    while (tokens[pos] === 'OR') {
      pos++;
      items.push(parseAnd());
    }
    return items.length === 1 ? items[0]! : { op: 'or', items };
  };
  const parseAnd = (): QueryNode => {
    const items: QueryNode[] = [];
    while (pos < tokens.length && tokens[pos] !== 'OR' && tokens[pos] !== ')') {
      if (tokens[pos] === 'AND') {
        pos++;
        continue;
      }
      items.push(parseTerm());
    }
    return items.length === 1 ? items[0]! : { op: 'and', items };
  };
  const parseTerm = (): QueryNode => {
    const t = tokens[pos++]!;
    if (t === '(') {
      const inner = parseOr();
      if (tokens[pos] === ')') pos++;
      return inner;
    }
    const m = /^([A-Za-z_]+):(.*)$/.exec(t);
    const unquote = (s: string): string => s.replace(/^"|"$/g, '');
    return m ? { field: m[1]!.toUpperCase(), value: unquote(m[2]!) } : { value: unquote(t) };
  };
  return parseOr();
}

const TEXT_FIELDS: Record<string, SearchField[]> = {
  TITLE: ['title'],
  AUTH: ['authors'],
  JOURNAL: ['container'],
  VOLUME: ['volume'],
  ISSUE: ['issue'],
};

type Hits = Map<FakeRecord, number>;

function evaluate(db: RecordDb, node: QueryNode, pool: readonly FakeRecord[]): Hits {
  if ('op' in node) {
    const parts = node.items.map((n) => evaluate(db, n, pool));
    if (node.op === 'or') {
      const out: Hits = new Map();
      for (const p of parts) for (const [r, s] of p) out.set(r, (out.get(r) ?? 0) + s);
      return out;
    }
    const [first, ...rest] = parts;
    const out: Hits = new Map();
    for (const [r, s] of first ?? new Map<FakeRecord, number>()) {
      if (rest.every((p) => p.has(r))) out.set(r, rest.reduce((acc, p) => acc + p.get(r)!, s));
    }
    return out;
  }
  const exact = (pred: (r: FakeRecord) => boolean): Hits => new Map(pool.filter(pred).map((r) => [r, 1]));
  const v = node.value;
  switch (node.field) {
    case 'DOI':
      return exact((r) => bareDoi(r.doi) === bareDoi(v));
    case 'EXT_ID':
      return exact((r) => epmcId(r)?.id.toUpperCase() === v.toUpperCase());
    case 'SRC':
      return exact((r) => epmcId(r)?.source === v.toUpperCase());
    case 'PMID':
      return exact((r) => r.pmid === v);
    case 'PMCID':
      return exact((r) => Boolean(r.pmcid) && r.pmcid === barePmcid(v));
    case 'PUB_YEAR':
      return exact((r) => String(r.year) === v);
    default: {
      const inPool = new Set(pool);
      const fields = node.field ? TEXT_FIELDS[node.field] : undefined;
      return new Map(db.search.searchAll(v, fields).filter((h) => inPool.has(h.record)).map((h) => [h.record, h.score]));
    }
  }
}

function cursorOffset(mark: string | undefined): number {
  if (!mark || mark === '*') return 0;
  const decoded = Buffer.from(mark, 'base64').toString('utf8');
  const m = /^offset:(\d+)$/.exec(decoded);
  return m ? Number(m[1]) : 0;
}

export function handleEuropePmc(db: RecordDb, req: RouteRequest): FakeResponse {
  if (req.rawPath !== EUROPEPMC_SEARCH_PATH) return text(404, 'Not Found', europepmcHeaders(), 'text/html');
  const format = param(req.query, 'format') ?? 'xml';
  if (format !== 'json') return text(400, 'fake-services: only format=json is implemented', europepmcHeaders());
  const query = param(req.query, 'query') ?? '';
  const resultType = (param(req.query, 'resultType') ?? 'lite').toLowerCase();
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Number(param(req.query, 'pageSize') ?? 25) || 25));
  const cursorParam = param(req.query, 'cursorMark');
  const offset = cursorOffset(cursorParam);

  const pool = db.records.filter((r) => epmcId(r));
  const hits = query ? evaluate(db, parseQuery(query), pool) : new Map<FakeRecord, number>();
  const order = new Map(pool.map((r, i) => [r, i]));
  const ranked = [...hits].sort((a, b) => b[1] - a[1] || order.get(a[0])! - order.get(b[0])!).map(([r]) => r);
  const page = ranked.slice(offset, offset + pageSize);
  const build = resultType === 'core' ? coreResult : resultType === 'idlist' ? (_db: RecordDb, r: FakeRecord) => idFields(r) : liteResult;

  const envelope: Record<string, unknown> = { version: '6.9', hitCount: ranked.length };
  if (offset + pageSize < ranked.length) {
    const next = Buffer.from(`offset:${offset + pageSize}`).toString('base64');
    envelope.nextCursorMark = next;
    envelope.nextPageUrl = `${BASE}?query=${encodeURIComponent(query)}&cursorMark=${next}&resultType=${resultType}&format=json`;
  }
  envelope.request = {
    queryString: query,
    resultType,
    cursorMark: cursorParam ?? '%2A',
    pageSize,
    sort: param(req.query, 'sort') ?? '',
    synonym: (param(req.query, 'synonym') ?? 'false').toLowerCase() === 'true',
  };
  envelope.resultList = { result: page.map((r) => build(db, r)) };
  return json(200, JSON.stringify(envelope), europepmcHeaders(), 'application/json;charset=UTF-8');
}

export function europepmcRoute(req: RouteRequest): string {
  return req.rawPath === EUROPEPMC_SEARCH_PATH ? 'search' : 'other';
}

function htmlPage(status: number, title: string): string {
  return `<!DOCTYPE html>\n<html><head><title>${status} ${title}</title></head><body><h1>${title}</h1></body></html>\n`;
}

export function europepmcTooMany(retryAfter: number): FakeResponse {
  return text(429, htmlPage(429, 'Too Many Requests'), { ...europepmcHeaders(), 'retry-after': String(retryAfter) }, 'text/html');
}

export function europepmcServerError(): FakeResponse {
  return text(500, htmlPage(500, 'Internal Server Error'), europepmcHeaders(), 'text/html');
}
