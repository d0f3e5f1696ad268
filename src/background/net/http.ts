/**
 * The background's one way to call a web service: `http.request(service, url, {parse, timeoutMs, signal})`
 * resolves to the parsed body or rejects with a ServiceError. Adds rate limiting (Scheduler), timeouts, bounded
 * retries, 429/Retry-After pauses, de-duplication of identical GETs, a per-service circuit breaker and status events.
 */
import type { ServiceName } from '../services/hosts';
import { isDeadlineExceeded } from './deadline';
import { Scheduler } from './scheduler';

export const SERVICE_LABELS: Record<ServiceName, string> = {
  crossref: 'Crossref',
  eutils: 'PubMed',
  idconv: 'PubMed Central',
  europepmc: 'Europe PMC',
  openalex: 'OpenAlex',
  unpaywall: 'Unpaywall',
};

/**
 * 'aborted' means the caller cancelled, 'deadline' that the caller's time ran out (net/deadline) while the request
 * was out or still to go; neither counts against the service, so the next page asks it again.
 */
export type ServiceErrorKind = 'http' | 'timeout' | 'network' | 'rate-limited' | 'malformed' | 'aborted' | 'deadline';

export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  readonly service: ServiceName;
  readonly kind: ServiceErrorKind;
  readonly status?: number;
  readonly retryAfterMs?: number;
  /** The service's own short explanation (JSON `message`, a plain-text body), when it gave one. */
  readonly detail?: string;

  constructor(
    service: ServiceName,
    kind: ServiceErrorKind,
    message: string,
    extra: { status?: number; retryAfterMs?: number; detail?: string } = {},
  ) {
    super(message);
    this.service = service;
    this.kind = kind;
    if (extra.status !== undefined) this.status = extra.status;
    if (extra.retryAfterMs !== undefined) this.retryAfterMs = extra.retryAfterMs;
    if (extra.detail !== undefined) this.detail = extra.detail;
  }
}

export function isServiceError(e: unknown): e is ServiceError {
  return e instanceof ServiceError;
}

/** True for "the service answered that this does not exist" - a result to remember, not a failure. */
export function isNotFound(e: unknown): boolean {
  return e instanceof ServiceError && e.kind === 'http' && e.status === 404;
}

export type ServiceState = 'ok' | 'retrying' | 'rate-limited' | 'unavailable';

export interface ServiceStatus {
  service: ServiceName;
  state: ServiceState;
  /** When the service will be tried again. */
  retryInMs?: number;
  /** Ready for the UI, e.g. "PubMed unavailable, retrying in 30 s". */
  message: string;
}

export type Parse = 'json' | 'text';

export interface RequestOptions {
  parse?: Parse;
  /** Per attempt, from the moment the request leaves the queue. Default 10 s. */
  timeoutMs?: number;
  /** Cancels this caller's request; aborted with DeadlineExceeded (net/deadline), the error says what ran out of time. */
  signal?: AbortSignal;
}

export interface HttpOptions {
  scheduler?: Scheduler;
  fetch?: typeof fetch;
  /** Retries after the first attempt, for 5xx, network errors, timeouts and 429. Default 2. */
  maxRetries?: number;
  /** First backoff delay; doubles each retry, with jitter. Default 1 s. */
  backoffMs?: number;
  /**
   * A 429 asking to wait longer than this is not retried: the references end now with "try again in …" and the
   * service fails fast until then, so a page is final within seconds (default 5 s).
   */
  maxRetryAfterMs?: number;
  /** Consecutive failed attempts that open the circuit. Default 5. */
  breakerThreshold?: number;
  /** First cool-down of an open circuit; doubles while the service stays down, up to 5 min. Default 30 s. */
  breakerCooldownMs?: number;
  timeoutMs?: number;
  random?: () => number;
  now?: () => number;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: ServiceError; retryable: boolean };

interface Breaker {
  failures: number;
  openUntil: number;
  trips: number;
  halfOpen: boolean;
  lastKind: ServiceErrorKind;
  state: ServiceState;
}

