/**
 * How long one resolve run waits for the services. A page shows its references as pending until the run answers,
 * so the run stops waiting for services that do not answer: `signal` aborts (reason DeadlineExceeded)
 * `budgetMs` after the start, or later while answers keep coming (`progress()` postpones it to `idleMs` after the
 * latest one, so a long list paced by the rate limits is not cut). Calls made after that get a last `lateMs`
 * (a service not asked yet, e.g. the ID converter once the Crossref searches were given up), and nothing runs longer.
 * Pass `signal` to every service call; Http turns the abort into a ServiceError saying which service ran out of time.
 */

export class DeadlineExceeded extends Error {
  override readonly name = 'DeadlineExceeded';
  constructor() {
    super('out of time');
  }
}

export function isDeadlineExceeded(reason: unknown): reason is DeadlineExceeded {
  return reason instanceof DeadlineExceeded;
}

export interface DeadlineOptions {
  budgetMs: number;
  idleMs: number;
  lateMs: number;
}

/**
 * A stalled batch is final 8 s after its resolve request (budget + late); one whose lookups keep answering goes on.
 * The budget holds a request and its two retries after 5xx (about 4 s of backoff); the services normally answer
 * within a second or two.
 */
export const RESOLVE_DEADLINE: DeadlineOptions = { budgetMs: 6_000, idleMs: 4_000, lateMs: 2_000 };

export class Deadline {
  private readonly main = new AbortController();
  private readonly late = new AbortController();
  private readonly start: number;
  private lastProgress = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly opts: DeadlineOptions = RESOLVE_DEADLINE,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.start = now();
    this.arm(opts.budgetMs);
  }

  /** The signal for a call starting now: the run's, or once that has passed, the last window's. */
  get signal(): AbortSignal {
    return this.main.signal.aborted ? this.late.signal : this.main.signal;
  }

  /** True once the budget is spent (calls now get only the last window). */
  get passed(): boolean {
    return this.main.signal.aborted;
  }

  /** A service answered: the run is not stalled. No effect once the budget is spent. */
  progress(): void {
    this.lastProgress = this.now();
  }

  /** Stops the timers (the run has answered). */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => this.check(), Math.max(0, ms));
  }

  private check(): void {
    if (!this.main.signal.aborted) {
      const left = Math.max(this.start + this.opts.budgetMs, this.lastProgress + this.opts.idleMs) - this.now();
      if (left > 0) return this.arm(left);
      this.main.abort(new DeadlineExceeded());
      return this.arm(this.opts.lateMs);
    }
    this.late.abort(new DeadlineExceeded());
    this.timer = undefined;
  }
}
