/** The options page's notes-sync section: the storage.sync mirror switch and its notice. */
import { browser } from 'wxt/browser';
import { localOnlyMessage, SYNC_STATUS_KEY, type SyncStatus } from '../../src/core/notes-sync';
import { send } from '../../src/messaging/client';

const box = document.querySelector<HTMLInputElement>('#notes-sync')!;
const notice = document.querySelector<HTMLElement>('#notes-sync-status')!;

function show(status: SyncStatus): void {
  box.checked = status.enabled;
  box.disabled = !status.available;
  const lines: string[] = [];
  if (!status.available) lines.push('This browser has no sync storage; notes stay in this browser.');
  if (status.enabled) {
    lines.push(`Notes use ${(status.bytesUsed / 1024).toFixed(1)} KB of ${(status.quotaBytes / 1024).toFixed(0)} KB of sync storage.`);
    if (status.localOnly.length) {
      const first = status.localOnly[0]!;
      lines.push(
        `${status.localOnly.length} note${status.localOnly.length === 1 ? '' : 's'} stay in this browser only (${localOnlyMessage(first).replace(/^Saved in this browser only: /, '').replace(/\.$/, '')}).`,
      );
    }
    if (status.error) lines.push(status.error);
  }
  notice.textContent = lines.join(' ');
  notice.dataset.kind = status.localOnly.length || status.error ? 'warning' : 'info';
}

box.addEventListener('change', () => {
  const on = box.checked;
  send('notes.sync.set', { enabled: on })
    .then(show)
    .catch((err: Error) => {
      box.checked = !on;
      notice.textContent = `Could not change notes sync: ${err.message}`;
      notice.dataset.kind = 'warning';
    });
});

browser.storage.onChanged.addListener((changes, area) => {
  const next = changes[SYNC_STATUS_KEY]?.newValue as SyncStatus | undefined;
  if (area === 'local' && next) show(next);
});

send('notes.sync.get', {})
  .then(show)
  .catch((err: Error) => (notice.textContent = `Notes sync unavailable: ${err.message}`));
