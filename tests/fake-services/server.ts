/**
 * Local fake of the scholarly web services RefLens calls (Crossref, NCBI E-utilities and ID converter,
 * Europe PMC, OpenAlex, Unpaywall), answering on their real hostnames and paths in their recorded shapes.
 *
 * Mount `handler` in a server that already routes by Host header, or let the fake listen on its own port.
 * Requests are routed by Host header, by an absolute-form URL (HTTP proxy style) or by a path prefix
 * (`http://127.0.0.1:PORT/api.crossref.org/works/...`). Control endpoints on any host: GET /__fake/stats,
 * POST /__fake/reset, GET|POST /__fake/faults, GET /__fake/routes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  CROSSREF_HOST,
  CROSSREF_LIMITS,
  crossrefPool,
  crossrefRoute,
  crossrefServerError,
  crossrefTooMany,
  handleCrossref,
} from './crossref.ts';
import { EUROPEPMC_HOST, europepmcRoute, europepmcServerError, europepmcTooMany, handleEuropePmc } from './europepmc.ts';
import { FaultState, validateFaultSpec, type FaultName, type FaultSpec } from './faults.ts';
import { type FakeResponse, type RouteRequest, type ServiceName, headerValue, param, text } from './format.ts';
import { RateLimiter } from './limits.ts';
import {
  EUTILS_HOST,
  IDCONV_NEW_PATH,
  IDCONV_OLD_PATH,
  NCBI_LIMITS,
  eutilsRoute,
  eutilsServerError,
  eutilsTooMany,
  handleEutils,
  handleIdconv,
  idconvRoute,
  idconvServerError,
  idconvTooMany,
  ncbiKey,
} from './ncbi.ts';
import { OPENALEX_HOST, OPENALEX_PER_SECOND, handleOpenAlex, openalexRoute, openalexServerError, openalexTooMany } from './openalex.ts';
import { RecordDb, type FakeRecord } from './records.ts';
import { UNPAYWALL_HOST, UNPAYWALL_PER_DAY, handleUnpaywall, unpaywallRoute, unpaywallServerError, unpaywallTooMany } from './unpaywall.ts';

export type { FakeRecord, FakeAuthor, FakeOaCopy, FakeNotice } from './records.ts';
export { loadRecords, parseRecords } from './records.ts';
export type { FaultSpec, ServiceFaults, FaultTrigger } from './faults.ts';
export type { ServiceName } from './format.ts';

export interface RateLimitOverride {
  /** Requests allowed per window. */
  limit?: number;
  windowMs?: number;
  /** Simultaneous requests allowed (Crossref publishes one). */
  concurrency?: number;
}

export interface StartOptions {
  records: FakeRecord[];
  /** Delay before every answer, in ms; a number for all services or one per service. */
  latencyMs?: number | Partial<Record<ServiceName, number>>;
  /** Enforce each service's published limits (429 + Retry-After beyond them); an object overrides numbers per service. */
  rateLimits?: boolean | Partial<Record<ServiceName, RateLimitOverride>>;
  faults?: FaultSpec;
  /** Port for `server: 'own'`; 0 (default) picks a free one. */
  port?: number;
  /** Listen address for `server: 'own'`; default 127.0.0.1. */
  listenHost?: string;
  /** 'own' (default) listens on a port; 'handler' only returns the request handler. */
  server?: 'own' | 'handler';
  /** OpenAlex has required an api_key since 2026-02-13; default true. */
  requireOpenAlexKey?: boolean;
  /** Seed for probabilistic faults. */
  seed?: number;
}

export interface RequestLogEntry {
  at: string;
  service: ServiceName | 'unknown';
  route: string;
  method: string;
  host: string;
  /** Path and query as received. */
  path: string;
  status: number | 'reset' | 'hang';
  fault?: FaultName;
  rateLimited?: boolean;
}

export interface RequestStats {
  total: number;
  byService: Record<string, number>;
  /** Keyed "<service> <route>", e.g. "crossref works/doi". */
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  /** 429s produced by enforced rate or concurrency limits, per service. */
  rateLimited: Record<string, number>;
  /** Keyed "<service>:<fault>". */
  faults: Record<string, number>;
  /** Highest number of simultaneous requests per limiter key ("crossref:public", "ncbi:anonymous", "europepmc"...). */
  peakConcurrency: Record<string, number>;
  /** The most recent requests (up to 5000), oldest first. */
  log: RequestLogEntry[];
}

