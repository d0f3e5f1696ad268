/**
 * The notes library page (chrome-extension://<id>/notes.html) with the built extension: notes typed on the seed
 * article page are listed, searched, edited (and the article tab follows), deleted with undo, exported as JSON and
 * imported back into a cleared storage; a bad file changes nothing.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useExtensionBrowser } from './setup';
import {
  SEED_EXPECTED,
  type ExpectedRef,
  toolsSelector,
  waitForDone,
  SEED_RECORDS,
  SEED_URL,
} from './harness';


/** Two references whose DOI the page itself gives, so their note keys are known in advance. */
const withDoi = SEED_EXPECTED.filter((e) => e.doi);
const FIRST = withDoi[0]!;
const SECOND = withDoi[1]!;

interface StoredNote {
  key: string;
  text: string;
  tags: string[];
  created: number;
  updated: number;
}
type WorkerGlobal = {
  chrome: { storage: { local: { get(keys: null): Promise<Record<string, unknown>>; clear(): Promise<void> } } };
};

const env = useExtensionBrowser(SEED_RECORDS);
let article: Page;
let library: Page;
const workDir = mkdtempSync(join(tmpdir(), 'reflens-notes-e2e-'));

const rows = (page: Page) => page.locator('li[data-note-key]');
const visibleKeys = (page: Page) =>
  page.$$eval('li[data-note-key]', (lis) => lis.filter((li) => !(li as HTMLElement).hidden).map((li) => li.getAttribute('data-note-key')));
const row = (page: Page, key: string) => page.locator(`li[data-note-key="${key}"]`);

async function storedNotes(): Promise<Record<string, StoredNote>> {
  const worker = await env.browser.liveServiceWorker();
  const all = await worker.evaluate(() => (globalThis as unknown as WorkerGlobal).chrome.storage.local.get(null));
  return Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith('note:'))) as Record<string, StoredNote>;
}

