/** api.openalex.org: /works/{id|doi URL} and /works?filter=doi:a|b in the 2025-2026 recorded shapes. */
import { type FakeResponse, type RouteRequest, displayName, firstPage, isoDate, json, lastPage, param, pathAfter, selectKeys, text } from './format.ts';
import { RecordDb, bareDoi, barePmcid, oaCopies, openalexIdOf, stableHash, type FakeOaCopy, type FakeRecord } from './records.ts';
import { tokenize } from './search.ts';

export const OPENALEX_HOST = 'api.openalex.org';
export const OPENALEX_MAX_OR_VALUES = 100;
export const OPENALEX_MAX_PER_PAGE = 200;
export const OPENALEX_PER_SECOND = 100;

const EXPOSE =
  'Cache-Control, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Onetime-Remaining, X-RateLimit-Credits-Used, X-RateLimit-Credits-Required, X-RateLimit-Reset, X-RateLimit-Limit-USD, X-RateLimit-Remaining-USD, X-RateLimit-Prepaid-Remaining-USD, X-RateLimit-Cost-USD, X-RateLimit-Cost-Required-USD, Retry-After';

export function openalexHeaders(): Record<string, string> {
  return {
    'access-control-allow-origin': '*',
    'access-control-allow-headers': 'Accept, Accept-Language, Accept-Encoding, Authorization, Content-Type',
    'access-control-allow-methods': 'GET, HEAD, POST, OPTIONS',
    'access-control-expose-headers': EXPOSE,
    server: 'cloudflare',
    via: '1.1 heroku-router',
    'x-ratelimit-limit': '10000',
    'x-ratelimit-limit-usd': '1',
  };
}

/** OpenAlex answers unknown works with an HTML page (recorded 2025-11). */
export function openalexNotFound(): FakeResponse {
  return text(
    404,
    '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n',
    openalexHeaders(),
    'text/html; charset=utf-8',
  );
}

function badRequest(message: string): FakeResponse {
  return json(400, JSON.stringify({ error: 'Invalid query parameters error.', message }), openalexHeaders());
}

export function openalexUnauthorized(): FakeResponse {
  return json(401, JSON.stringify({ error: 'Invalid or missing API key', message: 'API key not found' }), { ...openalexHeaders(), 'cache-control': 'no-store' });
}

function sourceOf(r: FakeRecord): Record<string, unknown> {
  const id = `S${100_000_000 + (stableHash(r.container) % 900_000_000)}`;
  return {
    id: `https://openalex.org/${id}`,
    display_name: r.container,
    issn_l: r.issn?.[0] ?? null,
    issn: r.issn ?? null,
    is_oa: Boolean(r.journalIsOa),
    is_in_doaj: Boolean(r.journalIsOa),
    is_indexed_in_scopus: true,
    is_core: true,
    host_organization: null,
    host_organization_name: null,
    host_organization_lineage: [],
    host_organization_lineage_names: [],
    type: 'journal',
  };
}

function repositorySource(copy: FakeOaCopy): Record<string, unknown> {
  const name = copy.repository ?? new URL(copy.url).hostname;
  return {
    id: `https://openalex.org/S${4_306_000_000 + (stableHash(name) % 900_000)}`,
    display_name: name,
    issn_l: null,
    issn: null,
    is_oa: true,
    is_in_doaj: false,
    is_indexed_in_scopus: false,
    is_core: false,
    host_organization: null,
    host_organization_name: null,
    host_organization_lineage: [],
    host_organization_lineage_names: [],
    type: 'repository',
  };
}

function location(r: FakeRecord, copy: FakeOaCopy | undefined): Record<string, unknown> {
  const doi = bareDoi(r.doi);
  const publisher = !copy || copy.hostType === 'publisher';
  const version = copy?.version ?? 'publishedVersion';
  return {
    id: publisher ? `doi:${doi}` : `${copy!.repository ?? 'repository'}:${copy!.url}`,
    is_oa: Boolean(copy),
    landing_page_url: publisher ? `https://doi.org/${doi}` : copy!.url,
    pdf_url: copy?.pdfUrl ?? null,
    source: publisher ? sourceOf(r) : repositorySource(copy!),
    license: copy?.license ?? null,
    license_id: copy?.license ? `https://openalex.org/licenses/${copy.license}` : null,
    version,
    is_accepted: version !== 'submittedVersion',
    is_published: version === 'publishedVersion',
    raw_source_name: publisher ? r.container : (copy!.repository ?? null),
  };
}

