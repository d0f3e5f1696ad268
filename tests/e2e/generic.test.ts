/**
 * The generic detector, on pages of no known platform: nothing runs until the reader clicks RefLens's toolbar
 * button (activeTab, no host permission), then the page's reference list is annotated exactly as expected.json says.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useExtensionBrowser } from './setup';
import { PAGES_DIR, fixturePages, readAnnotations, waitForDone } from './harness';

interface Expected {
  n: number;
  doi: string | null;
  pmid: string | null;
}

const fixtures = fixturePages()
  .map((p) => ({ ...p, expectedFile: join(PAGES_DIR, dirname(p.file), 'expected.json') }))
  .filter((p) => p.file.startsWith('generic/') && existsSync(p.expectedFile));

const doiOf = (href: string) => decodeURIComponent(new URL(href).pathname.slice(1));

const env = useExtensionBrowser();

describe('generic detector after a toolbar click', () => {
  it('has the generic fixtures', () => expect(fixtures.length).toBeGreaterThanOrEqual(4));

  for (const f of fixtures) {
    it(`${f.file} at ${f.url}`, async () => {
      const expected = JSON.parse(readFileSync(f.expectedFile, 'utf8')) as Expected[];
      const page = await env.browser.openPage(f.url);
      try {
        // No host permission here: without the click, RefLens stays out of the page.
        await page.waitForTimeout(500);
        expect(await page.evaluate(() => document.querySelectorAll('[data-reflens-ref], reflens-tools').length)).toBe(0);

        await env.browser.clickToolbarButton(page);
        expect(await waitForDone(page, 60_000)).toBe(expected.length);
        const refs = await readAnnotations(page);
        expect(refs.map((r) => r.n)).toEqual(expected.map((e) => e.n));
        for (const e of expected) {
          const r = refs.find((x) => x.n === e.n)!;
          const pageLinks = (kind: string) => r.links.filter((l) => l.kind === kind && l.source === 'page').map((l) => l.href);
          expect(pageLinks('doi').map(doiOf), `page DOI of ${e.n}`).toEqual(e.doi ? [e.doi] : []);
          expect(pageLinks('pubmed'), `page PMID of ${e.n}`).toEqual(e.pmid ? [`https://pubmed.ncbi.nlm.nih.gov/${e.pmid}/`] : []);
        }

        // A second click on the same page annotates nothing twice.
        await env.browser.clickToolbarButton(page);
        await page.waitForTimeout(500);
        expect(await page.evaluate(() => document.querySelectorAll('[data-reflens-ref]').length)).toBe(expected.length);
        expect(await page.evaluate(() => document.querySelectorAll('reflens-tools').length)).toBe(expected.length);
        expect(env.browser.diagnostics(page)).toEqual({ pageErrors: [], consoleErrors: [] });
      } finally {
        await page.close();
      }
    });
  }
});
