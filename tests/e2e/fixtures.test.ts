/**
 * Every publisher fixture in Chromium under its real URL: RefLens annotates exactly the page's reference list
 * (precision and recall 1.0, in page order, once each) and links every identifier the page prints, with no wrong
 * page link. Ground truth: expected.json beside each fixture.
 */
import { describe, expect, it } from 'vitest';
import { useExtensionBrowser } from './setup';
import { waitForDone } from './harness';
import { expectPageIdentifiers, fixtureCases } from './fixture-check';

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

const fixtures = fixtureCases((platform) => platform !== 'generic');

const env = useExtensionBrowser();

describe('publisher fixtures', () => {
  it('has fixtures to check', () => expect(fixtures.length).toBeGreaterThanOrEqual(10));

  for (const f of fixtures) {
    it(`${f.file} at ${f.url}`, async () => {
      const expected = f.expected();
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
        await expectPageIdentifiers(page, expected);
        expect(env.browser.diagnostics(page)).toEqual({ pageErrors: [], consoleErrors: [] });
      } finally {
        await page.close();
      }
    });
  }
});
