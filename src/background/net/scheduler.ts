/**
 * Per-service rate limiter: a sliding window (at most `burst` requests in any window of burst/perSecond seconds,
 * counted from each request's answer) and a cap on requests in flight, one pool per service (NCBI's eutils and
 * idconv share one pool). Starts from the documented limits and adapts to the x-rate-limit-* / x-concurrency-limit headers
 * the services send. Usage: `scheduler.schedule(service, task)`.
 */
import type { ServiceName } from '../services/hosts';

export type PoolName = 'crossref' | 'ncbi' | 'europepmc' | 'openalex' | 'unpaywall';

export const POOL_OF: Record<ServiceName, PoolName> = {
  crossref: 'crossref',
  eutils: 'ncbi',
  idconv: 'ncbi',
  europepmc: 'europepmc',
  openalex: 'openalex',
  unpaywall: 'unpaywall',
};

export interface RateLimit {
  /** Sustained requests per second. */
  perSecond: number;
  /** Requests in flight at once. */
  concurrency: number;
  /**
   * Requests that may go together: a request starts only while fewer than `burst` others started within the last
   * burst/perSecond seconds, each counted until that long after its answer. `perSecond` for a limit documented
   * "per second" lets a page's first requests go at once instead of one every 1/perSecond s; 1 = evenly spaced.
   */
  burst: number;
}

/**
 * Services count requests when they ARRIVE, and a request's trip varies (a new TLS connection, a busy machine), so
 * starts one window apart can land in one window there (the fake answers 429 to that, as Crossref does). A request
 * arrives before its answer returns: counting each request until one window after its answer is safe whatever
 * the trip took. This small margin only covers timer and clock rounding.
 */
export const WINDOW_MARGIN_MS = 20;

/** What the limits depend on: Crossref's polite pool needs a mailto, NCBI's higher rate an api_key. */
export interface LimitProfile {
  crossrefPolite: boolean;
  ncbiApiKey: boolean;
}

export function defaultLimits(profile: LimitProfile): Record<PoolName, RateLimit> {
  return {
    // Documented as N requests per second (Crossref's x-rate-limit-interval is 1s): N may start within a second.
    crossref: profile.crossrefPolite
      ? { perSecond: 10, concurrency: 3, burst: 10 }
      : { perSecond: 5, concurrency: 1, burst: 5 },
    ncbi: profile.ncbiApiKey ? { perSecond: 10, concurrency: 3, burst: 10 } : { perSecond: 3, concurrency: 3, burst: 3 },
    openalex: { perSecond: 10, concurrency: 4, burst: 10 },
    unpaywall: { perSecond: 10, concurrency: 4, burst: 10 },
    europepmc: { perSecond: 10, concurrency: 4, burst: 10 },
  };
}

/** A service advertising a generous pool (Crossref "plus" says 150/s) is still not a reason for one browser to go fast. */
const CEILING = { perSecond: 20, concurrency: 5 };
/** A reset announced by `ratelimit-reset` longer than this is left to the 429 handling. */
const MAX_HEADER_PAUSE_MS = 60_000;

interface Job {
  service: ServiceName;
  start: () => void;
  /** Takes the job out of the queue, unstarted, with this error. */
  drop: (e: unknown) => void;
  /** Its entry in the pool's window, once started. */
  counted?: Counted;
}

/** A request in a pool's window: in flight (no `answeredAt`) or answered. */
interface Counted {
  answeredAt?: number;
}

interface Pool {
  limit: RateLimit;
  /** Requests in flight, and answered ones until a window after their answer. */
  counted: Counted[];
  active: number;
  queue: Job[];
  pausedUntil: number;
  timer?: ReturnType<typeof setTimeout>;
  timerAt: number;
}

export interface SchedulerOptions {
  profile?: Partial<LimitProfile>;
  now?: () => number;
}

export class Scheduler {
  private readonly pools = new Map<PoolName, Pool>();
  private readonly now: () => number;
  private profile: LimitProfile;

  constructor(options: SchedulerOptions = {}) {
    this.now = options.now ?? (() => Date.now());
    this.profile = { crossrefPolite: false, ncbiApiKey: false, ...options.profile };
    const limits = defaultLimits(this.profile);
    for (const name of Object.keys(limits) as PoolName[]) {
      const limit = limits[name];
      this.pools.set(name, {
        limit,
        counted: [],
        active: 0,
        queue: [],
        pausedUntil: 0,
        timerAt: Infinity,
      });
    }
  }

  /** Call when settings change (email or NCBI key added/removed); resets the affected pools to documented limits. */
  configure(profile: Partial<LimitProfile>): void {
    const next = { ...this.profile, ...profile };
    const limits = defaultLimits(next);
    if (next.crossrefPolite !== this.profile.crossrefPolite) this.setLimit('crossref', limits.crossref);
    if (next.ncbiApiKey !== this.profile.ncbiApiKey) this.setLimit('ncbi', limits.ncbi);
    this.profile = next;
  }

  limitOf(service: ServiceName): RateLimit {
    return { ...this.pool(service).limit };
  }

  /** Milliseconds until the service's queue resumes after a pause (0 when running). */
  pausedFor(service: ServiceName): number {
    return Math.max(0, this.pool(service).pausedUntil - this.now());
  }