describe('notes library page', () => {
  const keyOf = (e: ExpectedRef) => `doi:${e.doi}`;
  const texts = new Map([
    [FIRST.n, 'Alpha note: tucatinib arm, compare survival.'],
    [SECOND.n, 'Beta note: HER2 correlation, classic.'],
  ]);

  it('lists the notes typed on an article page, with their DOI links', async () => {
    article = await env.browser.openPage(SEED_URL);
    await waitForDone(article);
    for (const e of [FIRST, SECOND]) {
      await article.locator(toolsSelector(e.n, 'button[data-reflens-action="note"]')).click();
      await article.locator(toolsSelector(e.n, 'textarea[data-reflens-note]')).pressSequentially(texts.get(e.n)!);
      await article.waitForSelector(`[data-reflens-ref="${e.n}"][data-reflens-has-note]`, { timeout: 10_000 });
    }

    library = await env.browser.openPage(`chrome-extension://${env.browser.extensionId}/notes.html`);
    await library.waitForSelector('html[data-notes-ready]');
    expect((await visibleKeys(library)).sort()).toEqual([keyOf(FIRST), keyOf(SECOND)].sort());
    for (const e of [FIRST, SECOND]) {
      const r = row(library, keyOf(e));
      expect(await r.locator('textarea[data-note-text]').inputValue()).toBe(texts.get(e.n));
      expect(await r.locator('a[data-link="doi"]').getAttribute('href')).toBe(`https://doi.org/${e.doi}`);
      expect(await r.locator('.seen a').first().getAttribute('href')).toBe(SEED_URL);
      expect((await r.locator('h2').textContent())?.length).toBeGreaterThan(5);
    }
  });

  it('filters as you type', async () => {
    await library.fill('#search', 'tucatinib');
    expect(await visibleKeys(library)).toEqual([keyOf(FIRST)]);
    await library.fill('#search', 'note classic');
    expect(await visibleKeys(library)).toEqual([keyOf(SECOND)]);
    await library.fill('#search', 'nothing-like-this');
    expect(await visibleKeys(library)).toEqual([]);
    expect(await library.textContent('#count')).toBe('0 of 2 notes');
    await library.fill('#search', '');
    expect(await visibleKeys(library)).toHaveLength(2);
  });

  it('edits text and tags; the article tab shows the new text without a reload', async () => {
    const edited = 'Alpha note, edited in the library.';
    const r = row(library, keyOf(FIRST));
    await r.locator('textarea[data-note-text]').fill(edited);
    await expect.poll(() => storedNotes().then((n) => n[`note:${keyOf(FIRST)}`]?.text), { timeout: 10_000 }).toBe(edited);
    await expect
      .poll(() => article.locator(toolsSelector(FIRST.n, 'textarea[data-reflens-note]')).inputValue(), { timeout: 10_000 })
      .toBe(edited);

    await r.locator('input[data-tag-input]').fill('to read');
    await r.locator('input[data-tag-input]').press('Enter');
    await expect.poll(() => storedNotes().then((n) => n[`note:${keyOf(FIRST)}`]?.tags), { timeout: 10_000 }).toEqual(['to read']);
    await library.fill('#search', '#to');
    expect(await visibleKeys(library)).toEqual([]);
    await library.fill('#search', '');
    await r.locator('li[data-tag="to read"] button').first().click();
    expect(await library.inputValue('#search')).toBe('#"to read"');
    expect(await visibleKeys(library)).toEqual([keyOf(FIRST)]);
    await library.fill('#search', '');
  });

  it('deletes a note with an undo that restores it exactly; the article tab follows', async () => {
    const before = (await storedNotes())[`note:${keyOf(SECOND)}`];
    await row(library, keyOf(SECOND)).locator('button[data-action="delete"]').click();
    await expect.poll(() => visibleKeys(library)).toEqual([keyOf(FIRST)]);
    expect((await storedNotes())[`note:${keyOf(SECOND)}`]).toBeUndefined();
    await expect
      .poll(() => article.getAttribute(`[data-reflens-ref="${SECOND.n}"]`, 'data-reflens-has-note'), { timeout: 10_000 })
      .toBeNull();

    await library.click('#status button[data-action="undo"]');
    await expect.poll(() => rows(library).count()).toBe(2);
    expect((await storedNotes())[`note:${keyOf(SECOND)}`]).toEqual(before);
    await article.waitForSelector(`[data-reflens-ref="${SECOND.n}"][data-reflens-has-note]`, { timeout: 10_000 });
  });

  it('exports JSON, and importing it into a cleared storage gives the same notes and list', async () => {
    const listed = (await visibleKeys(library)).sort();
    const stored = await storedNotes();
    const [download] = await Promise.all([library.waitForEvent('download'), library.click('button[data-export="json"]')]);
    expect(download.suggestedFilename()).toMatch(/^reflens-notes-\d{4}-\d{2}-\d{2}\.json$/);
    const file = join(workDir, 'export.json');
    await download.saveAs(file);
    const exported = JSON.parse(readFileSync(file, 'utf8')) as { format: string; version: number; count: number; notes: StoredNote[] };
    expect(exported).toMatchObject({ format: 'reflens-notes', version: 2, count: 2 });

    const worker = await env.browser.liveServiceWorker();
    await worker.evaluate(() => (globalThis as unknown as WorkerGlobal).chrome.storage.local.clear());
    await expect.poll(() => rows(library).count(), { timeout: 10_000 }).toBe(0);
    expect(await library.isVisible('#empty')).toBe(true);

    await library.setInputFiles('#import-file', file);
    await expect.poll(() => library.textContent('#status-text'), { timeout: 10_000 }).toMatch(/Imported 2 notes/);
    expect((await visibleKeys(library)).sort()).toEqual(listed);
    expect(await storedNotes()).toEqual(stored);
    // The article tab shows the imported notes again.
    await article.waitForSelector(`[data-reflens-ref="${FIRST.n}"][data-reflens-has-note]`, { timeout: 10_000 });
  });

  it('refuses a cut-short file with a clear error and changes nothing', async () => {
    const stored = await storedNotes();
    const file = join(workDir, 'partial.json');
    const full = readFileSync(join(workDir, 'export.json'), 'utf8');
    writeFileSync(file, full.slice(0, Math.floor(full.length * 0.6)));
    await library.setInputFiles('#import-file', file);
    await expect.poll(() => library.textContent('#status-text'), { timeout: 10_000 }).toMatch(/Import failed: .*not valid JSON/);
    expect(await library.getAttribute('#status', 'role')).toBe('alert');
    expect(await storedNotes()).toEqual(stored);
    expect(await rows(library).count()).toBe(2);
  });

  it('is reachable from the options page and raises no page errors', async () => {
    const options = await env.browser.openPage(`chrome-extension://${env.browser.extensionId}/options.html`);
    expect(await options.getAttribute('#notes-link', 'href')).toBe('./notes.html');
    for (const p of [article, library, options]) expect(env.browser.diagnostics(p), p.url()).toEqual({ pageErrors: [], consoleErrors: [] });
  });
});