/** Where a shared request stands, so that a caller whose time runs out can be told why. */
interface Progress {
  /** An attempt is out on the network. */
  sending: boolean;
  /** The last attempt's failure, while a retry is pending. */
  lastError?: ServiceError;
}

interface Inflight {
  promise: Promise<unknown>;
  controller: AbortController;
  users: number;
  progress: Progress;
}

const MAX_BREAKER_COOLDOWN_MS = 5 * 60_000;

export class Http {
  readonly scheduler: Scheduler;
  private readonly fetchImpl: typeof fetch;
  private readonly opts: Required<Omit<HttpOptions, 'scheduler' | 'fetch'>>;
  private readonly inflight = new Map<string, Inflight>();
  private readonly breakers = new Map<ServiceName, Breaker>();
  private readonly listeners = new Set<(s: ServiceStatus) => void>();

  constructor(options: HttpOptions = {}) {
    this.opts = {
      maxRetries: options.maxRetries ?? 2,
      backoffMs: options.backoffMs ?? 1000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 5_000,
      breakerThreshold: options.breakerThreshold ?? 5,
      breakerCooldownMs: options.breakerCooldownMs ?? 30_000,
      timeoutMs: options.timeoutMs ?? 10_000,
      random: options.random ?? Math.random,
      now: options.now ?? (() => Date.now()),
    };
    this.scheduler = options.scheduler ?? new Scheduler({ now: this.opts.now });
    // Bound at call time so a test (or a polyfill) that replaces globalThis.fetch later is honoured.
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  /** Subscribe to service status changes; returns the unsubscribe function. */
  onStatus(listener: (s: ServiceStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Current state of a service, for a UI that subscribes late. */
  statusOf(service: ServiceName): ServiceState {
    return this.breakers.get(service)?.state ?? 'ok';
  }

  /** GET `url` and parse the body. Identical concurrent requests share one network call. */
  request<T = unknown>(service: ServiceName, url: string, options: RequestOptions = {}): Promise<T> {
    const parse = options.parse ?? 'json';
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(isDeadlineExceeded(signal.reason) ? notAsked(service) : aborted(service));
    const key = `${service} ${parse} ${url}`;
    let entry = this.inflight.get(key);
    if (!entry) {
      const controller = new AbortController();
      const progress: Progress = { sending: false };
      const created: Inflight = {
        controller,
        users: 0,
        progress,
        promise: this.run(service, url, parse, options.timeoutMs ?? this.opts.timeoutMs, controller.signal, progress),
      };
      const forget = () => {
        if (this.inflight.get(key) === created) this.inflight.delete(key);
      };
      created.promise.then(forget, forget);
      this.inflight.set(key, created);
      entry = created;
    }
    return this.join(entry, key, service, signal) as Promise<T>;
  }

  /** One caller's view of a shared request: its own abort rejects only it; the request stops when all have left. */
  private join(entry: Inflight, key: string, service: ServiceName, signal?: AbortSignal): Promise<unknown> {
    entry.users++;
    if (!signal) {
      return entry.promise.finally(() => {
        entry.users--;
      });
    }
    return new Promise((resolve, reject) => {
      let left = false;
      const leave = () => {
        if (left) return false;
        left = true;
        entry.users--;
        signal.removeEventListener('abort', onAbort);
        return true;
      };
      const onAbort = () => {
        if (!leave()) return;
        // Read before aborting the shared request, which ends its attempt.
        const error = isDeadlineExceeded(signal.reason) ? outOfTime(service, entry.progress) : aborted(service);
        // Asked and silent for a whole deadline: the next batch of the page, or another page, should not wait again.
        if (error.kind === 'deadline' && entry.progress.sending && !this.isOpen(service)) {
          this.trip(service, this.opts.breakerCooldownMs, 'deadline');
        }
        if (entry.users === 0) {
          if (this.inflight.get(key) === entry) this.inflight.delete(key);
          entry.controller.abort();
        }
        reject(error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      entry.promise.then(
        (v) => {
          if (leave()) resolve(v);
        },
        (e) => {
          if (leave()) reject(e);
        },
      );
    });
  }

  private async run(
    service: ServiceName,
    url: string,
    parse: Parse,
    timeoutMs: number,
    signal: AbortSignal,
    progress: Progress,
  ): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      this.assertClosed(service);
      let outcome: Outcome;
      try {
        outcome = await this.scheduler.schedule(
          service,
          async () => {
            // The circuit may have opened while this request waited in the queue.
            this.assertClosed(service);
            progress.sending = true;
            try {
              return await this.attempt(service, url, parse, timeoutMs, signal);
            } finally {
              progress.sending = false;
            }
          },
          signal,
        );
      } catch (e) {
        if (e instanceof ServiceError) throw e;
        throw aborted(service);
      }
      if (outcome.ok) {
        this.recordSuccess(service);
        return outcome.value;
      }
      const { error } = outcome;
      progress.lastError = error;
      if (error.kind === 'aborted') throw error;
      if (error.kind === 'rate-limited' && !outcome.retryable) {
        // Asked to stay away longer than we are willing to hold a page: give up, and fail fast until then.
        this.trip(service, error.retryAfterMs ?? this.opts.maxRetryAfterMs, 'rate-limited');
        throw error;
      }
      if (countsAsFailure(error)) this.recordFailure(service, error);
      if (!outcome.retryable || attempt >= this.opts.maxRetries || this.isOpen(service)) {
        // After retries the UI was told "retrying"; say how it ended (an open circuit has already said so).
        if (attempt > 0 && !this.isOpen(service)) this.emit(service, 'unavailable', error.message);
        throw error;
      }

      if (error.kind === 'rate-limited') {
        const wait = error.retryAfterMs ?? this.backoff(attempt);
        // Pausing the pool holds every other queued request of this service too.
        this.scheduler.pause(service, wait);
        this.emit(service, 'rate-limited', `${SERVICE_LABELS[service]} rate limit, retrying in ${duration(wait)}`, wait);
      } else {
        const wait = error.retryAfterMs ?? this.backoff(attempt);
        this.emit(service, 'retrying', `${error.message}, retrying in ${duration(wait)}`, wait);
        await sleep(wait, signal).catch(() => {
          throw aborted(service);
        });
      }
    }
  }

  private async attempt(service: ServiceName, url: string, parse: Parse, timeoutMs: number, signal: AbortSignal): Promise<Outcome> {
    const label = SERVICE_LABELS[service];
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const failed = (): Outcome => {
      if (signal.aborted) return { ok: false, error: aborted(service), retryable: false };
      if (timedOut) {
        return {
          ok: false,
          error: new ServiceError(service, 'timeout', `${label} did not answer within ${duration(timeoutMs)}`),
          retryable: true,
        };
      }
      return { ok: false, error: new ServiceError(service, 'network', `${label} unreachable (network error)`), retryable: true };
    };
    try {
      let res: Response;
      let text: string;
      try {
        res = await this.fetchImpl(url, {
          method: 'GET',
          signal: controller.signal,
          headers: { Accept: parse === 'json' ? 'application/json' : 'text/plain, */*' },
          // No cookies and no referrer: services learn the query, never the user's session or page.
          credentials: 'omit',
          referrerPolicy: 'no-referrer',
        });
        this.scheduler.observe(service, res.headers);
        text = await readText(res);
      } catch {
        return failed();
      }
      return this.classify(service, res, text, parse);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  private classify(service: ServiceName, res: Response, text: string, parse: Parse): Outcome {
    const label = SERVICE_LABELS[service];
    const { status } = res;
    if (status >= 200 && status < 300) {
      if (parse === 'text') return { ok: true, value: text };
      const value = parseJson(text);
      if (value === undefined) {
        return { ok: false, error: new ServiceError(service, 'malformed', `${label} sent an unreadable response`, { status }), retryable: false };
      }
      return { ok: true, value };
    }
    const detail = errorDetail(text, res.headers.get('content-type'));
    if (status === 429) {
      const requested = parseRetryAfter(res.headers.get('retry-after'), this.opts.now());
      if (requested !== undefined && requested > this.opts.maxRetryAfterMs) {
        const message = `${label} rate limit, try again in ${duration(requested)}`;
        const extra = { status, retryAfterMs: requested, ...(detail ? { detail } : {}) };
        return { ok: false, error: new ServiceError(service, 'rate-limited', message, extra), retryable: false };
      }
      return {
        ok: false,
        error: new ServiceError(service, 'rate-limited', `${label} rate limit`, {
          status,
          ...(requested !== undefined ? { retryAfterMs: requested } : {}),
          ...(detail ? { detail } : {}),
        }),
        retryable: true,
      };
    }
    if (status >= 500) {
      const requested = parseRetryAfter(res.headers.get('retry-after'), this.opts.now());
      const retryAfterMs = requested !== undefined && requested <= this.opts.maxRetryAfterMs ? requested : undefined;
      return {
        ok: false,
        error: new ServiceError(service, 'http', `${label} unavailable (HTTP ${status})`, {
          status,
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
          ...(detail ? { detail } : {}),
        }),
        retryable: true,
      };
    }
    const message = status === 404 ? `${label}: not found (HTTP 404)` : `${label} refused the request (HTTP ${status}${detail ? `: ${detail}` : ''})`;
    return { ok: false, error: new ServiceError(service, 'http', message, { status, ...(detail ? { detail } : {}) }), retryable: false };
  }

  private backoff(attempt: number): number {
    const base = this.opts.backoffMs * 2 ** attempt;
    return Math.round(base * (0.5 + this.opts.random()));
  }

  // --- circuit breaker -------------------------------------------------------------------------------------

  private breaker(service: ServiceName): Breaker {
    let b = this.breakers.get(service);
    if (!b) {
      b = { failures: 0, openUntil: 0, trips: 0, halfOpen: false, lastKind: 'network', state: 'ok' };
      this.breakers.set(service, b);
    }
    return b;
  }

  private isOpen(service: ServiceName): boolean {
    return this.breaker(service).openUntil > this.opts.now();
  }

  private assertClosed(service: ServiceName): void {
    if (this.breaker(service).openUntil > this.opts.now()) throw this.closedError(service);
  }

  /** The error of a request refused while the service's circuit is open: why, and when to try again. */
  private closedError(service: ServiceName): ServiceError {
    const b = this.breaker(service);
    const left = Math.max(0, b.openUntil - this.opts.now());
    return new ServiceError(service, b.lastKind, closedMessage(service, b.lastKind, left), { retryAfterMs: left });
  }

  private recordFailure(service: ServiceName, error: ServiceError): void {
    const b = this.breaker(service);
    b.failures++;
    b.lastKind = error.kind;
    if (b.halfOpen || b.failures >= this.opts.breakerThreshold) {
      const cooldown = Math.min(MAX_BREAKER_COOLDOWN_MS, this.opts.breakerCooldownMs * 2 ** b.trips);
      this.trip(service, cooldown, error.kind);
    }
  }

  private trip(service: ServiceName, ms: number, kind: ServiceErrorKind): void {
    const b = this.breaker(service);
    b.openUntil = this.opts.now() + ms;
    b.trips++;
    b.failures = 0;
    b.halfOpen = true; // after the cool-down one failure reopens at once
    b.lastKind = kind;
    const limited = kind === 'rate-limited';
    this.emit(service, limited ? 'rate-limited' : 'unavailable', pausedMessage(service, kind, ms), ms);
    // Requests already queued would each wait for a place in the rate window only to fail: fail them now.
    this.scheduler.dropQueued(service, () => this.closedError(service));
  }

  private recordSuccess(service: ServiceName): void {
    const b = this.breaker(service);
    const wasDegraded = b.state !== 'ok';
    b.failures = 0;
    b.trips = 0;
    b.halfOpen = false;
    b.openUntil = 0;
    if (wasDegraded) this.emit(service, 'ok', `${SERVICE_LABELS[service]} available again`);
  }

  private emit(service: ServiceName, state: ServiceState, message: string, retryInMs?: number): void {
    this.breaker(service).state = state;
    const status: ServiceStatus = { service, state, message, ...(retryInMs !== undefined ? { retryInMs } : {}) };
    for (const listener of this.listeners) {
      try {
        listener(status);
      } catch {
        // A broken listener must not break requests.
      }
    }
  }
}

function countsAsFailure(e: ServiceError): boolean {
  // 4xx other than 429 means the service is up and answered; it must not open the circuit.
  if (e.kind === 'aborted' || e.kind === 'deadline') return false;
  if (e.kind === 'http') return (e.status ?? 0) >= 500;
  return true;
}

/** For status listeners: the circuit closes again then, and the next request goes out. */
const PAUSE_REASONS: Partial<Record<ServiceErrorKind, string>> = { 'rate-limited': 'rate limit', deadline: 'not answering' };

function pausedMessage(service: ServiceName, kind: ServiceErrorKind, ms: number): string {
  const what = PAUSE_REASONS[kind] ?? 'unavailable';
  return `${SERVICE_LABELS[service]} ${what}, retrying in ${duration(ms)}`;
}

/** For a request refused while the circuit is open: nothing retries it, a later request (a reload) may go out then. */
function closedMessage(service: ServiceName, kind: ServiceErrorKind, ms: number): string {
  const what = PAUSE_REASONS[kind] ?? 'unavailable';
  return `${SERVICE_LABELS[service]} ${what}, try again in ${duration(ms)}`;
}

function aborted(service: ServiceName): ServiceError {
  return new ServiceError(service, 'aborted', `${SERVICE_LABELS[service]} request cancelled`);
}

/** The caller's time ran out before this request could go out. */
function notAsked(service: ServiceName): ServiceError {
  return new ServiceError(service, 'deadline', `${SERVICE_LABELS[service]} not asked (out of time)`);
}

/**
 * The caller's time ran out with the request under way: waiting for the service's answer, waiting to retry after a
 * failure (that failure is what went wrong), or still queued behind the service's other requests.
 */
function outOfTime(service: ServiceName, progress: Progress): ServiceError {
  if (progress.sending) return new ServiceError(service, 'deadline', `${SERVICE_LABELS[service]} did not answer in time`);
  return progress.lastError ?? notAsked(service);
}

/** Retry-After as delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** "30 s", "2 min": short enough for a status line. */
export function duration(ms: number): string {
  const s = Math.ceil(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.ceil(s / 60)} min`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Decodes with the charset the server names (idconv says ISO-8859-1); Response.text() would force UTF-8. */
async function readText(res: Response): Promise<string> {
  const buf = await res.arrayBuffer();
  const charset = /charset\s*=\s*"?([\w.:-]+)/i.exec(res.headers.get('content-type') ?? '')?.[1];
  if (charset) {
    try {
      return new TextDecoder(charset).decode(buf);
    } catch {
      // Unknown label: fall through to UTF-8.
    }
  }
  return new TextDecoder().decode(buf);
}

/** JSON.parse that answers undefined instead of throwing ("Resource not found." arrives as application/json). */
export function parseJson(text: string): unknown {
  const t = text.trim();
  if (!t || (t[0] !== '{' && t[0] !== '[')) return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
}

/** A short, plain explanation from an error body: JSON `message`/`error`, plain text, or an HTML title. */
function errorDetail(text: string, contentType: string | null): string | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const json = parseJson(t);
  let detail: string | undefined;
  if (json && typeof json === 'object') {
    const o = json as Record<string, unknown>;
    const m = o.message ?? o.error;
    if (typeof m === 'string') detail = m;
    else if (Array.isArray(m) && typeof (m[0] as Record<string, unknown> | undefined)?.message === 'string') {
      detail = (m[0] as Record<string, string>).message;
    }
    // idconv URL-encodes its messages ("ID%20type%20%27doi%27...").
    if (detail && /%[0-9A-F]{2}/i.test(detail)) {
      try {
        detail = decodeURIComponent(detail);
      } catch {
        // keep as sent
      }
    }
  } else if (/^</.test(t) || /html/i.test(contentType ?? '')) {
    detail = /<title>([^<]*)<\/title>/i.exec(t)?.[1] ?? /<h1>([^<]*)<\/h1>/i.exec(t)?.[1];
  } else {
    detail = t;
  }
  detail = detail?.replace(/\s+/g, ' ').trim();
  return detail ? detail.slice(0, 200) : undefined;
}
