/**
 * Every publisher fixture in Chromium under its real URL: RefLens annotates exactly the page's reference list
 * (precision and recall 1.0, in page order, once each) and links every identifier the page prints, with no wrong
 * page link. Ground truth: expected.json beside each fixture.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useExtensionBrowser } from './setup';
import {
  PAGES_DIR,
  fixturePages,
  readAnnotations,
  waitForDone,
} from './harness';

interface Expected {
  n: number;
  doi: string | null;
  pmid: string | null;
}

/**
 * Lists that arrive late, behind the click a reader makes: RefLens must pick them up when they appear.
 * The generic detector runs only after a toolbar click: tests/e2e/generic.test.ts clicks it.
 */
const REVEAL: Record<string, string> = {
  pubmed: 'button.show-all',
  ieee: '#references-tab',
  europepmc: '#free-full-text',
};
const platformOf = (file: string) => file.split('/')[0]!;

const fixtures = fixturePages()
  .map((p) => ({ ...p, expectedFile: join(PAGES_DIR, dirname(p.file), 'expected.json') }))
  .filter((p) => existsSync(p.expectedFile) && platformOf(p.file) !== 'generic');

/** The DOI a doi.org link points to. */
const doiOf = (href: string) => decodeURIComponent(new URL(href).pathname.slice(1));

const env = useExtensionBrowser();

describe('publisher fixtures', () => {
  it('has fixtures to check', () => expect(fixtures.length).toBeGreaterThanOrEqual(10));

  for (const f of fixtures) {
    it(`${f.file} at ${f.url}`, async () => {
      const expected = JSON.parse(readFileSync(f.expectedFile, 'utf8')) as Expected[];
      const page = await env.browser.openPage(f.url);
      try {
        const reveal = REVEAL[platformOf(f.file)];
        if (reveal) {
          await page.click(reveal);
          await page.waitForFunction((n) => document.querySelectorAll('[data-reflens-ref]').length === n, expected.length, {
            timeout: 30_000,
          });
        }
        expect(await waitForDone(page, 60_000)).toBe(expected.length);
        const refs = await readAnnotations(page);
        expect(refs.map((r) => r.n)).toEqual(expected.map((e) => e.n));
        for (const e of expected) {
          const r = refs.find((x) => x.n === e.n)!;
          const pageLinks = (kind: string) => r.links.filter((l) => l.kind === kind && l.source === 'page').map((l) => l.href);
          expect(pageLinks('doi').map(doiOf), `page DOI of ${e.n}`).toEqual(e.doi ? [e.doi] : []);
          expect(pageLinks('pubmed'), `page PMID of ${e.n}`).toEqual(e.pmid ? [`https://pubmed.ncbi.nlm.nih.gov/${e.pmid}/`] : []);
        }
        expect(env.browser.diagnostics(page)).toEqual({ pageErrors: [], consoleErrors: [] });
      } finally {
        await page.close();
      }
    });
  }
});
