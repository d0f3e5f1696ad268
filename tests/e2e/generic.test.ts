/**
 * The generic detector, on pages of no known platform: nothing runs until the reader clicks RefLens's toolbar
 * button (activeTab, no host permission), then the page's reference list is annotated exactly as expected.json says.
 */
import { describe, expect, it } from 'vitest';
import { useExtensionBrowser } from './setup';
import { waitForDone } from './harness';
import { expectPageIdentifiers, fixtureCases } from './fixture-check';

const fixtures = fixtureCases((platform) => platform === 'generic');

const env = useExtensionBrowser();

describe('generic detector after a toolbar click', () => {
  it('has the generic fixtures', () => expect(fixtures.length).toBeGreaterThanOrEqual(4));

  for (const f of fixtures) {
    it(`${f.file} at ${f.url}`, async () => {
      const expected = f.expected();
      const page = await env.browser.openPage(f.url);
      try {
        // No host permission here: without the click, RefLens stays out of the page.
        await page.waitForTimeout(500);
        expect(await page.evaluate(() => document.querySelectorAll('[data-reflens-ref], reflens-tools').length)).toBe(0);

        await env.browser.clickToolbarButton(page);
        const done = await waitForDone(page, 60_000).catch(async (err: Error) => {
          const state = await page.evaluate(() => ({
            status: document.documentElement.getAttribute('data-reflens-status'),
            refs: document.querySelectorAll('[data-reflens-ref]').length,
            states: [...document.querySelectorAll('[data-reflens-ref]')].map((e) => e.getAttribute('data-reflens-state')),
          }));
          console.error(`[generic] not done after the click: ${JSON.stringify(state)}; worker errors ${JSON.stringify(env.browser.serviceWorkerErrors)}, warnings ${JSON.stringify(env.browser.serviceWorkerWarnings)}`);
          throw err;
        });
        expect(done).toBe(expected.length);
        await expectPageIdentifiers(page, expected);

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
