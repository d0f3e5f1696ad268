/** api.crossref.org: GET /works/{doi} and GET /works?query...|filter=doi:... in the recorded shapes. */
import {
  FAKE_NOW,
  type FakeResponse,
  type RouteRequest,
  crossrefJson,
  dateParts,
  headerValue,
  json,
  param,
  pathAfter,
  selectKeys,
  text,
} from './format.ts';
import { bareDoi, oaCopies, stableHash, type FakeRecord, type NoticeKind, type RecordDb } from './records.ts';
import { combineSearches, type ScoredRecord, type SearchField } from './search.ts';

export const CROSSREF_HOST = 'api.crossref.org';

export type CrossrefPool = 'public' | 'polite';
export const CROSSREF_LIMITS: Record<CrossrefPool, { perSecond: number; concurrency: number }> = {
  public: { perSecond: 5, concurrency: 1 },
  polite: { perSecond: 10, concurrency: 3 },
};

/** Polite pool when a mailto is given as a parameter or in the User-Agent (June 2026 recordings). */
export function crossrefPool(req: RouteRequest): CrossrefPool {
  if (param(req.query, 'mailto')) return 'polite';
  return /mailto:/i.test(headerValue(req.headers, 'user-agent') ?? '') ? 'polite' : 'public';
}

export function crossrefHeaders(req: RouteRequest): Record<string, string> {
  const pool = crossrefPool(req);
  return {
    'access-control-allow-headers':
      'X-Requested-With, Accept, Accept-Encoding, Accept-Charset, Accept-Language, Accept-Ranges, Cache-Control',
    'access-control-allow-origin': '*',
    'access-control-expose-headers': 'Link',
    'permissions-policy': 'interest-cohort=()',
    server: 'Jetty(9.4.40.v20210413)',
    vary: 'Accept-Encoding',
    'x-api-pool': pool,
    'x-concurrency-limit': String(CROSSREF_LIMITS[pool].concurrency),
    'x-rate-limit-interval': '1s',
    'x-rate-limit-limit': String(CROSSREF_LIMITS[pool].perSecond),
  };
}

const PUBLISHERS: Record<string, string> = {
  '10.1056': 'Massachusetts Medical Society',
  '10.1126': 'American Association for the Advancement of Science (AAAS)',
  '10.1007': 'Springer Science and Business Media LLC',
  '10.1200': 'American Society of Clinical Oncology (ASCO)',
  '10.1093': 'Oxford University Press (OUP)',
  '10.3322': 'Wiley',
  '10.1016': 'Elsevier BV',
  '10.5555': 'Crossref Test Publisher',
};

const LABELS: Record<NoticeKind, string> = {
  retraction: 'Retraction',
  correction: 'Correction',
  expression_of_concern: 'Expression of concern',
};

function dateObject(iso: string): Record<string, unknown> {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const ts = Date.UTC(y, m - 1, d);
  return { 'date-parts': [[y, m, d]], 'date-time': `${iso}T00:00:00Z`, timestamp: ts };
}

function licenseUrl(license: string): string {
  const m = /^cc-(by(?:-nc)?(?:-nd|-sa)?)$/.exec(license);
  return m ? `https://creativecommons.org/licenses/${m[1]}/4.0/` : `https://www.example.org/licenses/${license}`;
}

