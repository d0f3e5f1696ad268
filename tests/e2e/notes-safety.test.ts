/**
 * "Never lose a note" with the built extension: two tabs editing at once, the service worker stopped in the
 * middle of a save, the optional storage.sync mirror (switch, per-note and full-area fallbacks with notices) and
 * a full local storage seen from the notes library.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { SEED_EXPECTED, SEED_URL, fillStorageLocal, toolsSelector, waitForDone, type ExpectedRef } from './harness';
import { useExtensionBrowser } from './setup';

const withDoi = SEED_EXPECTED.filter((e) => e.doi);
const ref = (i: number) => withDoi[i]!;
const keyOf = (e: ExpectedRef) => `doi:${e.doi}`;

interface StoredNote {
  key: string;
  text: string;
  seenOn?: string[];
}
type Chrome = {
  chrome: {
    storage: Record<'local' | 'sync', {
      get(keys: null | string): Promise<Record<string, unknown>>;
      set(items: Record<string, unknown>): Promise<void>;
      remove(keys: string | string[]): Promise<void>;
      QUOTA_BYTES: number;
      getBytesInUse(keys: null): Promise<number>;
    }>;
    runtime: { onMessage: { addListener(l: (msg: unknown) => void): void } };
  };
};

const env = useExtensionBrowser();
const textarea = (n: number) => toolsSelector(n, 'textarea[data-reflens-note]');
const statusLine = (n: number) => toolsSelector(n, '[data-reflens-status-message]');

/** An extension page, for reading storage without depending on the (stoppable) service worker. */
let probe: Page | undefined;
async function extensionPage(): Promise<Page> {
  if (!probe) {
    probe = await env.browser.openPage(`chrome-extension://${env.browser.extensionId}/notes.html`);
    await probe.waitForSelector('html[data-notes-ready]');
  }
  return probe;
}
async function stored(area: 'local' | 'sync', key: string): Promise<StoredNote | undefined> {
  const page = await extensionPage();
  return page.evaluate(
    async ([a, k]) => (await (globalThis as unknown as Chrome).chrome.storage[a as 'local' | 'sync'].get(k))[k] as StoredNote | undefined,
    [area, `note:${key}`] as const,
  );
}

async function openNote(page: Page, n: number): Promise<void> {
  await page.locator(toolsSelector(n, 'button[data-reflens-action="note"]')).click();
}

