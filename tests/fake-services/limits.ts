/** Sliding-window request counting and in-flight tracking per limiter key. */

export interface WindowCheck {
  allowed: boolean;
  /** Requests in the window, this one included. */
  count: number;
  /** Seconds until a slot frees up (at least 1). */
  retryAfter: number;
  remaining: number;
}

export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  private readonly inFlight = new Map<string, number>();
  private readonly peaks = new Map<string, number>();

  /** Counts a request against `limit` per `windowMs`; rejected requests are not counted. */
  take(key: string, limit: number, windowMs: number, now: number, enforce: boolean): WindowCheck {
    const list = (this.hits.get(key) ?? []).filter((t) => t > now - windowMs);
    this.hits.set(key, list);
    if (enforce && list.length >= limit) {
      return { allowed: false, count: list.length + 1, retryAfter: Math.max(1, Math.ceil((list[0]! + windowMs - now) / 1000)), remaining: 0 };
    }
    list.push(now);
    return { allowed: true, count: list.length, retryAfter: 0, remaining: Math.max(0, limit - list.length) };
  }

  active(key: string): number {
    return this.inFlight.get(key) ?? 0;
  }

  acquire(key: string): void {
    const n = this.active(key) + 1;
    this.inFlight.set(key, n);
    this.peaks.set(key, Math.max(this.peaks.get(key) ?? 0, n));
  }

  release(key: string): void {
    this.inFlight.set(key, Math.max(0, this.active(key) - 1));
  }

  peak(key: string): number {
    return this.peaks.get(key) ?? 0;
  }

  peaksByKey(): Record<string, number> {
    return Object.fromEntries(this.peaks);
  }

  /** Forgets windows and peaks; requests still in flight stay counted. */
  reset(): void {
    this.hits.clear();
    this.peaks.clear();
  }
}
