/**
 * Citations beyond the Cite button, in Chromium with the built extension on the seed article: "Cite as…" any style,
 * the whole-list export of the summary panel (copy, download, notes, only identified), the copy command of the
 * keyboard shortcut and context menu, Save to Zotero against a fake connector (and the fallback when Zotero is not
 * running), and custom CSL styles and the citation language in the options page.
 */
import { readFileSync } from 'node:fs';
import type { Download, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { SEED_EXPECTED, SEED_URL, toolsSelector, waitForDone } from './harness';
import { createFakeZotero, type FakeZotero } from './fake-zotero';
import { useExtensionBrowser } from './setup';

const WITH_DOI = SEED_EXPECTED.filter((e) => e.doi);
const FIRST = WITH_DOI[0]!;
const SECOND = WITH_DOI[1]!;

const env = useExtensionBrowser();
let page: Page;
let zotero: FakeZotero;

type WorkerGlobal = {
  chrome: {
    tabs: {
      query(q: { url: string }): Promise<Array<{ id: number }>>;
      sendMessage(id: number, msg: unknown): Promise<unknown>;
    };
    commands: { getAll(): Promise<Array<{ name: string; shortcut: string }>> };
    storage: { local: { get(k: string): Promise<Record<string, unknown>> } };
  };
};

const clipboard = () => page.evaluate(() => navigator.clipboard.readText());
const clearClipboard = () => page.evaluate(() => navigator.clipboard.writeText(''));
const summary = (inner: string) => `reflens-summary ${inner}`;
const exportStatus = () => page.locator(summary('[data-reflens-export-status]')).textContent();
const statusOf = (n: number) => page.locator(toolsSelector(n, '[data-reflens-status-message]')).textContent();

async function downloaded(action: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), action()]);
  const path = await (download as Download).path();
  return { name: (download as Download).suggestedFilename(), text: readFileSync(path!, 'utf8') };
}

/** Sends what the background sends for the keyboard shortcut or the context menu, from the service worker. */
async function sendCommand(via: 'keyboard' | 'context-menu'): Promise<unknown> {
  await page.bringToFront();
  const worker = await env.browser.liveServiceWorker();
  return worker.evaluate(
    async ([url, v]) => {
      const { chrome } = globalThis as unknown as WorkerGlobal;
      const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true } as never);
      return chrome.tabs.sendMessage(tab!.id, { reflensCommand: 'copy-citation', via: v });
    },
    ['', via] as const,
  );
}

