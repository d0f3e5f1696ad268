import { browser } from 'wxt/browser';
import { NOTE_PREFIX, type Note } from '../../src/core/notes';
import { displayTitle, keyLinks, matchesQuery, sortNotes, tagQuery, toCsv, toJson, toMarkdown } from '../../src/core/notes-library';
import { safeHttpUrl } from '../../src/core/url';
import { localOnlyMessage, SYNC_STATUS_KEY, type SyncStatus } from '../../src/core/notes-sync';
import { send } from '../../src/messaging/client';

/** Same pause as the page tools: save once typing stops. */
const SAVE_DELAY_MS = 700;
const UNDO_MS = 8000;

const list = document.querySelector<HTMLUListElement>('#notes')!;
const empty = document.querySelector<HTMLElement>('#empty')!;
const count = document.querySelector<HTMLElement>('#count')!;
const status = document.querySelector<HTMLElement>('#status')!;
const statusText = document.querySelector<HTMLElement>('#status-text')!;
const search = document.querySelector<HTMLInputElement>('#search')!;
const importButton = document.querySelector<HTMLButtonElement>('#import-button')!;
const importFile = document.querySelector<HTMLInputElement>('#import-file')!;

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
};

let statusTimer: ReturnType<typeof setTimeout> | undefined;

/** One status line for the page; an optional action button (Undo) lives as long as the message. */
function say(text: string, kind: 'info' | 'error' = 'info', action?: { label: string; run: () => void }, ms = 5000): void {
  clearTimeout(statusTimer);
  statusText.textContent = text;
  status.dataset.kind = kind;
  status.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  status.querySelector('button')?.remove();
  if (action) {
    const button = el('button', { type: 'button', 'data-action': 'undo' }, action.label);
    button.addEventListener('click', () => {
      button.remove();
      action.run();
    });
    status.append(button);
  }
  if (kind === 'info' && ms > 0) {
    statusTimer = setTimeout(() => {
      statusText.textContent = '';
      status.querySelector('button')?.remove();
    }, ms);
  }
}

/** One note in the list; keeps the user's unsaved text when the stored note changes underneath. */
class NoteRow {
  readonly li: HTMLLIElement;
  private readonly heading = el('h2');
  private readonly keys = el('p', { class: 'keys' });
  private readonly tags = el('ul', { class: 'tags', 'aria-label': 'Tags' });
  private readonly textarea: HTMLTextAreaElement;
  private readonly meta = el('p', { class: 'meta' });
  private readonly rowStatus = el('span', { class: 'row-status', role: 'status', 'aria-live': 'polite' });
  private readonly syncLine = el('p', { class: 'sync-line', 'data-sync-notice': '' });
  private readonly tagInput: HTMLInputElement;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private lastSaved: string;