const VERSION_RANK = { publishedVersion: 0, acceptedVersion: 1, submittedVersion: 2 } as const;

/** Best copy as Unpaywall/OpenAlex pick it: publisher first, then the most final version. */
export function bestCopy(r: FakeRecord): FakeOaCopy | undefined {
  return [...oaCopies(r)].sort(
    (a, b) => (a.hostType === 'publisher' ? 0 : 1) - (b.hostType === 'publisher' ? 0 : 1) || VERSION_RANK[a.version] - VERSION_RANK[b.version],
  )[0];
}

/** gold / hybrid / bronze / green / closed, from the record's copies. */
export function oaStatus(r: FakeRecord): 'gold' | 'hybrid' | 'bronze' | 'green' | 'closed' {
  const copies = oaCopies(r);
  const publisher = copies.find((c) => c.hostType === 'publisher');
  if (publisher) {
    if (r.journalIsOa) return 'gold';
    return publisher.license?.startsWith('cc') ? 'hybrid' : 'bronze';
  }
  return copies.length ? 'green' : 'closed';
}

function abstractIndex(title: string): Record<string, number[]> {
  const index: Record<string, number[]> = {};
  tokenize(title).forEach((w, i) => (index[w] ??= []).push(i));
  return index;
}

/** A work object as GET /works/{id} returns it. */
export function openalexWork(db: RecordDb, r: FakeRecord): Record<string, unknown> {
  const wid = openalexIdOf(r);
  const doi = bareDoi(r.doi);
  const copies = oaCopies(r);
  const best = bestCopy(r);
  const publisherCopy = copies.find((c) => c.hostType === 'publisher');
  const repositoryCopies = copies.filter((c) => c.hostType === 'repository');
  const locations = [location(r, publisherCopy), ...repositoryCopies.map((c) => location(r, c))];
  const ids: Record<string, string> = { openalex: `https://openalex.org/${wid}`, doi: `https://doi.org/${doi}` };
  if (r.pmid) ids.pmid = `https://pubmed.ncbi.nlm.nih.gov/${r.pmid}`;
  if (r.pmcid) ids.pmcid = `https://www.ncbi.nlm.nih.gov/pmc/articles/${r.pmcid.replace(/^PMC/, '')}`;
  const cited = r.citedByCount ?? stableHash(doi) % 400;
  return {
    id: `https://openalex.org/${wid}`,
    doi: `https://doi.org/${doi}`,
    title: r.title,
    display_name: r.title,
    publication_year: r.year,
    publication_date: isoDate(r),
    ids,
    language: 'en',
    primary_location: location(r, publisherCopy),
    type: db.updatesBy(r).some((u) => u.kind === 'retraction') ? 'retraction' : db.updatesBy(r).length ? 'erratum' : 'article',
    indexed_in: r.pmid ? ['crossref', 'pubmed'] : ['crossref'],
    open_access: {
      is_oa: Boolean(best),
      oa_status: oaStatus(r),
      oa_url: best ? (best.pdfUrl ?? (best.hostType === 'publisher' ? `https://doi.org/${doi}` : best.url)) : null,
      any_repository_has_fulltext: repositoryCopies.length > 0,
    },
    authorships: r.authors.map((a, i) => ({
      author_position: i === 0 ? 'first' : i === r.authors.length - 1 ? 'last' : 'middle',
      author: { id: `https://openalex.org/A${5_000_000_000 + (stableHash(`${a.family}|${a.given}`) % 99_999_999)}`, display_name: displayName(a), orcid: null },
      institutions: [],
      countries: [],
      is_corresponding: i === 0,
      raw_author_name: displayName(a),
      raw_affiliation_strings: [],
      affiliations: [],
    })),
    institutions: [],
    countries_distinct_count: 0,
    institutions_distinct_count: 0,
    corresponding_author_ids: [],
    corresponding_institution_ids: [],
    apc_list: null,
    apc_paid: null,
    fwci: null,
    cited_by_count: cited,
    citation_normalized_percentile: null,
    cited_by_percentile_year: null,
    biblio: { volume: r.volume ?? null, issue: r.issue ?? null, first_page: firstPage(r.page) ?? null, last_page: lastPage(r.page) ?? firstPage(r.page) ?? null },
    is_retracted: db.noticesFor(r).some((n) => n.kind === 'retraction'),
    is_paratext: false,
    is_xpac: false,
    primary_topic: null,
    topics: [],
    keywords: [],
    concepts: [],
    mesh: [],
    locations_count: locations.length,
    locations,
    best_oa_location: best ? location(r, best) : null,
    sustainable_development_goals: [],
    grants: [],
    awards: [],
    funders: [],
    has_content: { pdf: Boolean(best?.pdfUrl), grobid_xml: false },
    referenced_works_count: 0,
    referenced_works: [],
    related_works: [],
    abstract_inverted_index: abstractIndex(r.title),
    counts_by_year: cited ? [{ year: 2025, cited_by_count: Math.ceil(cited / 10) }] : [],
    updated_date: '2026-05-30T00:00:00.000000',
    created_date: `${isoDate(r)}T00:00:00`,
  };
}