describe('citations on the page', () => {
  it('copies one reference in any style from "Cite as…"', async () => {
    page = await env.browser.openPage(SEED_URL);
    await waitForDone(page);
    const select = page.locator(toolsSelector(FIRST.n, 'select[data-reflens-action="copy-as"]'));
    await select.focus();
    await expect.poll(() => select.locator('option').count(), { timeout: 10_000 }).toBeGreaterThan(11);
    const labels = await select.locator('option').allTextContents();
    expect(labels).toEqual(expect.arrayContaining(['APA 7th', 'Vancouver', 'AMA 11th', 'MLA 9th', 'IEEE', 'Nature', 'BibTeX', 'RIS', 'CSL-JSON', 'Save to Zotero']));

    await clearClipboard();
    await select.selectOption('bibtex');
    await expect.poll(() => statusOf(FIRST.n), { timeout: 15_000 }).toBe('Copied BibTeX citation');
    const bib = await clipboard();
    expect(bib).toMatch(/^@article\{/);
    expect(bib).toContain(`doi = {${FIRST.doi}}`);
    expect(await select.inputValue()).toBe(''); // back to "Cite as…" for the next choice

    await select.selectOption('ris');
    await expect.poll(() => statusOf(FIRST.n), { timeout: 15_000 }).toBe('Copied RIS citation');
    expect(await clipboard()).toMatch(new RegExp(`^TY  - JOUR\\n[^]*DO  - ${FIRST.doi!.replace(/[.()]/g, '\\$&')}\\n[^]*ER  - $`));
  });

  it('has "Cite as…" next in the tab order as soon as a bar gets keyboard focus, wherever it is', async () => {
    const last = SEED_EXPECTED[SEED_EXPECTED.length - 1]!;
    await page.locator(toolsSelector(last.n, 'button[data-reflens-action="copy"]')).focus();
    await page.keyboard.press('Tab');
    const focused = () =>
      page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.getAttribute('data-reflens-action'));
    expect(await focused()).toBe('copy-as');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('note');
    // Without focus, every bar in view has its menu (built as it nears the viewport), here at the list's middle.
    const middle = SEED_EXPECTED[Math.floor(SEED_EXPECTED.length / 2)]!;
    await page.evaluate((n) => document.querySelector(`[data-reflens-ref="${n}"]`)!.scrollIntoView({ block: 'center' }), middle.n);
    const inView = () =>
      page.evaluate(() =>
        [...document.querySelectorAll('reflens-tools')]
          .filter((h) => {
            const r = h.getBoundingClientRect();
            return r.bottom > 0 && r.top < innerHeight;
          })
          .map((h) => !!h.shadowRoot!.querySelector('select[data-reflens-action="copy-as"]')),
      );
    await expect.poll(async () => (await inView()).every(Boolean)).toBe(true);
    expect((await inView()).length).toBeGreaterThan(3);
  });

  it('copies the focused or right-clicked reference on the keyboard command and the context menu', async () => {
    const worker = await env.browser.liveServiceWorker();
    const commands = await worker.evaluate(() => (globalThis as unknown as WorkerGlobal).chrome.commands.getAll());
    // The suggested Alt+Shift+C is assigned at install unless taken; headless Chromium may leave it unassigned.
    expect(commands.map((c) => c.name)).toContain('copy-citation');

    await clearClipboard();
    await page.locator(`[data-reflens-ref="${SECOND.n}"]`).click({ button: 'right', position: { x: 5, y: 5 } });
    await page.keyboard.press('Escape');
    expect(await sendCommand('context-menu')).toMatchObject({ ok: true, message: 'Copied APA 7th citation' });
    const second = await clipboard();
    expect(second).toContain(`https://doi.org/${SECOND.doi}`);

    await clearClipboard();
    await page.locator(toolsSelector(FIRST.n, 'button[data-reflens-action="note"]')).focus();
    expect(await sendCommand('keyboard')).toMatchObject({ ok: true });
    expect(await clipboard()).toContain(`https://doi.org/${FIRST.doi}`);
    await expect.poll(() => statusOf(FIRST.n)).toBe('Copied APA 7th citation');

    // Nothing focused or clicked on a reference: nothing copied.
    await page.locator('h1').first().click();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    expect(await sendCommand('keyboard')).toEqual({ ok: false });
  });

  it('copies and downloads the whole list in any format, optionally only identified ones and with notes', async () => {
    const host = page.locator('reflens-summary');
    const total = Number(await host.getAttribute('data-reflens-summary-total'));
    const resolved = Number(await host.getAttribute('data-reflens-summary-resolved'));
    expect(resolved).toBeLessThan(total); // the seed page has unidentifiable references

    const note = 'Compare survival with the tucatinib arm.';
    await page.locator(toolsSelector(FIRST.n, 'button[data-reflens-action="note"]')).click();
    await page.locator(toolsSelector(FIRST.n, 'textarea[data-reflens-note]')).fill(note);
    await page.waitForSelector(`[data-reflens-ref="${FIRST.n}"][data-reflens-has-note]`, { timeout: 10_000 });

    await page.locator(summary('button[data-reflens-action="export"]')).click();
    const style = page.locator(summary('select[data-reflens-export-style]'));
    await expect.poll(() => style.locator('option').count(), { timeout: 10_000 }).toBeGreaterThan(10);
    expect(await style.inputValue()).toBe('apa');

    await clearClipboard();
    await style.selectOption('ris');
    await page.locator(summary('button[data-reflens-action="copy-list"]')).click();
    await expect.poll(exportStatus, { timeout: 20_000 }).toBe(`Copied ${total} references (RIS)`);
    expect((await clipboard()).match(/^TY {2}- /gm)).toHaveLength(total);

    await page.locator(summary('input[data-reflens-export-resolved]')).check();
    await clearClipboard();
    await page.locator(summary('button[data-reflens-action="copy-list"]')).click();
    await expect.poll(exportStatus, { timeout: 20_000 }).toBe(`Copied ${resolved} references (RIS)`);
    expect((await clipboard()).match(/^TY {2}- /gm)).toHaveLength(resolved);

    await style.selectOption('csl-json');
    await page.locator(summary('input[data-reflens-export-notes]')).check();
    const json = await downloaded(() => page.locator(summary('button[data-reflens-action="download-list"]')).click());
    expect(json.name).toBe('references-clinical-breast-cancer.com.json');
    const items = JSON.parse(json.text) as Array<{ DOI?: string; note?: string }>;
    expect(items).toHaveLength(resolved);
    expect(items.filter((i) => i.note)).toEqual([expect.objectContaining({ DOI: FIRST.doi, note })]);

    await style.selectOption('vancouver');
    const text = await downloaded(() => page.locator(summary('button[data-reflens-action="download-list"]')).click());
    expect(text.name).toBe('references-clinical-breast-cancer.com.txt');
    expect(text.text.split('\n')).toHaveLength(resolved);
    expect(text.text).toMatch(/^1\. /);
  });
});