export interface FakeServices {
  /** Listening port (0 in handler mode). */
  port: number;
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  stats(): RequestStats;
  /** Clears statistics and rate-limit windows (faults stay as set). */
  reset(): void;
  setFaults(f: FaultSpec): void;
  close(): Promise<void>;
}

interface LimitSpec {
  key: string;
  limit: number;
  windowMs: number;
  concurrency?: number;
}

interface ServiceDef {
  name: ServiceName;
  match(host: string, rawPath: string): boolean;
  route(req: RouteRequest): string;
  handle(db: RecordDb, req: RouteRequest): FakeResponse;
  limit?(req: RouteRequest): LimitSpec;
  tooMany(req: RouteRequest, retryAfter: number, count: number): FakeResponse;
  serverError(req: RouteRequest): FakeResponse;
}

/** Hostnames the fake answers for. */
export const FAKE_HOSTS: readonly string[] = [
  CROSSREF_HOST,
  EUTILS_HOST,
  'pmc.ncbi.nlm.nih.gov',
  'www.ncbi.nlm.nih.gov',
  EUROPEPMC_HOST,
  OPENALEX_HOST,
  UNPAYWALL_HOST,
];

export function isFakeHost(host: string): boolean {
  return FAKE_HOSTS.includes(host.toLowerCase().replace(/:\d+$/, ''));
}

/** Human-readable list of implemented routes (printed by the CLI, served at /__fake/routes). */
export const FAKE_ROUTES: readonly string[] = [
  'GET https://api.crossref.org/works/{doi}            (raw or %2F-encoded DOI)',
  'GET https://api.crossref.org/works?query.bibliographic=...&rows=N[&select=...][&mailto=...]',
  'GET https://api.crossref.org/works?filter=doi:A,doi:B&rows=N',
  'GET https://eutils.ncbi.nlm.nih.gov/entrez/eutils/ecitmatch.cgi?db=pubmed&retmode=xml&bdata=...',
  'GET https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esummary.fcgi?db=pubmed&id=A,B&retmode=json',
  'GET https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi?db=pubmed&term=...&retmode=json',
  `GET https://pmc.ncbi.nlm.nih.gov${IDCONV_NEW_PATH}?ids=...&format=json`,
  `GET https://www.ncbi.nlm.nih.gov${IDCONV_OLD_PATH}?ids=...&format=json`,
  'GET https://www.ebi.ac.uk/europepmc/webservices/rest/search?query=DOI:"a" OR DOI:"b"&resultType=core&format=json',
  'GET https://api.openalex.org/works/{W id | https://doi.org/... | doi:... | pmid:...}?api_key=...',
  'GET https://api.openalex.org/works?filter=doi:A|B&api_key=...',
  'GET https://api.unpaywall.org/v2/{doi}?email=...',
  'GET https://api.unpaywall.org/v2/search?query=...&email=...',
  'GET /__fake/stats   POST /__fake/reset   GET|POST /__fake/faults   GET /__fake/routes   (any host)',
];