/** The `message` of GET /works/{doi}, built from a record. */
export function crossrefWork(db: RecordDb, r: FakeRecord): Record<string, unknown> {
  const doi = bareDoi(r.doi);
  const prefix = doi.split('/')[0]!;
  const created = `${r.year}-${String(r.month ?? 1).padStart(2, '0')}-${String(r.day ?? 1).padStart(2, '0')}`;
  const issued = { 'date-parts': [dateParts(r)] };
  const publisherCopies = oaCopies(r).filter((c) => c.hostType === 'publisher');
  const notices = db.noticesFor(r);
  const updates = db.updatesBy(r);
  const work: Record<string, unknown> = {
    indexed: { 'date-parts': [[2026, 6, 1]], 'date-time': FAKE_NOW.iso, timestamp: FAKE_NOW.timestamp, version: '3.54.1' },
    'reference-count': 0,
    publisher: r.publisher ?? PUBLISHERS[prefix] ?? 'Example Publisher',
  };
  if (r.issue) work.issue = r.issue;
  const licensed = publisherCopies.filter((c) => c.license);
  if (licensed.length) {
    work.license = licensed.map((c) => ({
      start: dateObject(created),
      'content-version': c.version === 'acceptedVersion' ? 'am' : 'vor',
      'delay-in-days': 0,
      URL: licenseUrl(c.license!),
    }));
  }
  Object.assign(work, {
    'content-domain': { domain: [], 'crossmark-restriction': false },
    'short-container-title': r.containerShort ? [r.containerShort] : [],
    'published-print': issued,
    DOI: doi,
    type: r.type ?? 'journal-article',
    created: dateObject(created),
  });
  if (r.page) work.page = r.page;
  if (notices.length || updates.length) work['update-policy'] = `https://doi.org/${prefix}/crossmark_policy`;
  Object.assign(work, {
    source: 'Crossref',
    'is-referenced-by-count': r.citedByCount ?? stableHash(doi) % 400,
    title: [r.title],
    prefix,
  });
  if (r.volume) work.volume = r.volume;
  Object.assign(work, {
    author: r.authors.map((a, i) => ({
      ...(a.given ? { given: a.given } : {}),
      family: a.family,
      sequence: i === 0 ? 'first' : 'additional',
      affiliation: [],
      role: [{ vocabulary: 'crossref', role: 'author' }],
    })),
    member: String(100 + (stableHash(prefix) % 30000)),
    'container-title': [r.container],
    'original-title': [],
    language: 'en',
  });
  const pdfs = publisherCopies.filter((c) => c.pdfUrl);
  if (pdfs.length) {
    work.link = pdfs.map((c) => ({
      URL: c.pdfUrl,
      'content-type': 'application/pdf',
      'content-version': c.version === 'acceptedVersion' ? 'am' : 'vor',
      'intended-application': 'text-mining',
    }));
  }
  Object.assign(work, {
    deposited: dateObject(created),
    score: 1,
    resource: { primary: { URL: `https://doi.org/${doi}` } },
    subtitle: [],
    'short-title': [],
    issued,
    'references-count': 0,
  });
  if (r.issue) work['journal-issue'] = { issue: r.issue, 'published-print': issued };
  const issn = r.issn ?? [];
  Object.assign(work, {
    'alternative-id': [],
    URL: `https://doi.org/${doi}`,
    relation: {},
    ISSN: issn,
    'issn-type': issn.map((value, i) => ({ value, type: i === 0 ? 'print' : 'electronic' })),
    subject: [],
    published: issued,
  });
  if (notices.length) {
    work['updated-by'] = notices.map((n) => ({
      DOI: n.noticeDoi,
      type: n.kind,
      label: LABELS[n.kind],
      source: 'publisher',
      updated: dateObject(n.date),
    }));
  }
  if (updates.length) {
    work['update-to'] = updates.map((u) => ({
      updated: dateObject(u.date),
      type: u.kind,
      label: LABELS[u.kind],
      DOI: bareDoi(u.target.doi),
    }));
  }
  return work;
}

function envelope(messageType: 'work' | 'work-list', message: unknown): string {
  return crossrefJson({ status: 'ok', 'message-type': messageType, 'message-version': '1.0.0', message });
}

function validationFailure(req: RouteRequest, problems: Array<Record<string, string>>): FakeResponse {
  return json(
    400,
    crossrefJson({ status: 'failed', 'message-type': 'validation-failure', message: problems }),
    crossrefHeaders(req),
    'application/json;charset=utf-8',
  );
}

/** Unknown DOI: plain text even though clients ask for JSON (recorded 2022-2026). */
export function crossrefNotFound(req: RouteRequest): FakeResponse {
  return text(404, 'Resource not found.', crossrefHeaders(req));
}

const LIST_PARAMS = new Set([
  'query', 'query.bibliographic', 'query.title', 'query.author', 'query.container-title', 'filter', 'rows',
  'offset', 'select', 'mailto', 'sort', 'order', 'cursor', 'facet',
]);
const FILTERS = new Set(['doi', 'type', 'from-pub-date', 'until-pub-date', 'prefix', 'issn']);
const FIELD_QUERIES: Array<[string, SearchField[] | undefined]> = [
  ['query', undefined],
  ['query.bibliographic', undefined],
  ['query.title', ['title']],
  ['query.author', ['authors']],
  ['query.container-title', ['container']],
];

function pubDateKey(r: FakeRecord): string {
  return `${r.year}-${String(r.month ?? 1).padStart(2, '0')}-${String(r.day ?? 1).padStart(2, '0')}`;
}

function applyFilters(records: readonly FakeRecord[], filters: Map<string, string[]>): FakeRecord[] {
  return records.filter((r) =>
    [...filters].every(([name, values]) =>
      values.some((v) => {
        switch (name) {
          case 'doi':
            return bareDoi(r.doi) === bareDoi(v);
          case 'type':
            return (r.type ?? 'journal-article') === v;
          case 'from-pub-date':
            return pubDateKey(r) >= v.padEnd(10, v.length === 4 ? '-01-01' : '-01');
          case 'until-pub-date':
            return pubDateKey(r) <= v.padEnd(10, v.length === 4 ? '-12-31' : '-31');
          case 'prefix':
            return bareDoi(r.doi).startsWith(`${v.toLowerCase()}/`);
          case 'issn':
            return (r.issn ?? []).includes(v);
          default:
            return false;
        }
      }),
    ),
  );
}

function parseIntParam(req: RouteRequest, name: string, fallback: number, max: number): number | FakeResponse {
  const raw = param(req.query, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > max) {
    return validationFailure(req, [
      { type: 'integer-not-valid', value: raw, message: `Integer specified as ${raw} but must be a positive integer less than or equal to ${max}. ` },
    ]);
  }
  return n;
}