describe('Save to Zotero', () => {
  it('says Zotero is not running and offers RIS and BibTeX downloads instead', async () => {
    // A fresh page: Chromium asks before a page's third download, which headless Chromium then refuses.
    await page.reload();
    await waitForDone(page);
    await page.locator(summary('button[data-reflens-action="export"]')).click();
    await page.locator(summary('input[data-reflens-export-resolved]')).check();
    await page.locator(summary('input[data-reflens-export-notes]')).check();
    await page.locator(summary('button[data-reflens-action="zotero-list"]')).click();
    await expect.poll(exportStatus, { timeout: 15_000 }).toMatch(/^Zotero is not running/);
    const fallback = page.locator(summary('[data-reflens-export-fallback]'));
    await expect.poll(() => fallback.isVisible()).toBe(true);
    const ris = await downloaded(() => page.locator(summary('button[data-reflens-action="download-ris"]')).click());
    expect(ris.name).toBe('references-clinical-breast-cancer.com.ris');
    expect(ris.text).toMatch(/^TY {2}- /);
    await page.locator(summary('button[data-reflens-action="zotero-list"]')).click();
    await expect.poll(() => fallback.isVisible(), { timeout: 15_000 }).toBe(true);
    const bib = await downloaded(() => page.locator(summary('button[data-reflens-action="download-bibtex"]')).click());
    expect(bib.name).toBe('references-clinical-breast-cancer.com.bib');
    expect(bib.text).toMatch(/^@/);
  });

  it('saves the list and one reference through the connector, without the page URL', async () => {
    zotero = createFakeZotero();
    env.server.mountHost('127.0.0.1', zotero.handler);
    const resolved = Number(await page.locator('reflens-summary').getAttribute('data-reflens-summary-resolved'));
    await page.locator(summary('button[data-reflens-action="zotero-list"]')).click();
    await expect.poll(exportStatus, { timeout: 15_000 }).toBe(`Saved ${resolved} references to Zotero`);
    expect(await page.locator(summary('[data-reflens-export-fallback]')).isVisible()).toBe(false);

    const saves = zotero.requests.filter((r) => r.path === '/connector/saveItems');
    expect(saves.length).toBeGreaterThanOrEqual(1);
    for (const r of zotero.requests) {
      expect(r.headers['x-zotero-connector-api-version']).toBe('3');
      expect(JSON.stringify(r.body ?? '')).not.toContain('clinical-breast-cancer.com');
      expect(r.body).not.toHaveProperty('uri');
    }
    const items = zotero.saved();
    expect(items).toHaveLength(resolved);
    const first = items.find((i) => i.DOI === FIRST.doi);
    expect(first).toMatchObject({ itemType: 'journalArticle', title: expect.any(String) });
    expect(first!.notes).toEqual([{ note: '<p>Compare survival with the tucatinib arm.</p>' }]);

    const select = page.locator(toolsSelector(SECOND.n, 'select[data-reflens-action="copy-as"]'));
    await select.focus();
    await expect.poll(() => select.locator('option[value="zotero"]').count(), { timeout: 10_000 }).toBe(1);
    await select.selectOption('zotero');
    await expect.poll(() => statusOf(SECOND.n), { timeout: 15_000 }).toBe('Saved to Zotero');
    expect(zotero.saved().at(-1)).toMatchObject({ DOI: SECOND.doi });
  });
});