function buildServices(requireOpenAlexKey: boolean): ServiceDef[] {
  return [
    {
      name: 'crossref',
      match: (host) => host === CROSSREF_HOST,
      route: crossrefRoute,
      handle: handleCrossref,
      limit: (req) => {
        const pool = crossrefPool(req);
        return { key: `crossref:${pool}`, limit: CROSSREF_LIMITS[pool].perSecond, windowMs: 1000, concurrency: CROSSREF_LIMITS[pool].concurrency };
      },
      tooMany: (req, retryAfter) => crossrefTooMany(req, retryAfter),
      serverError: crossrefServerError,
    },
    {
      name: 'ncbi',
      match: (host) => host === EUTILS_HOST,
      route: eutilsRoute,
      handle: handleEutils,
      limit: (req) => {
        const key = ncbiKey(req);
        return { key: `ncbi:${key ?? 'anonymous'}`, limit: key ? NCBI_LIMITS.withKey : NCBI_LIMITS.withoutKey, windowMs: 1000 };
      },
      tooMany: eutilsTooMany,
      serverError: eutilsServerError,
    },
    {
      name: 'idconv',
      match: (host, path) =>
        (host === 'pmc.ncbi.nlm.nih.gov' && path.startsWith('/tools/idconv/')) ||
        (host === 'www.ncbi.nlm.nih.gov' && path.startsWith('/pmc/utils/idconv/')),
      route: idconvRoute,
      handle: handleIdconv,
      tooMany: (_req, retryAfter) => idconvTooMany(retryAfter),
      serverError: () => idconvServerError(),
    },
    {
      name: 'europepmc',
      match: (host, path) => host === EUROPEPMC_HOST && path.startsWith('/europepmc/'),
      route: europepmcRoute,
      handle: handleEuropePmc,
      tooMany: (_req, retryAfter) => europepmcTooMany(retryAfter),
      serverError: () => europepmcServerError(),
    },
    {
      name: 'openalex',
      match: (host) => host === OPENALEX_HOST,
      route: openalexRoute,
      handle: (db, req) => handleOpenAlex(db, req, requireOpenAlexKey),
      limit: (req) => ({ key: `openalex:${param(req.query, 'api_key') ?? 'anonymous'}`, limit: OPENALEX_PER_SECOND, windowMs: 1000 }),
      tooMany: (_req, retryAfter) => openalexTooMany(retryAfter),
      serverError: () => openalexServerError(),
    },
    {
      name: 'unpaywall',
      match: (host) => host === UNPAYWALL_HOST,
      route: unpaywallRoute,
      handle: handleUnpaywall,
      limit: (req) => ({ key: `unpaywall:${param(req.query, 'email') ?? 'anonymous'}`, limit: UNPAYWALL_PER_DAY, windowMs: 86_400_000 }),
      tooMany: (_req, retryAfter) => unpaywallTooMany(retryAfter),
      serverError: () => unpaywallServerError(),
    },
  ];
}

const GATEWAY_PAGE =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

function stripPort(host: string): string {
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
}

interface Target {
  host: string;
  rawPath: string;
  rawQuery: string;
}

