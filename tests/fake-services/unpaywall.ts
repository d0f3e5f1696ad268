/** api.unpaywall.org/v2/{doi}?email= and /v2/search in the 2025 recorded shape. */
import { type FakeResponse, type RouteRequest, displayName, isoDate, json, param, pathAfter, text } from './format.ts';
import { bestCopy, oaStatus } from './openalex.ts';
import { bareDoi, oaCopies, type FakeOaCopy, type FakeRecord, type RecordDb } from './records.ts';
import { tokenize } from './search.ts';
import { crossrefWork } from './crossref.ts';

export const UNPAYWALL_HOST = 'api.unpaywall.org';
export const UNPAYWALL_PER_DAY = 100_000;

export function unpaywallHeaders(): Record<string, string> {
  return {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'POST, GET, OPTIONS, PUT, DELETE, PATCH',
    'access-control-allow-headers': 'origin, content-type, accept, x-requested-with',
    server: 'Heroku',
    via: '1.1 heroku-router',
  };
}

function error(status: number, message: string): FakeResponse {
  return json(status, JSON.stringify({ HTTP_status_code: status, error: true, message }), unpaywallHeaders());
}

/**
 * Missing email: 422 (wording not recorded). Placeholder address: 422 with the message quoted in
 * monarch-initiative/aurelian#38 (2025) for test@example.com.
 */
function checkEmail(req: RouteRequest): FakeResponse | undefined {
  const email = param(req.query, 'email');
  if (!email) return error(422, 'Email address required in API call, see http://unpaywall.org/products/api');
  if (/@example\.com$/i.test(email) || /^your[_.-]?email/i.test(email)) {
    return error(422, 'Please use your own email address in API calls. See http://unpaywall.org/products/api');
  }
  return undefined;
}

function locationOf(r: FakeRecord, c: FakeOaCopy, isBest: boolean): Record<string, unknown> {
  const doi = bareDoi(r.doi);
  const landing = c.hostType === 'publisher' ? `https://doi.org/${doi}` : c.url;
  const pmc = /PMC(\d+)/i.exec(c.url);
  return {
    url: c.pdfUrl ?? landing,
    url_for_pdf: c.pdfUrl ?? null,
    url_for_landing_page: landing,
    evidence: 'deprecated',
    license: c.license ?? null,
    version: c.version,
    host_type: c.hostType,
    is_best: isBest,
    pmh_id: c.hostType === 'repository' && pmc ? `oai:pubmedcentral.nih.gov:${pmc[1]}` : null,
    endpoint_id: null,
    repository_institution: c.hostType === 'repository' ? (c.repository ?? new URL(c.url).hostname) : null,
    oa_date: isoDate(r),
    updated: 'deprecated',
  };
}

export function unpaywallObject(db: RecordDb, r: FakeRecord): Record<string, unknown> {
  const doi = bareDoi(r.doi);
  const best = bestCopy(r);
  const copies = oaCopies(r);
  const ordered = best ? [best, ...copies.filter((c) => c !== best)] : [];
  const locations = ordered.map((c) => locationOf(r, c, c === best));
  const issn = r.issn ?? [];
  return {
    doi,
    doi_url: `https://doi.org/${doi}`,
    title: r.title,
    genre: r.type ?? 'journal-article',
    is_paratext: false,
    published_date: isoDate(r),
    year: r.year,
    journal_name: r.container,
    journal_issns: issn.length ? issn.join(',') : null,
    journal_issn_l: issn[0] ?? null,
    journal_is_oa: Boolean(r.journalIsOa),
    journal_is_in_doaj: Boolean(r.journalIsOa),
    publisher: crossrefWork(db, r).publisher,
    is_oa: locations.length > 0,
    oa_status: oaStatus(r),
    has_repository_copy: copies.some((c) => c.hostType === 'repository'),
    best_oa_location: locations[0] ?? null,
    first_oa_location: locations[0] ?? null,
    oa_locations: locations,
    oa_locations_embargoed: [],
    data_standard: 2,
    z_authors: r.authors.length
      ? r.authors.map((a, i) => ({
          author_position: i === 0 ? 'first' : i === r.authors.length - 1 ? 'last' : 'additional',
          raw_author_name: displayName(a),
          is_corresponding: i === 0,
          raw_affiliation_strings: [],
        }))
      : null,
    updated: '2026-05-30T00:00:00Z',
  };
}

function snippet(title: string, query: string): string {
  const words = new Set(tokenize(query));
  return title.replace(/[\p{L}\p{N}]+/gu, (w) => (words.has(tokenize(w)[0] ?? '') ? `<b>${w}</b>` : w));
}

export function unpaywallRoute(req: RouteRequest): string {
  if (req.rawPath === '/v2/search' || req.rawPath === '/v2/search/') return 'v2/search';
  return req.rawPath.startsWith('/v2/') ? 'v2/doi' : 'other';
}

export function handleUnpaywall(db: RecordDb, req: RouteRequest): FakeResponse {
  const emailProblem = checkEmail(req);
  if (emailProblem) return emailProblem;
  if (unpaywallRoute(req) === 'v2/search') {
    const query = param(req.query, 'query') ?? '';
    const hits = db.search.searchAll(query, ['title']).slice(0, 50);
    const results = hits.map((h) => ({ response: unpaywallObject(db, h.record), snippet: snippet(h.record.title, query), score: h.score / 1000 }));
    return json(200, JSON.stringify({ results, elapsed_seconds: 0.015 }), unpaywallHeaders());
  }
  const doi = pathAfter(req.rawPath, '/v2/');
  if (!doi) return text(404, 'Not Found', unpaywallHeaders(), 'text/html');
  const r = db.byDoi(doi);
  if (!r) return error(404, `'${doi}' is an invalid doi.  See http://doi.org/${doi}`);
  return json(200, JSON.stringify(unpaywallObject(db, r)), unpaywallHeaders());
}

/** Not recorded: JSON in Unpaywall's error style. */
export function unpaywallTooMany(retryAfter: number): FakeResponse {
  const r = error(429, 'Too many requests. The limit is 100,000 calls per day; see http://unpaywall.org/products/api');
  return { ...r, headers: { ...r.headers, 'retry-after': String(retryAfter) } };
}

export function unpaywallServerError(): FakeResponse {
  return text(
    500,
    '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was unable to complete your request.</p>\n',
    unpaywallHeaders(),
    'text/html',
  );
}
