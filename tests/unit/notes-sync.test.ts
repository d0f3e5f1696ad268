import { describe, expect, it, vi } from 'vitest';
import { NoteStore } from '../../src/background/notes/store';
import { NoteSync } from '../../src/background/notes/sync';
import { storageKey, type Note } from '../../src/core/notes';
import { itemBytes, planSync, reconcile, SYNC_QUOTA, SYNC_STATUS_KEY, toSynced, type SyncStatus } from '../../src/core/notes-sync';
import { FakeSyncArea, MemoryArea } from './fake-storage-areas';

/** One browser: its own storage.local, note store and sync mirror, on a sync area shared with other browsers. */
function browserWith(sync: FakeSyncArea, opts: { now?: () => number; quota?: typeof SYNC_QUOTA } = {}) {
  const local = new MemoryArea();
  const store = new NoteStore(local.asArea());
  const mirror = new NoteSync(local.asArea(), sync.asArea(), store, { flushDelayMs: 60_000, minIntervalMs: 0, retryDelayMs: 60_000, ...opts });
  store.listener = mirror;
  const remote: Array<Promise<void>> = [];
  sync.onChange((changes) => remote.push(mirror.remoteChanged(changes)));
  return {
    local,
    store,
    mirror,
    /** Lets this browser handle every sync change it has been told about. */
    settle: async () => {
      while (remote.length) await remote.shift();
    },
    text: async (key: string) => (await store.findMany([[key]]))[0]?.text,
  };
}

const words = (n: number, seed: string) => Array.from({ length: n }, (_, i) => `${seed}${i}`).join(' ');

describe('notes sync: pure parts', () => {
  it('measures an item as key plus JSON in UTF-8 bytes', () => {
    expect(itemBytes('note:a', { t: 'é' })).toBe('note:a'.length + '{"t":"é"}'.length + 1);
  });

  it('leaves the pages a note was seen on out of the synced copy', () => {
    const note: Note = { v: 2, key: 'doi:1', aliases: [], text: 'x', tags: [], created: 1, updated: 2, seenOn: ['https://a.example/'] };
    expect(toSynced(note)).not.toHaveProperty('seenOn');
    const { write } = planSync([{ storageKey: 'note:doi:1', note }], new Map());
    expect(JSON.stringify(write[0]!.value)).not.toContain('a.example');
  });

  it('reconciles: the side that changed since agreement wins; both changed keeps both texts', () => {
    const base: Note = { v: 2, key: 'doi:1', aliases: [], text: 'agreed', tags: [], created: 1, updated: 10, seenOn: [] };
    const local = { ...base, text: 'local edit', updated: 20 };
    const remote = { ...base, text: 'remote edit', updated: 30 };
    expect(reconcile(local, base, 10, 99)).toEqual({ action: 'push', note: local });
    expect(reconcile(base, remote, 10, 99)).toEqual({ action: 'pull', note: remote });
    const both = reconcile(local, remote, 10, 99);
    expect(both.action).toBe('both');
    const text = (both as { note: Note }).note.text;
    expect(text.indexOf('remote edit')).toBe(0);
    expect(text).toContain('local edit');
    expect(reconcile(base, null, 10, 99)).toEqual({ action: 'delete-local' });
    expect(reconcile(local, null, 10, 99)).toEqual({ action: 'push', note: local });
  });
});

