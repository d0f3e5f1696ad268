import type { Storage } from 'webextension-polyfill';
import { NOTE_PREFIX, parseNote, storageKey, type Note } from '../../core/notes';
import {
  SYNC_AGREED_KEY,
  SYNC_PREF_KEY,
  SYNC_QUOTA,
  SYNC_STATUS_KEY,
  fromSynced,
  itemBytes,
  localOnlyMessage,
  planSync,
  reconcile,
  type LocalOnlyNote,
  type SyncQuota,
  type SyncStatus,
} from '../../core/notes-sync';
import type { NoteStore, NoteWriteListener } from './store';

export interface NoteSyncOptions {
  quota?: SyncQuota;
  /** Pause after an edit before writing to sync, so typing becomes one write. */
  flushDelayMs?: number;
  /**
   * Least time between two sync writes. Each write is at most one set and one remove: 5 s keeps a user who never
   * stops typing at 24 operations a minute and 1440 an hour, under Chrome's 120 and 1800.
   */
  minIntervalMs?: number;
  /** Wait after the sync area refused a write for its rate limit. */
  retryDelayMs?: number;
  now?: () => number;
}

const isRateError = (e: unknown) => /MAX_WRITE_OPERATIONS|MAX_SUSTAINED/i.test(String((e as Error)?.message ?? e));
const isQuotaError = (e: unknown) => /QUOTA_BYTES|MAX_ITEMS|quota/i.test(String((e as Error)?.message ?? e));

/**
 * The optional mirror of notes in storage.sync. Local storage stays the truth: a note goes to sync after it is
 * saved locally, and one that does not fit the sync quotas stays local only with a notice. Changes from the
 * user's other browsers are merged into local storage (the side that changed wins; both changed: both texts kept).
 */
export class NoteSync implements NoteWriteListener {
  private enabled = false;
  private usage: Map<string, number> | undefined;
  private agreed: Record<string, number> = {};
  private localOnly = new Map<string, LocalOnlyNote>();
  private error: string | undefined;
  private pending = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastFlush = -Infinity;
  private lastStatus = '';
  private readonly quota: SyncQuota;
  private readonly now: () => number;

  constructor(
    private readonly local: Storage.StorageArea,
    private readonly sync: Storage.StorageArea | undefined,
    private readonly store: NoteStore,
    private readonly options: NoteSyncOptions = {},
  ) {
    this.quota = options.quota ?? SYNC_QUOTA;
    this.now = options.now ?? Date.now;
  }

  /** Reads the switch; when on, reconciles every note with the sync area (catches up on writes a stopped worker missed). */
  async start(): Promise<void> {
    const stored = await this.local.get([SYNC_PREF_KEY, SYNC_AGREED_KEY]);
    this.enabled = (stored[SYNC_PREF_KEY] as { enabled?: unknown } | undefined)?.enabled === true && !!this.sync;
    const agreed = stored[SYNC_AGREED_KEY];
    if (agreed && typeof agreed === 'object') this.agreed = { ...(agreed as Record<string, number>) };
    if (this.enabled) await this.reconcileAll();
  }

  async setEnabled(on: boolean): Promise<SyncStatus> {
    if (on && !this.sync) throw new Error('This browser has no sync storage.');
    await this.local.set({ [SYNC_PREF_KEY]: { enabled: on } });
    this.enabled = on;
    if (on) await this.reconcileAll();
    else {
      // The copies in sync stay for the user's other browsers; this one just stops mirroring.
      clearTimeout(this.timer);
      this.pending.clear();
      this.localOnly.clear();
      this.error = undefined;
      await this.publish();
    }
    return this.status();
  }

  async status(): Promise<SyncStatus> {
    let bytesUsed = 0;
    if (this.enabled) for (const b of (await this.loadUsage()).values()) bytesUsed += b;
    return {
      enabled: this.enabled,
      available: !!this.sync,
      localOnly: [...this.localOnly.values()],
      bytesUsed,
      quotaBytes: this.quota.QUOTA_BYTES,
      ...(this.error ? { error: this.error } : {}),
    };
  }

  /** The notice for a note just saved, when it will not fit the sync area. */
  async noticeFor(note: Note | null): Promise<string | undefined> {
    if (!this.enabled || !note) return undefined;
    const usage = await this.loadUsage();
    const { localOnly } = planSync([{ storageKey: storageKey(note.key), note }], usage, this.quota);
    return localOnly[0] ? localOnlyMessage(localOnly[0], this.quota) : undefined;
  }

  written(notes: Note[]): void {
    this.queue(notes.map((n) => n.key));
  }

  removed(keys: string[]): void {
    this.queue(keys);
  }

  /** storage.onChanged for the sync area: another browser (or this one) changed synced notes. */
  async remoteChanged(changes: Record<string, { oldValue?: unknown; newValue?: unknown }>): Promise<void> {
    // Every item counts against the quota, notes or not.
    if (this.usage) {
      for (const [k, { newValue }] of Object.entries(changes)) {
        if (newValue === undefined) this.usage.delete(k);
        else this.usage.set(k, itemBytes(k, newValue));
      }
    }
    // Room freed in the sync area: notes kept local only for lack of room try again.
    if (Object.values(changes).some((c) => c.newValue === undefined)) {
      this.queue([...this.localOnly.values()].filter((l) => l.reason === 'full').map((l) => l.key));
    }
    const keys = Object.keys(changes).filter((k) => k.startsWith(NOTE_PREFIX));
    if (this.enabled && keys.length) await this.reconcileKeys(keys.map((k) => k.slice(NOTE_PREFIX.length)));
  }

