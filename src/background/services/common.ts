/**
 * What every service client shares: its dependencies (Http, the user's contact settings, an optional cache),
 * URL-length-aware batching and the cache-around-a-batch pattern. Clients return typed results or throw ServiceError.
 */
import type { Settings } from '../../core/settings';
import type { TtlCache } from '../net/cache';
import type { Http } from '../net/http';

/** Sent as NCBI's `tool=`: the application's name, no spaces. */
export const TOOL_NAME = 'reflens';

/** Only the settings that identify the user to services. Empty strings mean "not set". */
export type ServiceSettings = Partial<Pick<Settings, 'email' | 'ncbiApiKey' | 'openalexApiKey'>>;

export interface ClientDeps {
  http: Http;
  /** Read on every call, so a settings change applies to the next request. */
  settings: () => ServiceSettings;
  cache?: TtlCache;
}

/** Keeps URLs well below the ~8 KB request-line limit of common servers and proxies. */
export const MAX_URL_LENGTH = 4000;

/**
 * Greedy batches: each holds at most `maxCount` items and its URL stays within `maxUrl` characters.
 * An item whose URL alone is too long still gets a batch of its own (the server may refuse it; that is its call).
 */
export function batchByUrl<T>(items: T[], maxCount: number, buildUrl: (batch: T[]) => string, maxUrl = MAX_URL_LENGTH): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  for (const item of items) {
    const candidate = [...current, item];
    if (current.length > 0 && (candidate.length > maxCount || buildUrl(candidate).length > maxUrl)) {
      batches.push(current);
      current = [item];
    } else {
      current = candidate;
    }
  }
  if (current.length) batches.push(current);
  return batches;
}

/** What a set of batched requests produced: values found, ids whose request failed, and the first failure. */
export interface BatchOutcome<V> {
  found: Map<string, V>;
  failed: Set<string>;
  error?: unknown;
}

/** Runs every batch (the scheduler paces them); one failing batch does not discard the others' answers. */
export async function runBatches<V>(
  batches: string[][],
  fetchBatch: (batch: string[]) => Promise<Map<string, V>>,
): Promise<BatchOutcome<V>> {
  const outcome: BatchOutcome<V> = { found: new Map(), failed: new Set() };
  await Promise.all(
    batches.map(async (batch) => {
      try {
        for (const [k, v] of await fetchBatch(batch)) outcome.found.set(k, v);
      } catch (e) {
        for (const id of batch) outcome.failed.add(id);
        outcome.error ??= e;
      }
    }),
  );
  return outcome;
}

/**
 * Answers ids from the cache where possible and fetches the rest with `fetchMissing`. Every id the service
 * answered without a value is remembered as "not found"; ids of failed requests are not cached. If any request
 * failed, the answers received are still cached and the first error is thrown.
 * Returns id -> value, with null for a (remembered) "not found".
 */
export async function cachedLookup<V>(
  cache: TtlCache | undefined,
  keyOf: (id: string) => string,
  ids: string[],
  fetchMissing: (ids: string[]) => Promise<BatchOutcome<V>>,
): Promise<Map<string, V | null>> {
  const out = new Map<string, V | null>();
  const unique = [...new Set(ids)];
  const hits = cache ? await cache.getMany<V | null>(unique.map(keyOf)) : new Map();
  const missing: string[] = [];
  for (const id of unique) {
    const hit = hits.get(keyOf(id));
    if (hit) out.set(id, hit.negative ? null : (hit.value as V));
    else missing.push(id);
  }
  if (missing.length === 0) return out;
  const { found, failed, error } = await fetchMissing(missing);
  const answered = missing.filter((id) => !failed.has(id));
  for (const id of answered) out.set(id, found.get(id) ?? null);
  if (cache && answered.length) {
    // Not awaited: setMany answers from memory at once, and the storage write must not hold up the lookup.
    void cache.setMany(
      answered.map((id) => {
        const value = found.get(id);
        return value === undefined ? { key: keyOf(id), value: null, kind: 'negative' as const } : { key: keyOf(id), value };
      }),
    );
  }
  if (failed.size) throw error;
  return out;
}

/** Drops nulls: the map callers usually want ("found" only). */
export function foundOnly<V>(m: Map<string, V | null>): Map<string, V> {
  const out = new Map<string, V>();
  for (const [k, v] of m) if (v !== null) out.set(k, v);
  return out;
}

/** Map and cache key of a DOI: trimmed, lower case. Pass DOIs through core/identifiers normalizeDoi first. */
export function doiKey(doi: string): string {
  return doi.trim().toLowerCase();
}
export function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function str(x: unknown): string | undefined {
  if (typeof x === 'string') {
    const t = x.trim();
    return t || undefined;
  }
  if (typeof x === 'number' && Number.isFinite(x)) return String(x);
  return undefined;
}

export function strings(x: unknown): string[] {
  if (typeof x === 'string') return x.trim() ? [x.trim()] : [];
  if (!Array.isArray(x)) return [];
  return x.map(str).filter((s): s is string => s !== undefined);
}
