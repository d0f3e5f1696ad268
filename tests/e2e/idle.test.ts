/**
 * Idle cost: once the seed page's list is annotated, changes elsewhere on the page (an ad slot refreshing) must not
 * make RefLens rescan. Scans are counted through the `reflens:scan` performance marks the content script sets.
 * A change inside the list must still be seen (late items), so the observer is scoped, not gone.
 */

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useExtensionBrowser } from './setup';
import {
  waitForDone,
  SEED_URL,
} from './harness';

/** Longer than the content script's rescan debounce (250 ms). */
const SETTLE_MS = 800;

const env = useExtensionBrowser();

const scans = (page: Page) => page.evaluate(() => performance.getEntriesByName('reflens:scan').length);

describe('idle page', () => {
  it('200 changes outside the list cause no rescan; a change inside the list does', async () => {
    const page = await env.browser.openPage(SEED_URL);
    try {
      expect(await waitForDone(page)).toBe(51);
      await page.waitForTimeout(SETTLE_MS);
      const before = await scans(page);
      expect(before, 'the content script marks its scans').toBeGreaterThan(0);

      // An ad-like slot in the page header (outside the list and its container), refreshed 200 times over ~1 s.
      await page.evaluate(async () => {
        const header = document.querySelector('.pageHeader') ?? document.body;
        const slot = document.createElement('div');
        slot.className = 'ad-slot';
        header.append(slot);
        for (let i = 0; i < 200; i++) {
          const ad = document.createElement('div');
          ad.textContent = `ad ${i}`;
          slot.replaceChildren(ad);
          if (i % 20 === 19) await new Promise((r) => setTimeout(r, 100));
        }
      });
      await page.waitForTimeout(SETTLE_MS);
      expect(await scans(page), 'rescans caused by changes outside the list').toBe(before);

      // Control: a node added inside the list's container is noticed (late items still get annotated).
      await page.evaluate(() => {
        const items = [...document.querySelectorAll('[data-reflens-ref]')];
        let container = items[0]!.parentElement!;
        while (!items.every((el) => container.contains(el))) container = container.parentElement!;
        container.append(document.createElement('div'));
      });
      await page.waitForTimeout(SETTLE_MS);
      expect(await scans(page)).toBe(before + 1);
      expect(env.browser.diagnostics(page)).toEqual({ pageErrors: [], consoleErrors: [] });
    } finally {
      await page.close();
    }
  });
});