  constructor(public note: Note) {
    this.li = el('li', { class: 'note', 'data-note-key': note.key });
    this.textarea = el('textarea', { 'data-note-text': '', maxlength: '100000' });
    this.textarea.value = note.text;
    this.lastSaved = note.text;
    this.textarea.addEventListener('input', () => {
      clearTimeout(this.saveTimer);
      this.saveTimer = setTimeout(() => void this.saveText(), SAVE_DELAY_MS);
    });
    this.textarea.addEventListener('blur', () => void this.saveText());

    this.tagInput = el('input', { type: 'text', 'data-tag-input': '', placeholder: 'Add tag', autocomplete: 'off' });
    this.tagInput.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter' && e.key !== ',') return;
      e.preventDefault();
      const tag = this.tagInput.value.trim();
      if (!tag) return;
      this.tagInput.value = '';
      void this.saveTags([...this.note.tags, tag]);
    });

    const remove = el('button', { type: 'button', class: 'delete', 'data-action': 'delete' }, 'Delete');
    remove.addEventListener('click', () => void deleteNote(this));
    const end = el('div', { class: 'row-end' });
    end.append(this.rowStatus, remove);
    this.li.append(this.heading, this.keys, this.tags, this.textarea, this.meta, this.syncLine, end);
    this.render(note);
  }

  /** Shows `note`; the textarea only follows when it holds no unsaved edit. */
  render(note: Note): void {
    this.note = note;
    const title = displayTitle(note);
    this.heading.textContent = title;
    this.textarea.setAttribute('aria-label', `Note on ${title}, saved automatically`);
    this.tagInput.setAttribute('aria-label', `Add a tag to the note on ${title}`);
    if (this.textarea.value === this.lastSaved && this.textarea.value !== note.text) this.textarea.value = note.text;
    // With an unsaved edit the base stays what this page last saw, so saving it merges with the newer text.
    if (this.textarea.value === note.text) this.lastSaved = note.text;
    const localOnly = syncStatus?.enabled ? syncStatus.localOnly.find((l) => l.key === note.key) : undefined;
    this.syncLine.hidden = !localOnly;
    this.syncLine.textContent = localOnly ? localOnlyMessage(localOnly) : '';
    this.li.toggleAttribute('data-local-only', !!localOnly);

    this.keys.replaceChildren(
      ...keyLinks(note).map((l) =>
        el('a', { href: l.href, target: '_blank', rel: 'noopener noreferrer', 'data-link': l.kind, title: `${l.label} ${l.value}` }, `${l.label} ${l.value}`),
      ),
    );

    const chips = note.tags.map((tag) => {
      const li = el('li', { class: 'tag', 'data-tag': tag });
      const filter = el('button', { type: 'button', title: `Show notes tagged ${tag}` }, tag);
      filter.addEventListener('click', () => {
        search.value = tagQuery(tag);
        applyFilter();
      });
      const drop = el('button', { type: 'button', 'aria-label': `Remove tag ${tag}`, 'data-action': 'remove-tag' }, '\u00d7');
      drop.addEventListener('click', () => void this.saveTags(this.note.tags.filter((t) => t !== tag)));
      li.append(filter, drop);
      return li;
    });
    const adder = el('li', { class: 'add-tag' });
    adder.append(this.tagInput);
    this.tags.replaceChildren(...chips, adder);

    const updated = new Date(note.updated);
    const time = el('time', { datetime: updated.toISOString() }, updated.toLocaleString());
    const updatedLine = el('span', {}, 'Updated ');
    updatedLine.append(time);
    const pages = note.seenOn.flatMap((u) => {
      const href = safeHttpUrl(u);
      return href ? [el('a', { href, target: '_blank', rel: 'noopener noreferrer' }, pageLabel(href))] : [];
    });
    const seen = el('span', { class: 'seen' }, pages.length ? 'Seen on ' : '');
    pages.forEach((a, i) => seen.append(...(i ? [', ', a] : [a])));
    this.meta.replaceChildren(updatedLine, seen);
  }

  matches(query: string): boolean {
    return matchesQuery({ ...this.note, text: this.textarea.value }, query);
  }

  cancelPendingSave(): void {
    clearTimeout(this.saveTimer);
  }

  private async saveText(): Promise<void> {
    clearTimeout(this.saveTimer);
    const text = this.textarea.value;
    if (text === this.lastSaved) return;
    if (text.trim() === '' && this.note.tags.length === 0) {
      this.showRowStatus('An empty note is not saved; use Delete to remove it.', 'error');
      return;
    }
    try {
      const { note } = await send('notes.update', { key: this.note.key, text, base: this.lastSaved });
      this.lastSaved = text;
      const merged = note !== null && note.text !== text;
      // Merged with an edit made meanwhile on a page: show the result unless more was typed since.
      if (merged && this.textarea.value === text) this.textarea.value = note.text;
      if (note) this.render(note);
      this.showRowStatus(merged ? 'Saved, merged with an edit made in another tab' : 'Saved');
    } catch (err) {
      // The text stays in the textarea; the next edit or blur tries again.
      this.showRowStatus((err as Error).message || 'The note was not saved.', 'error');
    }
  }

  private async saveTags(tags: string[]): Promise<void> {
    try {
      const { note } = await send('notes.update', { key: this.note.key, tags });
      if (note) this.render(note);
      this.showRowStatus('Tags saved');
    } catch (err) {
      this.showRowStatus((err as Error).message || 'The tags were not saved.', 'error');
    }
  }

  private showRowStatus(text: string, kind: 'info' | 'error' = 'info'): void {
    this.rowStatus.textContent = text;
    this.rowStatus.dataset.kind = kind;
  }
}

/** Host and path of a page, short enough for a link label. */
function pageLabel(href: string): string {
  const u = new URL(href);
  const label = `${u.hostname}${u.pathname === '/' ? '' : u.pathname}`;
  return label.length > 70 ? `${label.slice(0, 69)}\u2026` : label;
}

const rows = new Map<string, NoteRow>();
const syncNotice = document.querySelector<HTMLElement>('#sync-notice')!;
let syncStatus: SyncStatus | undefined;

/** The storage.sync mirror's notice: which notes stay in this browser only, or why sync failed. */
function showSync(status: SyncStatus | undefined): void {
  syncStatus = status;
  const lines: string[] = [];
  if (status?.enabled) {
    const big = status.localOnly.filter((l) => l.reason === 'too-large').length;
    const full = status.localOnly.filter((l) => l.reason === 'full').length;
    if (big) lines.push(`${big} note${big === 1 ? ' is' : 's are'} too large to sync (8 KB a note) and stay${big === 1 ? 's' : ''} in this browser only.`);
    if (full) lines.push(`Sync storage is full: ${full} note${full === 1 ? '' : 's'} stay in this browser only.`);
    if (status.error) lines.push(status.error);
  }
  syncNotice.textContent = lines.join(' ');
  syncNotice.hidden = lines.length === 0;
  for (const row of rows.values()) row.render(row.note);
}


