/**
 * Persistent TTL cache of service answers over a small storage interface (browser.storage.local in the
 * background, a Map in tests), with an in-memory layer in front. Keys name the request, e.g. 'crossref:doi:10.x/y'.
 * Found results live 30 days, "not found" answers 3 days; errors are never cached. Never throws to the caller.
 */

/** The subset of browser.storage.local this cache uses. */
export interface KeyValueStorage {
  get(keys: string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string[]): Promise<void>;
}

export type CacheKind = 'positive' | 'negative';

const DAY = 24 * 60 * 60 * 1000;
export const CACHE_TTL_MS: Record<CacheKind, number> = { positive: 30 * DAY, negative: 3 * DAY };

export interface CacheHit<T> {
  value: T;
  /** True for a remembered "not found". */
  negative: boolean;
}

export interface CacheEntry {
  key: string;
  value: unknown;
  kind?: CacheKind;
}

export interface TtlCacheOptions {
  /** Entries kept in storage before the oldest are evicted. Default 4000. */
  maxEntries?: number;
  /** Approximate bytes (JSON length) kept in storage. Default 3 MB, well under storage.local's 10 MB quota. */
  maxBytes?: number;
  /** Entries kept in memory. Default 1000. */
  memoryEntries?: number;
  /** Prefix of every storage key, so the cache never touches settings or notes. Default 'rlcache:'. */
  namespace?: string;
  now?: () => number;
}

interface Stored {
  v: unknown;
  /** Expires at (ms since epoch). */
  x: number;
  n?: 1;
}

/** storedAt, expiresAt, approximate bytes. */
type IndexRow = [number, number, number];
type Index = Record<string, IndexRow>;

interface MemoryEntry {
  value: unknown;
  negative: boolean;
  expiresAt: number;
}

export class TtlCache {
  private readonly storage: KeyValueStorage;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly memoryEntries: number;
  private readonly ns: string;
  private readonly indexKey: string;
  private readonly now: () => number;
  private readonly memory = new Map<string, MemoryEntry>();
  private index?: Promise<Index>;
  private writes: Promise<void> = Promise.resolve();

  constructor(storage: KeyValueStorage, options: TtlCacheOptions = {}) {
    this.storage = storage;
    this.maxEntries = options.maxEntries ?? 4000;
    this.maxBytes = options.maxBytes ?? 3_000_000;
    this.memoryEntries = options.memoryEntries ?? 1000;
    this.ns = options.namespace ?? 'rlcache:';
    this.indexKey = `${this.ns}__index__`;
    this.now = options.now ?? (() => Date.now());
  }

  /** Reads the index now (e.g. when the background starts), so later lookups skip storage for keys never stored. */
  preload(): void {
    void this.loadIndex();
  }

  async get<T>(key: string): Promise<CacheHit<T> | undefined> {
    return (await this.getMany<T>([key])).get(key);
  }

  /** Hits only; a key that is missing or expired is simply absent from the map. */
  async getMany<T>(keys: string[]): Promise<Map<string, CacheHit<T>>> {
    const hits = new Map<string, CacheHit<T>>();
    const now = this.now();
    const missing: string[] = [];
    for (const key of new Set(keys)) {
      const m = this.memory.get(key);
      if (m && m.expiresAt > now) {
        this.touch(key, m);
        hits.set(key, { value: m.value as T, negative: m.negative });
      } else {
        if (m) this.memory.delete(key);
        missing.push(key);
      }
    }
    if (missing.length === 0) return hits;
    let found: Record<string, unknown>;
    try {
      found = await this.readStored(missing);
    } catch {
      return hits;
    }
    const expired: string[] = [];
    for (const key of missing) {
      const s = found[this.ns + key] as Stored | undefined;
      if (!s || typeof s !== 'object' || typeof s.x !== 'number') continue;
      if (s.x <= now) {
        expired.push(key);
        continue;
      }
      const entry: MemoryEntry = { value: s.v, negative: s.n === 1, expiresAt: s.x };
      this.touch(key, entry);
      hits.set(key, { value: s.v as T, negative: entry.negative });
    }
    if (expired.length) void this.delete(expired);
    return hits;
  }

  async set(key: string, value: unknown, kind: CacheKind = 'positive'): Promise<void> {
    return this.setMany([{ key, value, kind }]);
  }

  /** One storage write for the whole batch. Resolves once stored (or once storing was given up). */
  setMany(entries: CacheEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    const now = this.now();
    const items: Record<string, Stored> = {};
    const rows: Index = {};
    for (const { key, value, kind = 'positive' } of entries) {
      const stored: Stored = { v: value, x: now + CACHE_TTL_MS[kind], ...(kind === 'negative' ? { n: 1 as const } : {}) };
      this.touch(key, { value, negative: kind === 'negative', expiresAt: stored.x });
      items[this.ns + key] = stored;
      rows[key] = [now, stored.x, key.length + safeLength(stored)];
    }
    return this.enqueue(() => this.write(items, rows));
  }

  async delete(keys: string[]): Promise<void> {
    for (const k of keys) this.memory.delete(k);
    return this.enqueue(async () => {
      const index = await this.loadIndex();
      for (const k of keys) delete index[k];
      await this.quietly(() => this.storage.remove(keys.map((k) => this.ns + k)));
      await this.quietly(() => this.storage.set({ [this.indexKey]: index }));
    });
  }