describe('options: citation language and custom styles', () => {
  const NS = 'http://purl.org/net/xbiblio/csl';
  const TINY = `<?xml version="1.0" encoding="utf-8"?>
<style xmlns="${NS}" class="in-text" version="1.0">
  <info><title>E2E Tiny Style</title><id>http://example.org/e2e-tiny</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography><layout><text value="TINY: "/><text variable="title"/><text variable="DOI" prefix=" doi "/></layout></bibliography>
</style>`;

  it('refuses invalid XML with a clear error and stores nothing', async () => {
    const options = await env.browser.openPage(`chrome-extension://${env.browser.extensionId}/options.html`);
    await options.waitForSelector('html[data-options-ready]');
    await options.locator('#style-file').setInputFiles({ name: 'broken.csl', mimeType: 'text/xml', buffer: Buffer.from(TINY.replace('</citation>', '')) });
    await expect.poll(() => options.locator('#style-error').textContent(), { timeout: 10_000 }).toBe(
      'broken.csl: Not valid XML (line 6): closing tag </style> does not match <citation> opened on line 4.',
    );
    const worker = await env.browser.liveServiceWorker();
    expect(await worker.evaluate(() => (globalThis as unknown as WorkerGlobal).chrome.storage.local.get('cslStyles'))).toEqual({});
    await options.close();
  });

  it('adds a valid style, makes it the default, and the Cite button uses it; the language setting applies', async () => {
    const options = await env.browser.openPage(`chrome-extension://${env.browser.extensionId}/options.html`);
    await options.waitForSelector('html[data-options-ready]');
    await options.locator('#style-file').setInputFiles({ name: 'tiny.csl', mimeType: 'text/xml', buffer: Buffer.from(TINY) });
    await expect.poll(() => options.locator('#custom-styles li').count(), { timeout: 10_000 }).toBe(1);
    expect(await options.locator('#style-error').isVisible()).toBe(false);
    const id = await options.locator('#custom-styles li').getAttribute('data-style-id');
    expect(id).toMatch(/^custom-[0-9a-f]{8}$/);
    await options.locator('#style').selectOption(id!);
    await expect.poll(() => options.locator('#status').textContent()).toBe('Saved.');

    await page.reload();
    await waitForDone(page);
    await clearClipboard();
    await page.locator(toolsSelector(FIRST.n, 'button[data-reflens-action="copy"]')).click();
    await expect.poll(() => statusOf(FIRST.n), { timeout: 15_000 }).toBe('Copied E2E Tiny Style citation');
    expect(await clipboard()).toBe(`TINY: ${FIRST.title} doi ${FIRST.doi}`);

    await options.locator('#style').selectOption('chicago-author-date');
    await options.locator('#locale').selectOption('de-DE');
    await expect.poll(() => options.locator('#status').textContent()).toBe('Saved.');
    await page.locator(toolsSelector(FIRST.n, 'button[data-reflens-action="copy"]')).click();
    await expect.poll(() => statusOf(FIRST.n), { timeout: 15_000 }).toBe('Copied Chicago author-date citation');
    expect(await clipboard()).toMatch(/„[^“]+“\./); // German quotation marks

    await options.locator(`#custom-styles li[data-style-id="${id}"] button`).click();
    await expect.poll(() => options.locator('#custom-styles li').count()).toBe(0);
    await options.close();
  });
});
