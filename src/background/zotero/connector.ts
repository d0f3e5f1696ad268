/**
 * Saving to the Zotero desktop app through its local connector server (the one the Zotero browser connector uses).
 * Only http://127.0.0.1:23119 is contacted; the page URL is never sent (saveItems' optional `uri` is left out:
 * Zotero only uses it as the referrer for attachment downloads, and RefLens sends none).
 */
import type { CslItem } from '../../core/csl';
import { HandledError } from '../../messaging/server';
import { toZoteroItem } from './items';

export const ZOTERO_ORIGIN = 'http://127.0.0.1:23119';
/** Zotero refuses browser requests without this header (server.js: "Preventing request from browser"). */
const HEADERS = { 'Content-Type': 'application/json', 'X-Zotero-Connector-API-Version': '3' };
const PING_TIMEOUT_MS = 2000;
/** Zotero may ask the user to pick a collection or be busy importing; saving is given longer. */
const SAVE_TIMEOUT_MS = 30_000;
/** Items per saveItems request, as the Zotero connector itself batches large saves. */
const BATCH = 50;

export const NOT_RUNNING =
  'Zotero is not running (or its connector is switched off). Start the Zotero desktop app and try again, or import a RIS or BibTeX file into Zotero instead.';

export class ZoteroConnector {
  constructor(private readonly fetchImpl: typeof fetch = (...args) => fetch(...args)) {}

  private async post(path: string, body: unknown, timeoutMs: number): Promise<Response> {
    try {
      return await this.fetchImpl(`${ZOTERO_ORIGIN}${path}`, {
        method: 'POST',
        headers: HEADERS,
        body: JSON.stringify(body),
        credentials: 'omit',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch {
      throw new HandledError(NOT_RUNNING, 'zotero-unavailable');
    }
  }

  /** True when the Zotero desktop app answers. */
  async ping(): Promise<boolean> {
    try {
      return (await this.post('/connector/ping', {}, PING_TIMEOUT_MS)).ok;
    } catch {
      return false;
    }
  }

  async save(items: readonly CslItem[]): Promise<number> {
    if (items.length === 0) throw new HandledError('Nothing to save.', 'invalid');
    if (!(await this.ping())) throw new HandledError(NOT_RUNNING, 'zotero-unavailable');
    let saved = 0;
    for (let i = 0; i < items.length; i += BATCH) {
      const batch = items.slice(i, i + BATCH).map((it, j) => toZoteroItem(it, i + j));
      const sessionID = randomId();
      const res = await this.post('/connector/saveItems', { sessionID, items: batch }, SAVE_TIMEOUT_MS);
      if (res.status !== 201) {
        const why = res.status === 500 ? 'the selected library is read-only or the save failed' : `it answered ${res.status}`;
        throw new HandledError(
          `Zotero did not save ${saved ? 'all of ' : ''}the references (${why}).${saved ? ` ${saved} were saved.` : ''}`,
          'zotero-failed',
        );
      }
      saved += batch.length;
    }
    return saved;
  }
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}