describe('never lose a note', () => {
  let a: Page;
  let b: Page;

  it('two tabs typing in the same note at once: both additions are kept, and both tabs show the result', async () => {
    const e = ref(0);
    a = await env.browser.openPage(SEED_URL);
    b = await env.browser.openPage(SEED_URL);
    await Promise.all([waitForDone(a), waitForDone(b)]);
    await openNote(a, e.n);
    await openNote(b, e.n);
    await a.locator(textarea(e.n)).pressSequentially('Shared start.');
    await a.locator(textarea(e.n)).blur();
    // Live update: tab B shows the note tab A saved.
    await expect.poll(() => b.locator(textarea(e.n)).inputValue(), { timeout: 10_000 }).toBe('Shared start.');

    // Both tabs add a sentence before either save goes out (saves wait for a pause in typing).
    await Promise.all([
      a.locator(textarea(e.n)).press('End').then(() => a.locator(textarea(e.n)).pressSequentially(' Added in A.')),
      b.locator(textarea(e.n)).press('End').then(() => b.locator(textarea(e.n)).pressSequentially(' Added in B.')),
    ]);
    await expect
      .poll(async () => (await stored('local', keyOf(e)))?.text, { timeout: 15_000 })
      .toMatch(/^Shared start\. Added in [AB]\.\s*Added in [AB]\.$/);
    const merged = (await stored('local', keyOf(e)))!.text;
    expect(merged).toContain('Added in A.');
    expect(merged).toContain('Added in B.');
    await expect.poll(() => a.locator(textarea(e.n)).inputValue(), { timeout: 10_000 }).toBe(merged);
    await expect.poll(() => b.locator(textarea(e.n)).inputValue(), { timeout: 10_000 }).toBe(merged);
  });

  it('two tabs rewriting the same sentence: both versions are kept under a marker; other notes are untouched', async () => {
    const e = ref(0);
    const other = ref(1);
    await a.locator(textarea(e.n)).fill('The drug works.');
    await a.locator(textarea(e.n)).blur();
    await expect.poll(() => b.locator(textarea(e.n)).inputValue(), { timeout: 10_000 }).toBe('The drug works.');
    await openNote(b, other.n);

    // One page takes one fill at a time (a fill types into whatever has focus).
    await Promise.all([
      a.locator(textarea(e.n)).fill('The drug works well in the subgroup.'),
      b.locator(textarea(e.n)).fill('The drug fails.').then(() => b.locator(textarea(other.n)).fill('A different note, typed in B meanwhile.')),
    ]);
    await expect.poll(async () => (await stored('local', keyOf(e)))?.text, { timeout: 15_000 }).toMatch(/Also written/);
    const text = (await stored('local', keyOf(e)))!.text;
    expect(text).toContain('The drug works well in the subgroup.');
    expect(text).toContain('The drug fails.');
    await expect.poll(async () => (await stored('local', keyOf(other)))?.text, { timeout: 15_000 }).toBe('A different note, typed in B meanwhile.');
    await expect.poll(() => a.locator(textarea(e.n)).inputValue(), { timeout: 10_000 }).toBe(text);
    await expect.poll(() => b.locator(textarea(e.n)).inputValue(), { timeout: 10_000 }).toBe(text);
    expect(await a.locator(statusLine(e.n)).textContent().then((t) => t ?? '')).not.toMatch(/not saved/i);
  });

  it('the service worker stopped in the middle of a save: the page retries and the note is stored', async () => {
    const e = ref(2);
    await openNote(a, e.n);
    const worker = await env.browser.liveServiceWorker();
    const blocked = new Promise<void>((ok) => worker.on('console', (m) => m.text() === 'reflens-e2e: save blocked' && ok()));
    // A second listener that holds the worker's only thread as soon as a save arrives: the real handler has
    // started (it is the first listener) but cannot write before the worker is stopped.
    await worker.evaluate(() => {
      (globalThis as unknown as Chrome).chrome.runtime.onMessage.addListener((msg) => {
        if ((msg as { type?: string })?.type !== 'notes.save') return;
        console.log('reflens-e2e: save blocked');
        const end = Date.now() + 90_000;
        while (Date.now() < end) {
          // busy: the worker is stuck mid-save until it is stopped
        }
      });
    });
    const typed = 'Written while the worker was stopped mid-save.';
    await a.locator(textarea(e.n)).fill(typed);
    await a.locator(textarea(e.n)).blur();
    await blocked;

    const cdp = await env.browser.context.newCDPSession(await extensionPage());
    const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: Array<{ targetId: string; type: string; url: string }> };
    const target = targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${env.browser.extensionId}/`));
    expect(target).toBeDefined();
    await cdp.send('Target.closeTarget', { targetId: target!.targetId });
    await cdp.detach();

    // The blocked worker could not have written it (it is held for 90 s): a new worker took the retried save.
    await expect.poll(async () => (await stored('local', keyOf(e)))?.text, { timeout: 45_000 }).toBe(typed);
    await expect.poll(() => a.locator(statusLine(e.n)).textContent(), { timeout: 10_000 }).toBe('Note saved');
    await a.waitForSelector(`[data-reflens-ref="${e.n}"][data-reflens-has-note]`);
    expect(await a.locator(textarea(e.n)).inputValue()).toBe(typed);
  });

  it('a tab closed right after typing, before the pause that saves, keeps the note', async () => {
    const e = ref(5);
    const page = await env.browser.openPage(SEED_URL);
    await waitForDone(page);
    await openNote(page, e.n);
    const typed = 'Typed, then the tab was closed at once.';
    await page.locator(textarea(e.n)).fill(typed);
    await page.close();
    await expect.poll(async () => (await stored('local', keyOf(e)))?.text, { timeout: 10_000 }).toBe(typed);
  });

  it('the notes library shows a full storage and keeps the edit', async () => {
    const e = ref(2);
    const library = await env.browser.openPage(`chrome-extension://${env.browser.extensionId}/notes.html`);
    await library.waitForSelector(`li[data-note-key="${keyOf(e)}"]`);
    const filler = 'reflens-e2e-filler';
    const page = await extensionPage();
    const fill = await fillStorageLocal(page, filler);
    expect(fill.slack).toBeLessThanOrEqual(4096);
    try {
      const box = library.locator(`li[data-note-key="${keyOf(e)}"] textarea[data-note-text]`);
      const edited = `${'More text than the storage has room for. '.repeat(120)}`;
      await box.fill(edited);
      await box.blur();
      await expect
        .poll(() => library.locator(`li[data-note-key="${keyOf(e)}"] .row-status`).textContent(), { timeout: 10_000 })
        .toMatch(/storage is full/i);
      expect(await library.getAttribute(`li[data-note-key="${keyOf(e)}"] .row-status`, 'data-kind')).toBe('error');
      expect(await box.inputValue()).toBe(edited);
    } finally {
      await page.evaluate((key) => (globalThis as unknown as Chrome).chrome.storage.local.remove(key), filler);
    }
    await library.close();
  });

  it('sync mirror: the options switch copies notes to storage.sync, without the pages they were seen on', async () => {
    const options = await env.browser.openPage(`chrome-extension://${env.browser.extensionId}/options.html`);
    const box = options.locator('#notes-sync');
    await expect.poll(() => box.isEnabled(), { timeout: 10_000 }).toBe(true);
    expect(await box.isChecked()).toBe(false);
    expect(await stored('sync', keyOf(ref(0)))).toBeUndefined();
    await box.check();
    await expect.poll(() => options.textContent('#notes-sync-status'), { timeout: 10_000 }).toMatch(/Notes use \d+\.\d KB of 100 KB/);
    const synced = await stored('sync', keyOf(ref(0)));
    expect(synced?.text).toBe((await stored('local', keyOf(ref(0))))?.text);
    expect(synced).not.toHaveProperty('seenOn');
    expect((await stored('local', keyOf(ref(0))))?.seenOn).toEqual([SEED_URL]);

    // A new edit reaches sync after the pause.
    const e = ref(1);
    await b.locator(textarea(e.n)).fill('Edited with sync on.');
    await b.locator(textarea(e.n)).blur();
    await expect.poll(async () => (await stored('sync', keyOf(e)))?.text, { timeout: 20_000 }).toBe('Edited with sync on.');
    await options.close();
  });

  it('sync mirror: a note over 8 KB stays local only, with a notice on the page, in the library and in the options', async () => {
    const e = ref(3);
    await openNote(a, e.n);
    const big = 'Long excerpt. '.repeat(700);
    await a.locator(textarea(e.n)).fill(big);
    await a.locator(textarea(e.n)).blur();
    await expect.poll(() => a.locator(statusLine(e.n)).textContent(), { timeout: 10_000 }).toMatch(/browser only: the note is too large to sync/);
    expect((await stored('local', keyOf(e)))?.text).toBe(big);

    const library = await env.browser.openPage(`chrome-extension://${env.browser.extensionId}/notes.html`);
    await expect.poll(() => library.textContent('#sync-notice'), { timeout: 15_000 }).toMatch(/1 note is too large to sync/);
    expect(await library.isVisible('#sync-notice')).toBe(true);
    const row = library.locator(`li[data-note-key="${keyOf(e)}"]`);
    expect(await row.getAttribute('data-local-only')).not.toBeNull();
    expect(await row.locator('[data-sync-notice]').textContent()).toMatch(/too large to sync/);
    expect(await library.locator('li[data-local-only]').count()).toBe(1);
    expect(await stored('sync', keyOf(e))).toBeUndefined();

    const options = await env.browser.openPage(`chrome-extension://${env.browser.extensionId}/options.html`);
    await expect.poll(() => options.textContent('#notes-sync-status'), { timeout: 10_000 }).toMatch(/1 note stay in this browser only \(the note is too large/);
    await options.close();

    // Shortened, it syncs and the notices go.
    await a.locator(textarea(e.n)).fill('Short again.');
    await a.locator(textarea(e.n)).blur();
    await expect.poll(async () => (await stored('sync', keyOf(e)))?.text, { timeout: 20_000 }).toBe('Short again.');
    await expect.poll(() => library.isVisible('#sync-notice'), { timeout: 10_000 }).toBe(false);
    expect(await library.locator('li[data-local-only]').count()).toBe(0);
    await library.close();
  });

  it('sync mirror: a full sync area keeps new notes local only with a notice; switching off removes the notices', async () => {
    const page = await extensionPage();
    // Fill sync storage with other items to about 96 KB of its 100 KB.
    const fillers = await page.evaluate(async () => {
      const sync = (globalThis as unknown as Chrome).chrome.storage.sync;
      const items: Record<string, string> = {};
      for (let i = 0; i < 12; i++) items[`e2e-filler-${i}`] = 'f'.repeat(8000);
      await sync.set(items);
      return Object.keys(items);
    });
    try {
      const e = ref(4);
      await openNote(a, e.n);
      const text = 'Seven kilobytes of notes. '.repeat(270);
      await a.locator(textarea(e.n)).fill(text);
      await a.locator(textarea(e.n)).blur();
      await expect.poll(() => a.locator(statusLine(e.n)).textContent(), { timeout: 10_000 }).toMatch(/browser only: sync storage is full/);
      expect((await stored('local', keyOf(e)))?.text).toBe(text);
      const library = await env.browser.openPage(`chrome-extension://${env.browser.extensionId}/notes.html`);
      await expect.poll(() => library.textContent('#sync-notice'), { timeout: 15_000 }).toMatch(/Sync storage is full: 1 note stay/);
      await library.close();
      expect(await stored('sync', keyOf(e))).toBeUndefined();
    } finally {
      await page.evaluate((keys) => (globalThis as unknown as Chrome).chrome.storage.sync.remove(keys), fillers);
    }
    // With room again, the note kept back goes to sync.
    await expect.poll(async () => (await stored('sync', keyOf(ref(4))))?.text.length, { timeout: 20_000 }).toBeGreaterThan(6000);

    const options = await env.browser.openPage(`chrome-extension://${env.browser.extensionId}/options.html`);
    await expect.poll(() => options.locator('#notes-sync').isChecked(), { timeout: 10_000 }).toBe(true);
    await options.locator('#notes-sync').uncheck();
    await expect.poll(() => options.textContent('#notes-sync-status'), { timeout: 10_000 }).toBe('');
    for (const p of [a, b, options]) expect(env.browser.diagnostics(p), p.url()).toEqual({ pageErrors: [], consoleErrors: [] });
  });
});