describe('notes sync mirror with a quota-enforcing storage.sync', () => {
  it('copies notes to sync when switched on, and a later edit after the pause', async () => {
    const sync = new FakeSyncArea();
    const a = browserWith(sync);
    await a.store.save({ keys: ['doi:10.1/a'], text: 'first', url: 'https://journal.example/x' });
    expect(sync.itemCount()).toBe(0);
    const status = await a.mirror.setEnabled(true);
    expect(status).toMatchObject({ enabled: true, available: true, localOnly: [] });
    expect(status.bytesUsed).toBe(sync.bytesInUse());
    const synced = (await sync.get(null))[storageKey('doi:10.1/a')] as Record<string, unknown>;
    expect(synced).toMatchObject({ key: 'doi:10.1/a', text: 'first' });
    expect(synced).not.toHaveProperty('seenOn');

    // Typing: several saves, one write to sync.
    const ops = sync.writeOps;
    for (const t of ['first.', 'first. s', 'first. second']) await a.store.save({ keys: ['doi:10.1/a'], text: t });
    expect(sync.writeOps).toBe(ops);
    await a.mirror.flush();
    expect(sync.writeOps).toBe(ops + 1);
    expect(((await sync.get(null))[storageKey('doi:10.1/a')] as Note).text).toBe('first. second');
    expect((await a.local.get(SYNC_STATUS_KEY))[SYNC_STATUS_KEY]).toMatchObject({ enabled: true });
  });

  it('keeps a note over 8 KB local only, with a notice, and syncs it again once it fits', async () => {
    const sync = new FakeSyncArea();
    const a = browserWith(sync);
    await a.mirror.setEnabled(true);
    const big = await a.store.save({ keys: ['doi:10.1/big'], text: 'x'.repeat(9000) });
    expect(await a.mirror.noticeFor(big)).toMatch(/browser only.*too large to sync \(8\.\d KB; sync allows 8\.0 KB a note\)/);
    await a.mirror.flush();
    expect(sync.itemCount()).toBe(0);
    expect(sync.refused).toEqual([]);
    const status = (await a.local.get(SYNC_STATUS_KEY))[SYNC_STATUS_KEY] as SyncStatus;
    expect(status.localOnly).toEqual([{ key: 'doi:10.1/big', reason: 'too-large', bytes: expect.any(Number) }]);
    expect(await a.text('doi:10.1/big')).toHaveLength(9000);

    const small = await a.store.save({ keys: ['doi:10.1/big'], text: 'short now' });
    expect(await a.mirror.noticeFor(small)).toBeUndefined();
    await a.mirror.flush();
    expect(sync.itemCount()).toBe(1);
    expect((await a.mirror.status()).localOnly).toEqual([]);
  });

  it('fills the sync area to its 100 KB total and keeps the rest local only, never tripping the quota', async () => {
    const sync = new FakeSyncArea();
    const a = browserWith(sync);
    // 20 notes of about 7 KB: about 14 fit in 100 KB.
    for (let i = 0; i < 20; i++) await a.store.save({ keys: [`doi:10.1/n${i}`], text: words(1000, `w${i}-`).slice(0, 7000) });
    const status = await a.mirror.setEnabled(true);
    expect(sync.refused).toEqual([]);
    expect(sync.bytesInUse()).toBeLessThanOrEqual(SYNC_QUOTA.QUOTA_BYTES);
    expect(sync.bytesInUse()).toBeGreaterThan(SYNC_QUOTA.QUOTA_BYTES - 8000);
    expect(sync.itemCount() + status.localOnly.length).toBe(20);
    expect(status.localOnly.length).toBeGreaterThan(0);
    expect(status.localOnly.every((l) => l.reason === 'full')).toBe(true);
    const note = (await a.store.findMany([[status.localOnly[0]!.key]]))[0];
    expect(await a.mirror.noticeFor(note!)).toMatch(/sync storage is full/);
    // Every note is still there locally.
    expect(await a.store.list()).toHaveLength(20);
  });

  it('respects the item count limit', async () => {
    const quota = { ...SYNC_QUOTA, MAX_ITEMS: 3 };
    const sync = new FakeSyncArea({ ...quota, MAX_WRITE_OPERATIONS_PER_MINUTE: 120 });
    const a = browserWith(sync, { quota });
    await a.mirror.setEnabled(true);
    for (let i = 0; i < 5; i++) await a.store.save({ keys: [`pmid:${i}`], text: `note ${i}` });
    await a.mirror.flush();
    expect(sync.itemCount()).toBe(3);
    expect(sync.refused).toEqual([]);
    expect((await a.mirror.status()).localOnly.map((l) => l.reason)).toEqual(['full', 'full']);
  });

  it('falls back to local only when the sync area refuses a write it was measured to take', async () => {
    // The area is smaller than the quota the mirror believes in (e.g. another writer filled it).
    const sync = new FakeSyncArea({ QUOTA_BYTES: 500, QUOTA_BYTES_PER_ITEM: 8192, MAX_ITEMS: 512, MAX_WRITE_OPERATIONS_PER_MINUTE: 120 });
    const a = browserWith(sync);
    await a.mirror.setEnabled(true);
    await expect(a.store.save({ keys: ['doi:10.1/a'], text: 'y'.repeat(800) })).resolves.toMatchObject({ text: 'y'.repeat(800) });
    await a.mirror.flush();
    expect(sync.refused).toEqual(['QUOTA_BYTES']);
    expect((await a.mirror.status()).localOnly).toMatchObject([{ key: 'doi:10.1/a', reason: 'full' }]);
    expect(await a.text('doi:10.1/a')).toBe('y'.repeat(800));
  });

  it('waits and retries when sync refuses writes for its rate limit', async () => {
    let now = 1_000_000;
    const sync = new FakeSyncArea({ ...SYNC_QUOTA, MAX_WRITE_OPERATIONS_PER_MINUTE: 1 }, () => now);
    const a = browserWith(sync, { now: () => now });
    await a.mirror.setEnabled(true);
    await a.store.save({ keys: ['doi:10.1/a'], text: 'one' });
    await a.mirror.flush();
    await a.store.save({ keys: ['doi:10.1/a'], text: 'two' });
    await a.mirror.flush();
    expect(sync.refused).toEqual(['MAX_WRITE_OPERATIONS_PER_MINUTE']);
    expect((await a.mirror.status()).error).toMatch(/busy/);
    now += 61_000;
    await a.mirror.flush();
    expect(((await sync.get(null))[storageKey('doi:10.1/a')] as Note).text).toBe('two');
    expect((await a.mirror.status()).error).toBeUndefined();
  });

  it('carries notes between two browsers: new, edited, deleted', async () => {
    const sync = new FakeSyncArea();
    let now = 1000;
    const a = browserWith(sync, { now: () => now });
    const b = browserWith(sync, { now: () => now });
    await a.mirror.setEnabled(true);
    await b.mirror.setEnabled(true);

    await a.store.save({ keys: ['doi:10.1/a'], text: 'from A', url: 'https://a.example/' });
    await a.mirror.flush();
    await b.settle();
    expect(await b.text('doi:10.1/a')).toBe('from A');
    expect((await b.store.findMany([['doi:10.1/a']]))[0]?.seenOn).toEqual([]);

    now += 1000;
    await new Promise((ok) => setTimeout(ok, 2));
    await b.store.save({ keys: ['doi:10.1/a'], text: 'from A, edited in B', base: 'from A' });
    await b.mirror.flush();
    await a.settle();
    expect(await a.text('doi:10.1/a')).toBe('from A, edited in B');
    // A keeps the pages it saw the work on.
    expect((await a.store.findMany([['doi:10.1/a']]))[0]?.seenOn).toEqual(['https://a.example/']);

    await a.store.delete('doi:10.1/a');
    await a.mirror.flush();
    await b.settle();
    expect(await b.text('doi:10.1/a')).toBeUndefined();
  });

  it('merges notes made while sync was off in two browsers, and edits that crossed, keeping all text', async () => {
    const sync = new FakeSyncArea();
    const a = browserWith(sync);
    const b = browserWith(sync);
    await a.store.save({ keys: ['doi:10.1/shared'], text: 'A thinks' });
    await a.store.save({ keys: ['pmid:1'], text: 'only in A' });
    await new Promise((ok) => setTimeout(ok, 2));
    await b.store.save({ keys: ['doi:10.1/shared'], text: 'B thinks' });
    await b.store.save({ keys: ['pmid:2'], text: 'only in B' });
    await a.mirror.setEnabled(true);
    await b.mirror.setEnabled(true);
    await a.settle();
    await b.settle();
    for (const x of [a, b]) {
      expect(await x.text('pmid:1')).toBe('only in A');
      expect(await x.text('pmid:2')).toBe('only in B');
      const shared = await x.text('doi:10.1/shared');
      expect(shared).toContain('A thinks');
      expect(shared).toContain('B thinks');
    }
    expect(await a.text('doi:10.1/shared')).toBe(await b.text('doi:10.1/shared'));
  });

  it('a worker restart catches up on edits the stopped worker had not written to sync yet', async () => {
    const sync = new FakeSyncArea();
    const a = browserWith(sync);
    await a.mirror.setEnabled(true);
    await a.store.save({ keys: ['doi:10.1/a'], text: 'typed just before the stop' });
    // No flush: the worker stops here. A new worker (store and mirror on the same local storage) starts.
    const store = new NoteStore(a.local.asArea());
    const restarted = new NoteSync(a.local.asArea(), sync.asArea(), store, { flushDelayMs: 60_000 });
    await restarted.start();
    expect(((await sync.get(null))[storageKey('doi:10.1/a')] as Note).text).toBe('typed just before the stop');
  });

  it('does nothing with sync while switched off, and leaves the synced copies when switched off', async () => {
    const sync = new FakeSyncArea();
    const a = browserWith(sync);
    await a.store.save({ keys: ['doi:10.1/a'], text: 'x' });
    await a.mirror.flush();
    expect(sync.writeOps).toBe(0);
    await a.mirror.setEnabled(true);
    expect(await a.mirror.setEnabled(false)).toMatchObject({ enabled: false, localOnly: [] });
    await a.store.save({ keys: ['doi:10.1/a'], text: 'y' });
    await a.mirror.flush();
    expect(((await sync.get(null))[storageKey('doi:10.1/a')] as Note).text).toBe('x');
    expect(await a.mirror.noticeFor((await a.store.findMany([['doi:10.1/a']]))[0]!)).toBeUndefined();
  });

  it('spaces sync writes out (write-rate limits) however often notes are saved, and ends with the last text', async () => {
    vi.useFakeTimers();
    try {
      const sync = new FakeSyncArea();
      const local = new MemoryArea();
      const store = new NoteStore(local.asArea());
      const mirror = new NoteSync(local.asArea(), sync.asArea(), store, { flushDelayMs: 100, minIntervalMs: 5000 });
      store.listener = mirror;
      await mirror.setEnabled(true);
      // A save every second for a minute.
      for (let i = 0; i < 60; i++) {
        await store.save({ keys: ['doi:10.1/a'], text: `draft ${i}` });
        await vi.advanceTimersByTimeAsync(1000);
      }
      expect(sync.writeOps).toBeGreaterThanOrEqual(10);
      expect(sync.writeOps).toBeLessThanOrEqual(13);
      await vi.advanceTimersByTimeAsync(6000);
      expect(((await sync.get(null))[storageKey('doi:10.1/a')] as Note).text).toBe('draft 59');
      expect(sync.refused).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('tries notes kept back for lack of room again once the sync area has room', async () => {
    const sync = new FakeSyncArea();
    const a = browserWith(sync);
    await sync.set(Object.fromEntries(Array.from({ length: 13 }, (_, i) => [`other-${i}`, 'f'.repeat(7800)])));
    await a.mirror.setEnabled(true);
    await a.store.save({ keys: ['doi:10.1/a'], text: 'n'.repeat(3000) });
    await a.mirror.flush();
    expect((await a.mirror.status()).localOnly).toMatchObject([{ reason: 'full' }]);
    await sync.remove(['other-0', 'other-1']);
    await a.settle();
    await a.mirror.flush();
    expect(((await sync.get(null))[storageKey('doi:10.1/a')] as Note | undefined)?.text).toHaveLength(3000);
    expect((await a.mirror.status()).localOnly).toEqual([]);
  });
});