function worksList(db: RecordDb, req: RouteRequest): FakeResponse {
  const unknown = [...req.query.keys()].filter((k) => !LIST_PARAMS.has(k));
  if (unknown.length) {
    return validationFailure(req, unknown.map((k) => ({ type: 'parameter-not-allowed', value: k, message: `This route does not support ${k}` })));
  }
  const rows = parseIntParam(req, 'rows', 20, 1000);
  if (typeof rows !== 'number') return rows;
  const offset = parseIntParam(req, 'offset', 0, 10000);
  if (typeof offset !== 'number') return offset;

  const filters = new Map<string, string[]>();
  for (const f of req.query.getAll('filter').flatMap((v) => v.split(',')).filter(Boolean)) {
    const colon = f.indexOf(':');
    const name = colon < 0 ? f : f.slice(0, colon);
    if (!FILTERS.has(name)) {
      return validationFailure(req, [
        { type: 'filter-not-available', value: name, message: `Filter ${name} specified but there is no such filter for this route. Valid filters for this route are: ${[...FILTERS].join(', ')}` },
      ]);
    }
    filters.set(name, [...(filters.get(name) ?? []), f.slice(colon + 1)]);
  }

  const queries = FIELD_QUERIES.map(([name, fields]) => [param(req.query, name), fields] as const).filter(([q]) => q);
  const allowed = filters.size ? new Set(applyFilters(db.records, filters)) : undefined;
  let hits: ScoredRecord[];
  if (queries.length) {
    hits = combineSearches(queries.map(([q, fields]) => db.search.search(q!, fields))).filter((h) => !allowed || allowed.has(h.record));
  } else {
    hits = (allowed ? [...allowed] : [...db.records]).map((record) => ({ record, score: 0 }));
  }

  const select = param(req.query, 'select')?.split(',').map((s) => s.trim()).filter(Boolean);
  const items = hits.slice(offset, offset + rows).map(({ record, score }) => {
    const work = { ...crossrefWork(db, record), score };
    return select ? selectKeys(work, select.filter((k) => k !== 'score')) : work;
  });
  const message = {
    facets: {},
    'total-results': hits.length,
    items,
    'items-per-page': rows,
    query: { 'start-index': offset, 'search-terms': param(req.query, 'query') ?? null },
  };
  return json(200, envelope('work-list', message), crossrefHeaders(req));
}

/** Stats route name for a Crossref request. */
export function crossrefRoute(req: RouteRequest): string {
  if (req.rawPath.startsWith('/works/')) return 'works/doi';
  if (req.rawPath === '/works' || req.rawPath === '/works/') {
    const filter = req.query.getAll('filter').join(',');
    if (/(^|,)doi:/.test(filter)) return 'works/filter-doi';
    if (param(req.query, 'query.bibliographic')) return 'works/query.bibliographic';
    return 'works/list';
  }
  return 'other';
}

export function handleCrossref(db: RecordDb, req: RouteRequest): FakeResponse {
  if (req.rawPath === '/works' || req.rawPath === '/works/') return worksList(db, req);
  const doi = pathAfter(req.rawPath, '/works/');
  if (doi === undefined || !doi) return crossrefNotFound(req);
  const fieldQuery = [...req.query.keys()].find((k) => k.startsWith('query'));
  if (fieldQuery) {
    return validationFailure(req, [{ type: 'parameter-not-allowed', value: 'query.*', message: 'This route does not support field query parameters' }]);
  }
  const record = db.byDoi(doi);
  if (!record) return crossrefNotFound(req);
  return json(200, envelope('work', crossrefWork(db, record)), crossrefHeaders(req));
}

/** 429 as Crossref's proxy sends it: an HTML page. Retry-After is added for clients that honour it. */
export function crossrefTooMany(req: RouteRequest, retryAfter: number): FakeResponse {
  return text(
    429,
    '<html><body><h1>429 Too Many Requests</h1>\nYou have sent too many requests in a given amount of time.\n</body></html>\n',
    { ...crossrefHeaders(req), 'cache-control': 'no-cache', 'retry-after': String(retryAfter) },
    'text/html',
  );
}

/** 500 in the recorded Clojure exception shape. */
export function crossrefServerError(req: RouteRequest): FakeResponse {
  const body = crossrefJson({
    status: 'error',
    'message-type': 'exception',
    'message-version': '1.0.0',
    message: {
      name: 'class clojure.lang.ExceptionInfo',
      description: 'clojure.lang.ExceptionInfo: Response Exception qbits.spandex.Response@40533e24',
      message: 'Response Exception',
      stack: ['clojure.core$ex_info.invokeStatic(core.clj:4617)', 'clojure.core$ex_info.invoke(core.clj:4617)'],
      cause: null,
    },
  });
  return json(500, body, { ...crossrefHeaders(req), 'exception-name': 'class clojure.lang.ExceptionInfo' });
}
