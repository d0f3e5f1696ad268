/**
 * Single-page navigation: an app (Europe PMC-like) pushes a new article URL and replaces the whole article view
 * without a page load. RefLens must notice the navigation, annotate the new reference list once, and keep no
 * annotation of the old one; going back (popstate) must annotate the re-rendered first list again.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EXTENSION_DIR,
  launchBrowser,
  mountFakeServices,
  readAnnotations,
  startServer,
  type LaunchedBrowser,
  type TestServer,
  SEED_RECORDS,
} from './harness';

const FIRST = 'https://europepmc.org/article/MED/40356016';
const SECOND = 'https://europepmc.org/article/MED/33782057';
const PAGE = 'europepmc/spa-navigation/index.html';
/** Page DOIs of each article's list, in order (the test page's data). */
const FIRST_DOIS = ['https://doi.org/10.3322/caac.21660', 'https://doi.org/10.3322/caac.21590', null];
const SECOND_DOIS = [
  'https://doi.org/10.1371/journal.pmed.1000097',
  'https://doi.org/10.1371/journal.pmed.1000100',
  'https://doi.org/10.1136/bmj.j4008',
  'https://doi.org/10.1186/s13643-017-0663-8',
];

let server: TestServer;
let browser: LaunchedBrowser;
let fake: Awaited<ReturnType<typeof mountFakeServices>>;

beforeAll(async () => {
  server = await startServer();
  server.addRoute({ url: FIRST, file: PAGE });
  server.addRoute({ url: SECOND, file: PAGE });
  fake = await mountFakeServices(server, SEED_RECORDS);
  browser = await launchBrowser({ extensionPath: EXTENSION_DIR, port: server.port });
});

afterAll(async () => {
  await browser?.close();
  await fake?.close();
  await server?.close();
});

/** Waits until exactly `count` items are annotated and the page status is final with that count. */
async function settled(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const html = document.documentElement;
      return (
        document.querySelectorAll('[data-reflens-ref]').length === n &&
        html.getAttribute('data-reflens-count') === String(n) &&
        html.getAttribute('data-reflens-status') === 'done'
      );
    },
    count,
    { timeout: 30_000 },
  );
}

/** Per item of the current list: its tools elements (must be one) and the page DOI link it shows. */
async function state(page: Page): Promise<{ tools: number; perItem: number[]; dois: (string | null)[]; ns: number[] }> {
  const refs = await readAnnotations(page);
  const counts = await page.evaluate(() => ({
    tools: document.querySelectorAll('reflens-tools').length,
    perItem: [...document.querySelectorAll('#reference-list .ref-cit-blk')].map((el) => el.querySelectorAll('reflens-tools').length),
  }));
  return {
    ...counts,
    ns: refs.map((r) => r.n),
    dois: refs.map((r) => r.links.find((l) => l.kind === 'doi' && l.source === 'page')?.href ?? null),
  };
}

describe('single-page navigation', () => {
  it('annotates the new list after pushState, drops the old one, and again after going back', async () => {
    const page = await browser.openPage(FIRST);
    try {
      await settled(page, 3);
      expect(await state(page)).toEqual({ tools: 3, perItem: [1, 1, 1], ns: [1, 2, 3], dois: FIRST_DOIS });

      await page.click('#open-next');
      expect(page.url()).toBe(SECOND);
      await settled(page, 4);
      expect(await state(page)).toEqual({ tools: 4, perItem: [1, 1, 1, 1], ns: [1, 2, 3, 4], dois: SECOND_DOIS });
      expect(await page.textContent('#article-title')).toContain('PRISMA 2020');

      await page.goBack();
      expect(page.url()).toBe(FIRST);
      await settled(page, 3);
      expect(await state(page)).toEqual({ tools: 3, perItem: [1, 1, 1], ns: [1, 2, 3], dois: FIRST_DOIS });
      expect(browser.diagnostics(page)).toEqual({ pageErrors: [], consoleErrors: [] });
    } finally {
      await page.close();
    }
  });
});