  /** Writes what is queued now (tests; the timer calls it otherwise). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const keys = [...this.pending];
    this.pending.clear();
    if (!this.enabled || keys.length === 0) return;
    this.lastFlush = this.now();
    await this.reconcileKeys(keys);
  }

  private queue(keys: string[]): void {
    if (!this.enabled) return;
    for (const k of keys) this.pending.add(k);
    this.schedule(this.options.flushDelayMs ?? 2000);
  }

  private schedule(delay: number): void {
    if (this.timer !== undefined) return;
    const wait = Math.max(delay, this.lastFlush + (this.options.minIntervalMs ?? 5000) - this.now());
    this.timer = setTimeout(() => void this.flush().catch((err) => console.warn('RefLens: notes sync failed', err)), wait);
  }

  private async loadUsage(): Promise<Map<string, number>> {
    if (this.usage) return this.usage;
    const all = this.sync ? await this.sync.get(null) : {};
    const usage = new Map<string, number>();
    for (const [k, v] of Object.entries(all)) usage.set(k, itemBytes(k, v));
    this.usage = usage;
    return usage;
  }

  private async reconcileAll(): Promise<void> {
    const [local, remote] = await Promise.all([this.local.get(null), this.sync!.get(null)]);
    const keys = new Set<string>();
    for (const k of [...Object.keys(local), ...Object.keys(remote)]) if (k.startsWith(NOTE_PREFIX)) keys.add(k.slice(NOTE_PREFIX.length));
    this.usage = undefined;
    await this.reconcileKeys([...keys]);
  }

  /** Brings local and sync copies of these works into agreement, in the store's write queue. */
  private reconcileKeys(workKeys: string[]): Promise<void> {
    return this.store.exclusive(async () => {
      const sync = this.sync!;
      const storageKeys = workKeys.map(storageKey);
      const [localItems, remoteItems] = await Promise.all([this.local.get(storageKeys), sync.get(storageKeys)]);
      const usage = await this.loadUsage();
      const now = this.now();
      const localSet: Record<string, Note> = {};
      const localRemove: string[] = [];
      const push: Array<{ storageKey: string; note: Note }> = [];
      const remoteRemove: string[] = [];
      for (const key of workKeys) {
        const sk = storageKey(key);
        const local = parseNote(localItems[sk]);
        const remote = fromSynced(remoteItems[sk], local);
        const r = reconcile(local, remote, this.agreed[key], now);
        if (r.action === 'push' || r.action === 'both') push.push({ storageKey: sk, note: r.note });
        if (r.action === 'pull' || r.action === 'both') localSet[sk] = r.note;
        // Merged: the local note now holds the synced text, even if it cannot be written back (too large).
        if (r.action === 'both' && remote) this.agreed[key] = remote.updated;
        if (r.action === 'pull' || r.action === 'none') {
          this.localOnly.delete(key);
          if (remote) this.agreed[key] = remote.updated;
        }
        if (r.action === 'delete-local') localRemove.push(sk);
        if (r.action === 'delete-remote') remoteRemove.push(sk);
        if (r.action === 'delete-local' || r.action === 'delete-remote' || (!local && !remote)) {
          delete this.agreed[key];
          this.localOnly.delete(key);
        }
      }
      // Local first: it is the truth, and a failing sync write must not lose what came from sync.
      if (Object.keys(localSet).length) await this.local.set(localSet);
      if (localRemove.length) await this.local.remove(localRemove);
      // Most recently edited first, so a nearly full sync area keeps the notes in use.
      push.sort((a, b) => b.note.updated - a.note.updated);
      await this.pushNotes(push, usage);
      if (remoteRemove.length) {
        await sync.remove(remoteRemove).catch((err: unknown) => this.failed(err, remoteRemove.map((k) => k.slice(NOTE_PREFIX.length))));
        for (const k of remoteRemove) usage.delete(k);
      }
      await this.publish();
    });
  }

  private async pushNotes(push: Array<{ storageKey: string; note: Note }>, usage: Map<string, number>): Promise<void> {
    if (push.length === 0) return;
    const { write, localOnly } = planSync(push, usage, this.quota);
    for (const n of localOnly) this.localOnly.set(n.key, n);
    if (write.length === 0) return;
    try {
      await this.sync!.set(Object.fromEntries(write.map((w) => [w.storageKey, w.value])));
    } catch (err) {
      if (isQuotaError(err) && !isRateError(err)) {
        // Something else filled the area: everything in this write stays local, and sizes are read again.
        this.usage = undefined;
        for (const { note } of push) this.localOnly.set(note.key, { key: note.key, ...(note.title ? { title: note.title } : {}), reason: 'full', bytes: 0 });
        return;
      }
      this.failed(err, push.map((p) => p.note.key));
      return;
    }
    this.error = undefined;
    for (const w of write) {
      usage.set(w.storageKey, w.bytes);
      const key = w.storageKey.slice(NOTE_PREFIX.length);
      this.agreed[key] = w.value.updated;
      this.localOnly.delete(key);
    }
  }

  /** A sync write failed for another reason (rate limit, sync off in the browser): try again later. */
  private failed(err: unknown, keys: string[]): void {
    for (const k of keys) this.pending.add(k);
    this.error = isRateError(err)
      ? 'Sync is busy (too many writes); your notes are saved here and will sync in a minute.'
      : `Sync failed; your notes are saved in this browser: ${(err as Error)?.message ?? err}`;
    this.schedule(this.options.retryDelayMs ?? 60_000);
  }

  /** Stores the status for the pages (only when it changed) and the agreed revisions. */
  private async publish(): Promise<void> {
    const status = await this.status();
    const json = JSON.stringify(status);
    const items: Record<string, unknown> = { [SYNC_AGREED_KEY]: this.agreed };
    if (json !== this.lastStatus) items[SYNC_STATUS_KEY] = status;
    this.lastStatus = json;
    await this.local.set(items);
  }
}