  async clear(): Promise<void> {
    this.memory.clear();
    return this.enqueue(async () => {
      const index = await this.loadIndex();
      const keys = Object.keys(index);
      for (const k of keys) delete index[k];
      await this.quietly(() => this.storage.remove([...keys.map((k) => this.ns + k), this.indexKey]));
    });
  }

  // ----------------------------------------------------------------------------------------------------------

  private async write(items: Record<string, Stored>, rows: Index): Promise<void> {
    const index = await this.loadIndex();
    Object.assign(index, rows);
    const fresh = new Set(Object.keys(rows));
    await this.evict(index, this.overflowVictims(index, fresh));
    try {
      await this.storage.set({ ...items, [this.indexKey]: index });
      return;
    } catch (e) {
      if (!isQuotaError(e)) {
        for (const k of fresh) delete index[k];
        return;
      }
    }
    // Quota exceeded: make room (a quarter of what we hold, oldest first) and try once more.
    await this.evict(index, this.oldest(index, fresh, Math.max(1, Math.ceil(Object.keys(index).length / 4))));
    try {
      await this.storage.set({ ...items, [this.indexKey]: index });
    } catch {
      for (const k of fresh) delete index[k];
      await this.quietly(() => this.storage.set({ [this.indexKey]: index }));
    }
  }

  /** Expired rows first, then the oldest, until both bounds hold with 10 % to spare. */
  private overflowVictims(index: Index, keep: Set<string>): string[] {
    const rows = Object.entries(index);
    let count = rows.length;
    let bytes = rows.reduce((sum, [, r]) => sum + r[2], 0);
    if (count <= this.maxEntries && bytes <= this.maxBytes) return [];
    const now = this.now();
    const targetCount = Math.floor(this.maxEntries * 0.9);
    const targetBytes = Math.floor(this.maxBytes * 0.9);
    const order = rows
      .filter(([k]) => !keep.has(k))
      .sort(([, a], [, b]) => Number(a[1] > now) - Number(b[1] > now) || a[0] - b[0]);
    const victims: string[] = [];
    for (const [key, row] of order) {
      if (count <= targetCount && bytes <= targetBytes) break;
      victims.push(key);
      count--;
      bytes -= row[2];
    }
    return victims;
  }

  private oldest(index: Index, keep: Set<string>, n: number): string[] {
    return Object.entries(index)
      .filter(([k]) => !keep.has(k))
      .sort(([, a], [, b]) => a[0] - b[0])
      .slice(0, n)
      .map(([k]) => k);
  }

  private async evict(index: Index, victims: string[]): Promise<void> {
    if (victims.length === 0) return;
    for (const k of victims) {
      delete index[k];
      this.memory.delete(k);
    }
    await this.quietly(() => this.storage.remove(victims.map((k) => this.ns + k)));
  }

  /**
   * Stored entries for keys missing from memory. The index lists every key in storage, so once it is loaded only
   * listed keys are read (a first visit costs no storage round trip per lookup); the first read brings it along.
   */
  private async readStored(keys: string[]): Promise<Record<string, unknown>> {
    const storageKeys = (ks: string[]) => ks.map((k) => this.ns + k);
    if (this.index) {
      const index = await this.index;
      const now = this.now();
      const listed = keys.filter((k) => index[k]);
      const expired = listed.filter((k) => index[k]![1] <= now);
      if (expired.length) void this.delete(expired);
      const live = listed.filter((k) => index[k]![1] > now);
      return live.length ? this.storage.get(storageKeys(live)) : {};
    }
    const read = this.storage.get([...storageKeys(keys), this.indexKey]);
    const index = read.then((r) => asIndex(r[this.indexKey]), (): Index => ({}));
    this.index = index;
    try {
      return await read;
    } catch (e) {
      if (this.index === index) this.index = undefined; // read it again next time
      throw e;
    }
  }

  private loadIndex(): Promise<Index> {
    if (this.index) return this.index;
    const index: Promise<Index> = this.storage.get([this.indexKey]).then(
      (r) => asIndex(r[this.indexKey]),
      () => {
        // A failed read must not stand for "nothing stored" later: read it again next time.
        if (this.index === index) this.index = undefined;
        return {};
      },
    );
    this.index = index;
    return index;
  }

  private touch(key: string, entry: MemoryEntry): void {
    this.memory.delete(key);
    this.memory.set(key, entry);
    while (this.memory.size > this.memoryEntries) {
      const oldest = this.memory.keys().next().value;
      if (oldest === undefined) break;
      this.memory.delete(oldest);
    }
  }

  /** Storage writes run one at a time so the index is never written from two stale copies. */
  private enqueue(job: () => Promise<void>): Promise<void> {
    const next = this.writes.then(job).catch(() => undefined);
    this.writes = next;
    return next;
  }

  private async quietly(op: () => Promise<unknown>): Promise<void> {
    try {
      await op();
    } catch {
      // Storage trouble costs us the cache, never the lookup.
    }
  }
}

function asIndex(raw: unknown): Index {
  return raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Index) : {};
}

function safeLength(v: unknown): number {
  try {
    return JSON.stringify(v)?.length ?? 0;
  } catch {
    return 0;
  }
}

/** Chrome: "QUOTA_BYTES quota exceeded"; Firefox/DOM: QuotaExceededError. */
export function isQuotaError(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const { name, message } = e as { name?: unknown; message?: unknown };
  return name === 'QuotaExceededError' || (typeof message === 'string' && /quota/i.test(message));
}
