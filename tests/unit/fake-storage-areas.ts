/**
 * In-memory storage areas for notes tests: a plain one (storage.local of one browser) and one that enforces the
 * storage.sync quotas the way Chrome does, with Chrome's error messages, shared by several "browsers".
 */
import type { Storage } from 'webextension-polyfill';

type Changes = Record<string, { oldValue?: unknown; newValue?: unknown }>;

export class MemoryArea {
  protected items = new Map<string, string>();
  private listeners: Array<(changes: Changes) => void> = [];

  async get(keys?: null | string | string[] | Record<string, unknown>): Promise<Record<string, unknown>> {
    const names = keys === null || keys === undefined ? [...this.items.keys()] : typeof keys === 'string' ? [keys] : Array.isArray(keys) ? keys : Object.keys(keys);
    const out: Record<string, unknown> = {};
    for (const k of names) if (this.items.has(k)) out[k] = JSON.parse(this.items.get(k)!);
    return out;
  }

  async set(items: Record<string, unknown>): Promise<void> {
    this.check(items);
    const changes: Changes = {};
    for (const [k, v] of Object.entries(items)) {
      const old = this.items.get(k);
      this.items.set(k, JSON.stringify(v));
      changes[k] = { ...(old !== undefined ? { oldValue: JSON.parse(old) } : {}), newValue: JSON.parse(JSON.stringify(v)) };
    }
    this.emit(changes);
  }

  async remove(keys: string | string[]): Promise<void> {
    this.countWrite();
    const changes: Changes = {};
    for (const k of typeof keys === 'string' ? [keys] : keys) {
      const old = this.items.get(k);
      if (old === undefined) continue;
      this.items.delete(k);
      changes[k] = { oldValue: JSON.parse(old) };
    }
    this.emit(changes);
  }

  async clear(): Promise<void> {
    await this.remove([...this.items.keys()]);
  }

  /** Called with every change, like storage.onChanged for this area. */
  onChange(listener: (changes: Changes) => void): void {
    this.listeners.push(listener);
  }

  asArea(): Storage.StorageArea {
    return this as unknown as Storage.StorageArea;
  }

  protected check(_items: Record<string, unknown>): void {}
  protected countWrite(): void {}

  private emit(changes: Changes): void {
    if (Object.keys(changes).length === 0) return;
    for (const l of this.listeners) l(changes);
  }
}

export interface SyncLimits {
  QUOTA_BYTES: number;
  QUOTA_BYTES_PER_ITEM: number;
  MAX_ITEMS: number;
  MAX_WRITE_OPERATIONS_PER_MINUTE: number;
}

const bytes = (s: string) => new TextEncoder().encode(s).length;

/** storage.sync with Chrome's quotas: each set/remove is one write operation; a refused write changes nothing. */
export class FakeSyncArea extends MemoryArea {
  /** Writes refused for a quota (a mirror that measures first should cause none). */
  refused: string[] = [];
  writeOps = 0;
  private writes: number[] = [];

  constructor(
    readonly limits: SyncLimits = { QUOTA_BYTES: 102_400, QUOTA_BYTES_PER_ITEM: 8192, MAX_ITEMS: 512, MAX_WRITE_OPERATIONS_PER_MINUTE: 120 },
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  bytesInUse(): number {
    let total = 0;
    for (const [k, v] of this.items) total += bytes(k) + bytes(v);
    return total;
  }

  itemCount(): number {
    return this.items.size;
  }

  protected override countWrite(): void {
    const now = this.now();
    this.writes = this.writes.filter((t) => now - t < 60_000);
    if (this.writes.length >= this.limits.MAX_WRITE_OPERATIONS_PER_MINUTE) this.refuse('MAX_WRITE_OPERATIONS_PER_MINUTE');
    this.writes.push(now);
    this.writeOps++;
  }

  protected override check(items: Record<string, unknown>): void {
    const next = new Map(this.items);
    for (const [k, v] of Object.entries(items)) {
      const json = JSON.stringify(v);
      if (bytes(k) + bytes(json) > this.limits.QUOTA_BYTES_PER_ITEM) this.refuse('QUOTA_BYTES_PER_ITEM');
      next.set(k, json);
    }
    let total = 0;
    for (const [k, v] of next) total += bytes(k) + bytes(v);
    if (total > this.limits.QUOTA_BYTES) this.refuse('QUOTA_BYTES');
    if (next.size > this.limits.MAX_ITEMS) this.refuse('MAX_ITEMS');
    this.countWrite();
  }

  private refuse(what: string): never {
    this.refused.push(what);
    throw new Error(`${what} quota exceeded.`);
  }
}