/** Host and path from the Host header, an absolute-form URL, or a /<hostname>/ path prefix. */
function resolveTarget(req: IncomingMessage): Target {
  let raw = req.url ?? '/';
  let host = stripPort((req.headers.host ?? '').toLowerCase());
  const absolute = /^https?:\/\/([^/?#]+)(.*)$/i.exec(raw);
  if (absolute) {
    host = stripPort(absolute[1]!.toLowerCase());
    raw = absolute[2] || '/';
  }
  const q = raw.indexOf('?');
  let rawPath = q < 0 ? raw : raw.slice(0, q);
  const rawQuery = q < 0 ? '' : raw.slice(q + 1);
  if (!FAKE_HOSTS.includes(host)) {
    const prefixed = /^\/([^/]+)(\/.*)?$/.exec(rawPath);
    if (prefixed && FAKE_HOSTS.includes(prefixed[1]!.toLowerCase())) {
      host = prefixed[1]!.toLowerCase();
      rawPath = prefixed[2] ?? '/';
    }
  }
  return { host, rawPath, rawQuery };
}

function truncateBody(r: FakeResponse): FakeResponse {
  const body = typeof r.body === 'string' ? Buffer.from(r.body) : r.body;
  return { ...r, body: body.subarray(0, Math.max(1, Math.floor(body.length * 0.6))) };
}

function send(res: ServerResponse, r: FakeResponse): void {
  if (res.headersSent || res.destroyed) return;
  const body = typeof r.body === 'string' ? Buffer.from(r.body) : r.body;
  res.writeHead(r.status, { ...r.headers, 'content-length': String(body.length), date: new Date().toUTCString() });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, { status, headers: { 'content-type': 'application/json', 'access-control-allow-origin': '*' }, body: JSON.stringify(value, null, 2) });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function emptyStats(): Omit<RequestStats, 'peakConcurrency'> {
  return { total: 0, byService: {}, byRoute: {}, byStatus: {}, rateLimited: {}, faults: {}, log: [] };
}

const LOG_LIMIT = 5000;

export async function startFakeServices(opts: StartOptions): Promise<FakeServices> {
  const db = new RecordDb(opts.records);
  const empty = new RecordDb([]);
  const services = buildServices(opts.requireOpenAlexKey ?? true);
  const faults = new FaultState(opts.faults ?? {}, opts.seed ?? 1);
  const limiter = new RateLimiter();
  /** Responses not yet sent (hanging or waiting out latency), destroyed on close. */
  const open = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  let counters = emptyStats();
  let closed = false;

  const latencyFor = (service: ServiceName): number =>
    typeof opts.latencyMs === 'number' ? opts.latencyMs : (opts.latencyMs?.[service] ?? 0);

  const limitsFor = (def: ServiceDef, req: RouteRequest): LimitSpec | undefined => {
    const base = def.limit?.(req);
    const override = typeof opts.rateLimits === 'object' ? opts.rateLimits[def.name] : undefined;
    if (!base && !override) return undefined;
    return { key: def.name, limit: Number.POSITIVE_INFINITY, windowMs: 1000, ...base, ...override };
  };
  const enforceLimits = Boolean(opts.rateLimits);

  const bump = (map: Record<string, number>, key: string): void => {
    map[key] = (map[key] ?? 0) + 1;
  };

  const log = (entry: RequestLogEntry): void => {
    counters.total++;
    bump(counters.byService, entry.service);
    bump(counters.byRoute, `${entry.service} ${entry.route}`);
    bump(counters.byStatus, String(entry.status));
    if (entry.fault) bump(counters.faults, `${entry.service}:${entry.fault}`);
    if (entry.rateLimited) bump(counters.rateLimited, entry.service);
    counters.log.push(entry);
    if (counters.log.length > LOG_LIMIT) counters.log.splice(0, counters.log.length - LOG_LIMIT);
  };

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const control = async (req: IncomingMessage, res: ServerResponse, target: Target): Promise<void> => {
    const action = target.rawPath.slice('/__fake/'.length).replace(/\/$/, '');
    if (action === 'stats' && req.method === 'GET') return sendJson(res, 200, api.stats());
    if (action === 'routes' && req.method === 'GET') return sendJson(res, 200, { hosts: FAKE_HOSTS, routes: FAKE_ROUTES });
    if (action === 'reset' && req.method === 'POST') {
      api.reset();
      return sendJson(res, 200, { ok: true });
    }
    if (action === 'faults' && req.method === 'GET') return sendJson(res, 200, faults.get());
    if (action === 'faults' && req.method === 'POST') {
      try {
        const body = await readBody(req);
        api.setFaults(validateFaultSpec(body.trim() ? JSON.parse(body) : {}));
        return sendJson(res, 200, faults.get());
      } catch (err) {
        return sendJson(res, 400, { error: (err as Error).message });
      }
    }
    return sendJson(res, 404, { error: `no control endpoint ${req.method} ${target.rawPath}` });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = resolveTarget(req);
    if (target.rawPath.startsWith('/__fake/')) return control(req, res, target);
    const method = req.method ?? 'GET';
    const path = `${target.rawPath}${target.rawQuery ? `?${target.rawQuery}` : ''}`;
    const def = services.find((s) => s.match(target.host, target.rawPath));
    const entry: RequestLogEntry = { at: new Date().toISOString(), service: def?.name ?? 'unknown', route: 'other', method, host: target.host, path, status: 404 };
    if (!def) {
      log(entry);
      return send(res, text(404, `fake-services: no fake answers ${target.host}${target.rawPath}\n`, {}));
    }
    const routeReq: RouteRequest = { host: target.host, rawPath: target.rawPath, query: new URLSearchParams(target.rawQuery), headers: req.headers };
    entry.route = def.route(routeReq);
    if (method === 'OPTIONS') {
      entry.route = 'preflight';
      entry.status = 204;
      log(entry);
      return send(res, {
        status: 204,
        body: '',
        headers: {
          'access-control-allow-origin': '*',
          'access-control-allow-methods': 'GET, HEAD, OPTIONS',
          'access-control-allow-headers': headerValue(req.headers, 'access-control-request-headers') ?? '*',
          'access-control-max-age': '86400',
        },
      });
    }

    // Limits first: a request turned away with 429 never reaches the (faulty) service.
    const limits = limitsFor(def, routeReq);
    let remaining: number | undefined;
    if (limits) {
      if (enforceLimits && limits.concurrency !== undefined && limiter.active(limits.key) >= limits.concurrency) {
        entry.status = 429;
        entry.rateLimited = true;
        log(entry);
        return send(res, def.tooMany(routeReq, 1, limiter.active(limits.key) + 1));
      }
      const check = limiter.take(limits.key, limits.limit, limits.windowMs, Date.now(), enforceLimits);
      if (!check.allowed) {
        entry.status = 429;
        entry.rateLimited = true;
        log(entry);
        return send(res, def.tooMany(routeReq, check.retryAfter, check.count));
      }
      remaining = Number.isFinite(limits.limit) ? check.remaining : undefined;
    }
    const fault = faults.pick(def.name);
    if (fault) entry.fault = fault.name;
    if (fault?.name === 'down') {
      entry.status = 'reset';
      log(entry);
      // A TCP reset where the socket can send one; a TLS socket (the e2e harness serves HTTPS) throws on
      // resetAndDestroy, which made the harness answer 500 instead: close it without an answer.
      const socket = req.socket as Socket & { resetAndDestroy?: () => void };
      try {
        if (typeof socket.resetAndDestroy !== 'function') throw new Error('no reset');
        socket.resetAndDestroy();
      } catch {
        socket.destroy();
      }
      return;
    }
    if (fault?.name === 'hang') {
      entry.status = 'hang';
      log(entry);
      open.add(res);
      res.on('close', () => open.delete(res));
      return;
    }

    if (fault?.name === 'rate429') {
      entry.status = 429;
      log(entry);
      return send(res, def.tooMany(routeReq, fault.retryAfter, 0));
    }

    const slot = limits?.key ?? def.name;
    limiter.acquire(slot);
    let released = false;
    const release = (): void => {
      if (!released) {
        released = true;
        limiter.release(slot);
      }
    };
    res.on('close', release);
    open.add(res);
    res.on('close', () => open.delete(res));
    try {
      const latency = latencyFor(def.name);
      if (latency > 0) await sleep(latency);
      if (closed || res.destroyed) return;
      let response: FakeResponse;
      if (fault?.name === 'status500') response = def.serverError(routeReq);
      else if (fault?.name === 'htmlError') response = { status: 502, headers: { 'content-type': 'text/html', server: 'nginx' }, body: GATEWAY_PAGE };
      else response = def.handle(fault?.name === 'emptyResults' ? empty : db, routeReq);
      if (fault?.name === 'malformedJson') response = truncateBody(response);
      if (remaining !== undefined && 'x-ratelimit-remaining' in response.headers) {
        response = { ...response, headers: { ...response.headers, 'x-ratelimit-remaining': String(remaining) } };
      }
      entry.status = response.status;
      log(entry);
      send(res, response);
    } finally {
      if (res.writableEnded) release();
    }
  };

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((err: unknown) => {
      send(res, text(500, `fake-services internal error: ${(err as Error).stack ?? String(err)}\n`, {}));
    });
  };

  let server: Server | undefined;
  let port = 0;
  if ((opts.server ?? 'own') === 'own') {
    server = createServer(handler);
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(opts.port ?? 0, opts.listenHost ?? '127.0.0.1', () => resolve());
    });
    port = (server.address() as AddressInfo).port;
  }

  const api: FakeServices = {
    port,
    handler,
    stats: () => {
      const { log: entries, ...counts } = structuredClone(counters);
      return { ...counts, peakConcurrency: limiter.peaksByKey(), log: entries };
    },
    reset: () => {
      counters = emptyStats();
      limiter.reset();
    },
    setFaults: (f) => faults.set(f),
    close: async () => {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const res of open) res.destroy();
      open.clear();
      if (server) {
        const s = server;
        await new Promise<void>((resolve) => {
          s.close(() => resolve());
          s.closeAllConnections();
        });
      }
    },
  };
  return api;
}