const SAMPLE: FakeRecord = { doi: '10.5555/sample', title: 'sample', authors: [], container: 'sample', year: 2000 };
/** Keys a work object carries, for validating `select=`. */
const WORK_KEYS = Object.keys(openalexWork(new RecordDb([SAMPLE]), SAMPLE));

function checkSelect(select: string | undefined): string[] | FakeResponse | undefined {
  if (!select) return undefined;
  const fields = select.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = fields.find((f) => !WORK_KEYS.includes(f) && f !== 'relevance_score');
  return bad ? badRequest(`${bad} is not a valid select field. Valid fields for select are: ${WORK_KEYS.join(', ')}.`) : fields;
}

function findWork(db: RecordDb, id: string): FakeRecord | undefined {
  if (/^(https:\/\/openalex\.org\/)?W\d+$/i.test(id)) return db.byOpenAlexId(id);
  if (/^https?:\/\/(dx\.)?doi\.org\//i.test(id) || /^doi:/i.test(id) || /^10\./.test(id)) return db.byDoi(id);
  const pmid = /^(?:pmid:|https:\/\/pubmed\.ncbi\.nlm\.nih\.gov\/)(\d+)$/i.exec(id);
  if (pmid) return db.byPmid(pmid[1]!);
  const pmcid = /^pmcid:(.+)$/i.exec(id);
  if (pmcid) return db.byPmcid(pmcid[1]!);
  return undefined;
}

const FILTERS: Record<string, (r: FakeRecord, value: string, db: RecordDb) => boolean> = {
  doi: (r, v) => bareDoi(r.doi) === bareDoi(v),
  'ids.pmid': (r, v) => r.pmid === v.replace(/^https:\/\/pubmed\.ncbi\.nlm\.nih\.gov\//, ''),
  pmid: (r, v) => r.pmid === v.replace(/^https:\/\/pubmed\.ncbi\.nlm\.nih\.gov\//, ''),
  'ids.pmcid': (r, v) => Boolean(r.pmcid) && r.pmcid === barePmcid(v.replace(/^.*\/articles\//, '')),
  pmcid: (r, v) => Boolean(r.pmcid) && r.pmcid === barePmcid(v.replace(/^.*\/articles\//, '')),
  openalex: (r, v) => openalexIdOf(r).toUpperCase() === v.replace(/^https:\/\/openalex\.org\//i, '').toUpperCase(),
  'ids.openalex': (r, v) => openalexIdOf(r).toUpperCase() === v.replace(/^https:\/\/openalex\.org\//i, '').toUpperCase(),
  publication_year: (r, v) => String(r.year) === v,
  is_retracted: (r, v, db) => String(db.noticesFor(r).some((n) => n.kind === 'retraction')) === v,
  'open_access.is_oa': (r, v) => String(oaCopies(r).length > 0) === v,
  is_oa: (r, v) => String(oaCopies(r).length > 0) === v,
};
const SEARCH_FILTERS = new Set(['title.search', 'display_name.search', 'default.search']);

function worksList(db: RecordDb, req: RouteRequest): FakeResponse {
  const perPage = Number(param(req.query, 'per_page') ?? param(req.query, 'per-page') ?? 25);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > OPENALEX_MAX_PER_PAGE) {
    return badRequest(`per-page parameter must be between 1 and ${OPENALEX_MAX_PER_PAGE}`);
  }
  const select = checkSelect(param(req.query, 'select'));
  if (select && !Array.isArray(select)) return select;
  let pool: FakeRecord[] = [...db.records];
  let scores: Map<FakeRecord, number> | undefined;
  const searchText = [param(req.query, 'search')];
  for (const f of (param(req.query, 'filter') ?? '').split(',').filter(Boolean)) {
    const colon = f.indexOf(':');
    const name = f.slice(0, colon < 0 ? f.length : colon);
    const value = colon < 0 ? '' : f.slice(colon + 1);
    if (SEARCH_FILTERS.has(name)) {
      searchText.push(value);
      continue;
    }
    const test = FILTERS[name];
    if (!test) return badRequest(`${name} is not a valid field. Valid fields are underscore or hyphenated versions of: ${[...Object.keys(FILTERS), ...SEARCH_FILTERS].join(', ')}`);
    const values = value.split('|');
    if (values.length > OPENALEX_MAX_OR_VALUES) {
      return badRequest(`Maximum number of values exceeded for ${name}. Decrease values to ${OPENALEX_MAX_OR_VALUES} or below, or consider using a paging technique.`);
    }
    pool = pool.filter((r) => values.some((v) => test(r, v, db)));
  }
  const query = searchText.filter(Boolean).join(' ');
  if (query) {
    scores = new Map(db.search.search(query, ['title']).map((h) => [h.record, h.score * 10]));
    pool = pool.filter((r) => scores!.has(r)).sort((a, b) => scores!.get(b)! - scores!.get(a)!);
  } else {
    // OpenAlex returns OR batches in its own order, not the request's.
    pool.sort((a, b) => Number(openalexIdOf(b).slice(1)) - Number(openalexIdOf(a).slice(1)));
  }
  const cursor = param(req.query, 'cursor');
  const page = Number(param(req.query, 'page') ?? 1);
  const offset = cursor ? (cursor === '*' ? 0 : Number(Buffer.from(cursor, 'base64').toString('utf8')) || 0) : (page - 1) * perPage;
  const results = pool.slice(offset, offset + perPage).map((r) => {
    const work: Record<string, unknown> = openalexWork(db, r);
    if (scores) work.relevance_score = scores.get(r);
    return select ? selectKeys(work, select as string[]) : work;
  });
  const meta: Record<string, unknown> = { count: pool.length, db_response_time_ms: 5, page: cursor ? null : page, per_page: perPage };
  if (cursor) meta.next_cursor = results.length ? Buffer.from(String(offset + perPage)).toString('base64') : null;
  meta.groups_count = null;
  return json(200, JSON.stringify({ meta, results, group_by: [] }), openalexHeaders());
}

export function openalexRoute(req: RouteRequest): string {
  if (req.rawPath === '/works' || req.rawPath === '/works/') return 'works/list';
  if (req.rawPath.startsWith('/works/')) return 'works/id';
  return 'other';
}

export function handleOpenAlex(db: RecordDb, req: RouteRequest, requireKey: boolean): FakeResponse {
  if (requireKey && !param(req.query, 'api_key')) return openalexUnauthorized();
  if (req.rawPath === '/works' || req.rawPath === '/works/') return worksList(db, req);
  const id = pathAfter(req.rawPath, '/works/');
  if (!id) return openalexNotFound();
  const select = checkSelect(param(req.query, 'select'));
  if (select && !Array.isArray(select)) return select;
  const r = findWork(db, id);
  if (!r) return openalexNotFound();
  const work = openalexWork(db, r);
  return json(200, JSON.stringify(select ? selectKeys(work, select as string[]) : work), openalexHeaders());
}

/** Not recorded: a JSON 429 in the style of OpenAlex's other errors. */
export function openalexTooMany(retryAfter: number): FakeResponse {
  return json(429, JSON.stringify({ error: 'Rate limit exceeded', message: 'Too many requests, please slow down.' }), { ...openalexHeaders(), 'retry-after': String(retryAfter) });
}

export function openalexServerError(): FakeResponse {
  return json(500, JSON.stringify({ error: 'Internal server error', message: 'Something went wrong.' }), openalexHeaders());
}
