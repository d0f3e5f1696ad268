/**
 * OpenAlex is used only once the user has entered an OpenAlex API key. With a key, Europe PMC switched off and no
 * contact email (so no Unpaywall), the free copies of works without a PMCID can only come from OpenAlex's batched
 * `filter=doi:a|b|...` answers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, SEED_URL, readAnnotations, waitForDone } from './harness';
import { useExtensionBrowser } from './setup';

const SEED_COUNT = 51;
const OPENALEX_KEY = 'reflens-e2e-key';

interface Truth {
  n: number;
  doi: string | null;
  pmcid: string | null;
}
const truth = JSON.parse(readFileSync(join(REPO_ROOT, 'tests/fixtures/fake-records/seed-truth.json'), 'utf8')) as Truth[];
/** Planted in the fake records: an accepted manuscript in a university repository, known to OpenAlex. */
const REPOSITORY_COPY = 23;

describe('OpenAlex with the user\'s API key', () => {
  const env = useExtensionBrowser();

  it('asks OpenAlex in batches with the key, and links the free copies only it knows', async () => {
    const worker = await env.browser.liveServiceWorker();
    await worker.evaluate(
      (key) =>
        (globalThis as unknown as { chrome: { storage: { local: { set(x: object): Promise<void> } } } }).chrome.storage.local.set({
          settings: { openalexApiKey: key, services: { europepmc: false } },
        }),
      OPENALEX_KEY,
    );
    const since = env.server.requests.length;
    const page = await env.browser.openPage(SEED_URL);
    expect(await waitForDone(page, 60_000)).toBe(SEED_COUNT);
    // The free-copy phase runs after `done`; wait for its links.
    await expect.poll(async () => (await readAnnotations(page)).filter((r) => r.links.some((l) => l.kind === 'oa')).length, { timeout: 20_000 }).toBeGreaterThan(1);
    const refs = await readAnnotations(page);
    const requests = env.server.requests.slice(since);

    const openalex = requests.filter((r) => r.host === 'api.openalex.org');
    const dois = truth.filter((t) => t.doi).length;
    expect(openalex.length).toBeGreaterThan(0);
    expect(openalex.length).toBeLessThanOrEqual(Math.ceil(dois / 50));
    for (const r of openalex) {
      expect(r.path).toContain(`api_key=${OPENALEX_KEY}`);
      expect(decodeURIComponent(r.path)).toMatch(/filter=doi:/);
      expect(decodeURIComponent(r.path)).not.toContain('clinical-breast-cancer');
    }
    // Switched off and unasked: Europe PMC; no email: Unpaywall.
    expect(requests.filter((r) => r.host === 'www.ebi.ac.uk' || r.host === 'api.unpaywall.org')).toEqual([]);

    const oa = refs.find((r) => r.n === REPOSITORY_COPY)?.links.find((l) => l.kind === 'oa');
    expect(oa?.href).toMatch(/^https:\/\/repository\.example\.org\//);
    expect(oa?.oaVersion).toBe('accepted');
    await page.close();
  });
});
