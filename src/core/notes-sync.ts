/**
 * The optional storage.sync mirror of notes: what a synced note holds, how large it is, whether it fits the sync
 * quotas, and how a synced copy and the local note are reconciled. Pure (no browser APIs).
 */
import { parseNote, type Note } from './notes';

/** chrome.storage.sync limits (Firefox's are the same or looser). */
export interface SyncQuota {
  QUOTA_BYTES: number;
  QUOTA_BYTES_PER_ITEM: number;
  MAX_ITEMS: number;
}
export const SYNC_QUOTA: SyncQuota = { QUOTA_BYTES: 102_400, QUOTA_BYTES_PER_ITEM: 8192, MAX_ITEMS: 512 };

export type LocalOnlyReason = 'too-large' | 'full';

export interface LocalOnlyNote {
  key: string;
  title?: string;
  reason: LocalOnlyReason;
  /** Serialized size of the note as a sync item. */
  bytes: number;
}

/** What the pages show about the mirror (stored in storage.local under SYNC_STATUS_KEY). */
export interface SyncStatus {
  enabled: boolean;
  /** False when this browser has no storage.sync. */
  available: boolean;
  /** Notes kept in this browser only, and why. */
  localOnly: LocalOnlyNote[];
  /** Bytes of notes in the sync area, of quota. */
  bytesUsed: number;
  quotaBytes: number;
  /** A problem the user should know about (sync unavailable, a failed write). */
  error?: string;
}

/** Local storage keys of the mirror's own state. */
export const SYNC_PREF_KEY = 'notesSync';
export const SYNC_STATUS_KEY = 'notesSyncStatus';
export const SYNC_AGREED_KEY = 'notesSyncAgreed';

const utf8 = new TextEncoder();

/** Bytes a sync item takes against the quotas: its key plus its JSON value, as Chrome counts them. */
export const itemBytes = (key: string, value: unknown): number => utf8.encode(key).length + utf8.encode(JSON.stringify(value)).length;

/** The synced form of a note: the pages it was seen on stay in this browser (they are never sent anywhere). */
export function toSynced(note: Note): Omit<Note, 'seenOn'> {
  const { seenOn: _local, ...rest } = note;
  return rest;
}

/** A synced value as a note, with the local note's pages; null when it is not a valid note. */
export function fromSynced(value: unknown, local: Note | null): Note | null {
  const note = parseNote(typeof value === 'object' && value !== null ? { seenOn: [], ...value } : value);
  if (!note) return null;
  return { ...note, seenOn: local?.seenOn ?? [] };
}

/**
 * Which of `notes` (most important first) go to the sync area, given the sizes of the items there now
 * (`usage`: storage key -> bytes). A note over the per-item limit, or one that no longer fits the total or the
 * item count, stays local only.
 */
export function planSync(
  notes: ReadonlyArray<{ storageKey: string; note: Note }>,
  usage: ReadonlyMap<string, number>,
  quota: SyncQuota = SYNC_QUOTA,
): { write: Array<{ storageKey: string; value: Omit<Note, 'seenOn'>; bytes: number }>; localOnly: LocalOnlyNote[] } {
  let total = 0;
  for (const b of usage.values()) total += b;
  let items = usage.size;
  const write: Array<{ storageKey: string; value: Omit<Note, 'seenOn'>; bytes: number }> = [];
  const localOnly: LocalOnlyNote[] = [];
  for (const { storageKey, note } of notes) {
    const value = toSynced(note);
    const bytes = itemBytes(storageKey, value);
    const old = usage.get(storageKey);
    const local = (reason: LocalOnlyReason) => localOnly.push({ key: note.key, ...(note.title ? { title: note.title } : {}), reason, bytes });
    if (bytes > quota.QUOTA_BYTES_PER_ITEM) {
      local('too-large');
      continue;
    }
    const nextTotal = total - (old ?? 0) + bytes;
    const nextItems = items + (old === undefined ? 1 : 0);
    if (nextTotal > quota.QUOTA_BYTES || nextItems > quota.MAX_ITEMS) {
      local('full');
      continue;
    }
    total = nextTotal;
    items = nextItems;
    write.push({ storageKey, value, bytes });
  }
  return { write, localOnly };
}

export type Reconciled =
  | { action: 'none' }
  | { action: 'push'; note: Note }
  | { action: 'pull'; note: Note }
  | { action: 'both'; note: Note }
  | { action: 'delete-local' }
  | { action: 'delete-remote' };

const sameContent = (a: Note, b: Note) =>
  a.text === b.text && a.tags.join('\u0000') === b.tags.join('\u0000') && (a.title ?? '') === (b.title ?? '');

/**
 * Reconciles the local note and the synced copy of one work. `agreed` is the `updated` time both sides last
 * agreed on (undefined when never). The side that changed since wins (that is the newer one); when both changed,
 * their texts are merged with nothing dropped. A note missing on one side that was unchanged since agreement was
 * deleted there on purpose; otherwise it is copied across.
 */
export function reconcile(local: Note | null, remote: Note | null, agreed: number | undefined, now: number): Reconciled {
  if (!local && !remote) return { action: 'none' };
  if (local && !remote) return agreed !== undefined && local.updated <= agreed ? { action: 'delete-local' } : { action: 'push', note: local };
  if (!local && remote) return agreed !== undefined && remote.updated <= agreed ? { action: 'delete-remote' } : { action: 'pull', note: remote };
  const l = local!;
  const r = { ...remote!, seenOn: l.seenOn };
  if (sameContent(l, r)) {
    if (l.updated === r.updated) return { action: 'none' };
    return l.updated > r.updated ? { action: 'push', note: l } : { action: 'pull', note: r };
  }
  const localChanged = agreed === undefined || l.updated > agreed;
  const remoteChanged = agreed === undefined || r.updated > agreed;
  if (localChanged && !remoteChanged) return { action: 'push', note: l };
  if (remoteChanged && !localChanged) return { action: 'pull', note: r };
  // Both changed: the newer text leads; the older one follows unless the newer already contains it.
  const [newer, older] = l.updated >= r.updated ? [l, r] : [r, l];
  const text =
    newer.text.includes(older.text) ? newer.text
    : older.text.includes(newer.text) ? older.text
    : `${newer.text.replace(/\s+$/, '')}\n\n\u2500\u2500 Also written in another browser \u2500\u2500\n${older.text}`;
  const tags = [...newer.tags, ...older.tags.filter((t) => !newer.tags.some((n) => n.toLowerCase() === t.toLowerCase()))];
  const aliases = [...new Set([...newer.aliases, ...older.aliases])].filter((a) => a !== l.key);
  const note: Note = { ...newer, text, tags, aliases, seenOn: l.seenOn, created: Math.min(l.created, r.created), updated: Math.max(now, l.updated, r.updated) };
  const title = newer.title ?? older.title;
  if (title !== undefined) note.title = title;
  return { action: 'both', note };
}

/** One sentence for a note kept local only. */
export function localOnlyMessage(n: Pick<LocalOnlyNote, 'reason' | 'bytes'>, quota: SyncQuota = SYNC_QUOTA): string {
  const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
  return n.reason === 'too-large'
    ? `Saved in this browser only: the note is too large to sync (${kb(n.bytes)}; sync allows ${kb(quota.QUOTA_BYTES_PER_ITEM)} a note).`
    : `Saved in this browser only: sync storage is full (${kb(quota.QUOTA_BYTES)} in all).`;
}