function applyFilter(): void {
  const query = search.value;
  let shown = 0;
  for (const row of rows.values()) {
    row.li.hidden = !row.matches(query);
    if (!row.li.hidden) shown++;
  }
  empty.hidden = rows.size > 0;
  count.textContent = rows.size === 0 ? '' : query.trim() ? `${shown} of ${rows.size} notes` : `${rows.size} note${rows.size === 1 ? '' : 's'}`;
}

/**
 * Reloads the notes. Rows keep their place while the page is open (a save must not make the row jump);
 * notes new to the page go on top in library order.
 */
async function refresh(): Promise<void> {
  const { notes } = await send('notes.list', {});
  const byKey = new Map(notes.map((n) => [n.key, n]));
  for (const [key, row] of rows) {
    if (byKey.has(key)) continue;
    row.cancelPendingSave();
    row.li.remove();
    rows.delete(key);
  }
  const fresh: NoteRow[] = [];
  for (const note of sortNotes(notes)) {
    const row = rows.get(note.key);
    if (row) row.render(note);
    else fresh.push(new NoteRow(note));
  }
  list.prepend(...fresh.map((r) => r.li));
  for (const r of fresh) rows.set(r.note.key, r);
  applyFilter();
}

async function deleteNote(row: NoteRow): Promise<void> {
  row.cancelPendingSave();
  const title = displayTitle(row.note);
  try {
    const { note } = await send('notes.delete', { key: row.note.key });
    await refresh();
    if (!note) return say('That note was already deleted.');
    const restore = async () => {
      try {
        // The removed note goes back exactly as it was (same created/updated times, tags and pages).
        await send('notes.import', { json: toJson([note], new Date()) });
        await refresh();
        say('Note restored.');
      } catch (err) {
        say(`Could not restore the note: ${(err as Error).message}`, 'error');
      }
    };
    say(`Deleted the note on \u201c${title}\u201d.`, 'info', { label: 'Undo', run: () => void restore() }, UNDO_MS);
  } catch (err) {
    say(`Could not delete the note: ${(err as Error).message}`, 'error');
  }
}

function download(text: string, filename: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function exportAs(kind: string): Promise<void> {
  try {
    const { notes } = await send('notes.list', {});
    const now = new Date();
    const stem = `reflens-notes-${now.toISOString().slice(0, 10)}`;
    if (kind === 'json') download(toJson(notes, now), `${stem}.json`, 'application/json');
    else if (kind === 'md') download(toMarkdown(notes, now), `${stem}.md`, 'text/markdown;charset=utf-8');
    // The byte-order mark lets spreadsheet programs read the file as UTF-8.
    else download(`\uFEFF${toCsv(notes)}`, `${stem}.csv`, 'text/csv;charset=utf-8');
    say(`Exported ${notes.length} note${notes.length === 1 ? '' : 's'}.`);
  } catch (err) {
    say(`Export failed: ${(err as Error).message}`, 'error');
  }
}

async function importFrom(file: File): Promise<void> {
  try {
    const { imported } = await send('notes.import', { json: await file.text() });
    await refresh();
    say(`Imported ${imported} note${imported === 1 ? '' : 's'} from ${file.name}.`);
  } catch (err) {
    say(`Import failed: ${(err as Error).message}`, 'error');
  }
}

search.addEventListener('input', applyFilter);
for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-export]')) {
  button.addEventListener('click', () => void exportAs(button.dataset.export ?? 'json'));
}
importButton.addEventListener('click', () => importFile.click());
importFile.addEventListener('change', () => {
  const file = importFile.files?.[0];
  importFile.value = '';
  if (file) void importFrom(file);
});

// Notes edited in article tabs (or another library tab) show up here without a reload.
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
browser.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && SYNC_STATUS_KEY in changes) showSync(changes[SYNC_STATUS_KEY]!.newValue as SyncStatus | undefined);
  if (area !== 'local' || !Object.keys(changes).some((k) => k.startsWith(NOTE_PREFIX))) return;
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => void refresh().catch(() => undefined), 150);
});

send('notes.sync.get', {})
  .then(showSync)
  .catch(() => undefined);
refresh()
  .then(() => document.documentElement.setAttribute('data-notes-ready', ''))
  .catch((err: Error) => say(`Could not load notes: ${err.message}`, 'error'));