  /** Holds every queued request of the service's pool for `ms` (used on 429). Never shortens an existing pause. */
  pause(service: ServiceName, ms: number): void {
    const pool = this.pool(service);
    pool.pausedUntil = Math.max(pool.pausedUntil, this.now() + Math.max(0, ms));
    this.pump(pool);
  }

  /** Runs `task` when the pool's window has room and a slot is free; the slot is held until the task settles. */
  schedule<T>(service: ServiceName, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const pool = this.pool(service);
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const onAbort = () => {
        const i = pool.queue.indexOf(job);
        if (i >= 0) {
          pool.queue.splice(i, 1);
          reject(abortReason(signal!));
        }
      };
      const job: Job = {
        service,
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          let running: Promise<T>;
          try {
            running = task();
          } catch (e) {
            running = Promise.reject(e);
          }
          running.then(resolve, reject).finally(() => {
            if (job.counted) job.counted.answeredAt = this.now();
            pool.active--;
            this.pump(pool);
          });
        },
        drop: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      pool.queue.push(job);
      this.pump(pool);
    });
  }

  /** Rejects every queued, unstarted request of `service` (its circuit opened) with `error()`; others keep their place. */
  dropQueued(service: ServiceName, error: () => unknown): void {
    const pool = this.pool(service);
    const dropped = pool.queue.filter((j) => j.service === service);
    if (dropped.length === 0) return;
    pool.queue = pool.queue.filter((j) => j.service !== service);
    for (const j of dropped) j.drop(error());
  }

  /** Reads the rate headers of a response and adapts the pool (Crossref sends them on every answer). */
  observe(service: ServiceName, headers: Headers): void {
    const pool = this.pool(service);
    const limit = Number(headers.get('x-rate-limit-limit'));
    const interval = parseInterval(headers.get('x-rate-limit-interval'));
    const concurrency = Number(headers.get('x-concurrency-limit'));
    const next = { ...pool.limit };
    if (Number.isFinite(limit) && limit > 0 && interval > 0) {
      next.perSecond = Math.min(CEILING.perSecond, limit / interval);
      // The service's own window: `limit` per `interval` (within the ceiling) may start together.
      next.burst = Math.max(1, Math.floor(next.perSecond * interval));
    }
    if (Number.isInteger(concurrency) && concurrency > 0) next.concurrency = Math.min(CEILING.concurrency, concurrency);
    if (next.perSecond !== pool.limit.perSecond || next.concurrency !== pool.limit.concurrency || next.burst !== pool.limit.burst) {
      this.setLimit(POOL_OF[service], next);
    }
    // IETF draft headers (OpenAlex): an exhausted window says exactly when the next one opens.
    if (headers.get('ratelimit-remaining')?.trim() === '0') {
      const reset = Number(headers.get('ratelimit-reset'));
      if (Number.isFinite(reset) && reset > 0 && reset * 1000 <= MAX_HEADER_PAUSE_MS) this.pause(service, reset * 1000);
    }
  }

  private setLimit(name: PoolName, limit: RateLimit): void {
    const pool = this.pools.get(name)!;
    pool.limit = { ...limit };
    this.pump(pool);
  }

  private pool(service: ServiceName): Pool {
    return this.pools.get(POOL_OF[service])!;
  }

  /** Length of the window in which at most `burst` requests start. */
  private windowMs(limit: RateLimit): number {
    return (limit.burst * 1000) / limit.perSecond + WINDOW_MARGIN_MS;
  }

  private pump(pool: Pool): void {
    while (pool.queue.length > 0 && pool.active < pool.limit.concurrency) {
      const now = this.now();
      if (now < pool.pausedUntil) {
        this.wakeIn(pool, pool.pausedUntil - now);
        return;
      }
      const window = this.windowMs(pool.limit);
      pool.counted = pool.counted.filter((c) => c.answeredAt === undefined || c.answeredAt > now - window);
      const burst = Math.max(1, Math.floor(pool.limit.burst));
      if (pool.counted.length >= burst) {
        // The answer that must leave the window before another may start; requests in flight wake us when answered.
        const answered = pool.counted.flatMap((c) => (c.answeredAt === undefined ? [] : [c.answeredAt])).sort((a, b) => a - b);
        const leaving = answered[pool.counted.length - burst];
        if (leaving !== undefined) this.wakeIn(pool, Math.max(1, Math.ceil(leaving + window - now)));
        return;
      }
      const job = pool.queue.shift()!;
      job.counted = {};
      pool.counted.push(job.counted);
      pool.active++;
      job.start();
    }
  }

  private wakeIn(pool: Pool, ms: number): void {
    const at = this.now() + ms;
    if (pool.timer !== undefined && pool.timerAt <= at) return;
    if (pool.timer !== undefined) clearTimeout(pool.timer);
    pool.timerAt = at;
    pool.timer = setTimeout(() => {
      pool.timer = undefined;
      pool.timerAt = Infinity;
      this.pump(pool);
    }, ms);
  }
}

/** "1s", "500ms", "1m", or bare seconds; returns seconds (0 when unreadable). */
export function parseInterval(value: string | null): number {
  const m = value?.trim().match(/^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/i);
  if (!m) return 0;
  const n = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase();
  return unit === 'ms' ? n / 1000 : unit === 'm' ? n * 60 : n;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}
