/**
 * The built extension on the seed article page (Clinical Breast Cancer, Elsevier health / Atypon core shell),
 * served under its real https URL, with the scholarly services answered by the local fake services
 * (tests/fake-services) from the records in tests/fixtures/fake-records/seed.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useExtensionBrowser } from './setup';
import {
  API_HOSTS,
  fillStorageLocal,
  readAnnotations,
  readExpected,
  REPO_ROOT,
  toolsSelector,
  waitForDone,
  type Annotation,
  SEED_EXPECTED,
  SEED_RECORDS,
  SEED_URL,
} from './harness';

const SD_FULLTEXT_URL = 'https://www.sciencedirect.com/science/article/pii/S1526820921001543';
const SEED_COUNT = 51;
const SHARED_DOI = '10.1007/s10549-019-05427-1';

const seedExpected = SEED_EXPECTED;
const sdExpected = readExpected('sciencedirect/fulltext');

interface Truth {
  n: number;
  doi: string | null;
  pmid: string | null;
  pmcid: string | null;
  flag?: 'retracted' | 'correction';
}
const truth = JSON.parse(readFileSync(join(REPO_ROOT, 'tests/fixtures/fake-records/seed-truth.json'), 'utf8')) as Truth[];
/** Dellinger 1939: deliberately absent from the fake records. */
const ABSENT = 45;

/**
 * APA 7 written by hand from the metadata the services hold for these works (tests/fixtures/fake-records/seed.json):
 * full author lists, full journal title, issue, en dash in page ranges, DOI as an https://doi.org/ URL.
 */
const APA: Record<number, string> = {
  13: 'Siegel, R. L., Miller, K. D., & Jemal, A. (2020). Cancer statistics, 2020. CA: A Cancer Journal for Clinicians, 70(1), 7–30. https://doi.org/10.3322/caac.21590',
  20: 'den Brok, W. D., Speers, C. H., Gondara, L., Baxter, E., Tyldesley, S. K., & Lohrisch, C. A. (2017). Survival with metastatic breast cancer based on initial presentation, de novo versus relapsed. Breast Cancer Research and Treatment, 161(3), 549–556. https://doi.org/10.5555/reflens.s20',
  24: 'Giordano, S. H., Buzdar, A. U., Smith, T. L., Kau, S.-W., Yang, Y., & Hortobagyi, G. N. (2004). Is breast cancer survival improving? Cancer, 100(1), 44–52. https://doi.org/10.5555/reflens.s24',
};

const FINAL_STATES = ['resolved', 'unresolved', 'error'];

const env = useExtensionBrowser(SEED_RECORDS);
const pages: Page[] = [];

async function open(url: string): Promise<Page> {
  const page = await env.browser.openPage(url);
  pages.push(page);
  return page;
}

const byN = (refs: Annotation[], n: number): Annotation => {
  const ref = refs.find((r) => r.n === n);
  if (!ref) throw new Error(`reference ${n} is not annotated`);
  return ref;
};

/** Runs in the service worker: chrome.storage.local, typed just enough for these calls. */
interface StorageLocal {
  QUOTA_BYTES: number;
  getBytesInUse(keys: null | string[]): Promise<number>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
}
type WorkerGlobal = { chrome: { storage: { local: StorageLocal } } };

describe('seed page: Clinical Breast Cancer (Elsevier health)', () => {
  let page: Page;
  let refs: Annotation[];

  it('annotates exactly the 51 references of the list, once each, and reports done', async () => {
    page = await open(SEED_URL);
    const count = await waitForDone(page);
    refs = await readAnnotations(page);

    expect(count).toBe(SEED_COUNT);
    expect(await page.getAttribute('html', 'data-reflens-status')).toBe('done');
    expect(refs).toHaveLength(SEED_COUNT);
    expect(refs.map((r) => r.n).sort((a, b) => a - b)).toEqual(Array.from({ length: SEED_COUNT }, (_, i) => i + 1));
    for (const r of refs) {
      expect(r.hasTools, `reference ${r.n} has tools`).toBe(true);
      expect(FINAL_STATES, `state of reference ${r.n}`).toContain(r.state);
    }

    // Each number sits on the list item carrying that label and first author (not on a copy elsewhere).
    for (const e of seedExpected) {
      const text = byN(refs, e.n).text;
      expect(text.startsWith(`${e.n}.`), `reference ${e.n} text: ${text.slice(0, 40)}`).toBe(true);
      expect(text).toContain(e.firstAuthor);
    }

    const misplaced = await page.evaluate(() => ({
      inDropBlock: document.querySelectorAll('.dropBlock [data-reflens-ref], .dropBlock reflens-tools').length,
      inSidePanel: document.querySelectorAll('aside.core-collateral [data-reflens-ref], aside.core-collateral reflens-tools').length,
      outsideList: [...document.querySelectorAll('[data-reflens-ref]')].filter((el) => !el.closest('section#references')).length,
      tools: document.querySelectorAll('reflens-tools').length,
    }));
    expect(misplaced).toEqual({ inDropBlock: 0, inSidePanel: 0, outsideList: 0, tools: SEED_COUNT });
  });

  it('links exactly the DOIs and PMIDs the page gives, and invents none', () => {
    for (const e of seedExpected) {
      const links = byN(refs, e.n).links;
      const pageLinks = (kind: string) => links.filter((l) => l.kind === kind && l.source === 'page').map((l) => l.href);
      expect(pageLinks('doi'), `page DOI link of reference ${e.n}`).toEqual(e.doi ? [`https://doi.org/${e.doi}`] : []);
      expect(pageLinks('pubmed'), `page PubMed link of reference ${e.n}`).toEqual(
        e.pmid ? [`https://pubmed.ncbi.nlm.nih.gov/${e.pmid}/`] : [],
      );
    }
    // Sanity of the ground truth itself: the fixture has both kinds.
    expect(seedExpected.filter((e) => e.doi).length).toBeGreaterThan(10);
    expect(seedExpected.filter((e) => e.pmid).length).toBeGreaterThan(5);
  });

  it('finds every other cited work by lookup, with a confidence and zero wrong links', () => {
    for (const t of truth) {
      const r = byN(refs, t.n);
      const href = (kind: string) => r.links.filter((l) => l.kind === kind).map((l) => l.href);
      if (t.n === ABSENT) {
        expect(r.state, 'the absent work').toBe('unresolved');
        expect(r.links.filter((l) => l.kind !== 'oa')).toEqual([]);
        continue;
      }
      expect(r.state, `state of reference ${t.n}`).toBe('resolved');
      expect(href('doi'), `DOI of reference ${t.n}`).toEqual([`https://doi.org/${t.doi}`]);
      // PubMed and PMC links are optional (not every service knows them) but never wrong.
      for (const h of href('pubmed')) expect(h, `PubMed of reference ${t.n}`).toBe(`https://pubmed.ncbi.nlm.nih.gov/${t.pmid}/`);
      for (const h of href('pmc')) expect(h, `PMC of reference ${t.n}`).toBe(`https://pmc.ncbi.nlm.nih.gov/articles/${t.pmcid}/`);
      for (const l of r.links.filter((x) => x.source === 'lookup' && x.kind !== 'oa')) {
        expect(l.confidence, `confidence of ${l.kind} of reference ${t.n}`).toBeGreaterThanOrEqual(0.8);
        expect(l.confidence).toBeLessThanOrEqual(1);
      }
    }
    const lookups = refs.filter((r) => r.links.some((l) => l.source === 'lookup' && l.kind === 'doi'));
    expect(lookups.length).toBeGreaterThanOrEqual(30);
  });

  it('links legal open-access copies and flags only the planted retraction and correction', () => {
    const flagged = refs.filter((r) => r.flags.length > 0).map((r) => ({ n: r.n, flags: r.flags }));
    const planted = truth.filter((t) => t.flag).map((t) => ({ n: t.n, flags: [t.flag] }));
    expect(flagged).toEqual(planted);
    const oa = refs.flatMap((r) => r.links.filter((l) => l.kind === 'oa').map((l) => ({ n: r.n, ...l })));
    expect(oa.length).toBeGreaterThanOrEqual(5);
    for (const l of oa) {
      expect(l.href).toMatch(/^https?:\/\//);
      expect(['published', 'accepted', 'submitted', 'unknown']).toContain(l.oaVersion);
    }
  });

  it('copies an APA 7 citation of the chosen reference to the clipboard', async () => {
    for (const [n, expected] of Object.entries(APA)) {
      await page.evaluate(() => navigator.clipboard.writeText(''));
      await page.locator(toolsSelector(Number(n), 'button[data-reflens-action="copy"]')).click();
      await expect
        .poll(() => page.locator(toolsSelector(Number(n), '[data-reflens-status-message]')).textContent(), { timeout: 15_000 })
        .toMatch(/Copied/);
      expect(await page.evaluate(() => navigator.clipboard.readText()), `APA of reference ${n}`).toBe(expected);
    }
  });

  it('keeps a note across a reload, and shows it for the same work on ScienceDirect', async () => {
    const n = seedExpected.find((e) => e.doi === SHARED_DOI)?.n;
    expect(n).toBeDefined();
    const note = `Seed note ${Date.now()}: compare with the SystHERs registry.`;
    const textarea = toolsSelector(n!, 'textarea[data-reflens-note]');

    await page.locator(toolsSelector(n!, 'button[data-reflens-action="note"]')).click();
    await page.locator(textarea).pressSequentially(note);
    // Saved by the debounce alone: no blur, no button.
    await page.waitForSelector(`[data-reflens-ref="${n}"][data-reflens-has-note]`, { timeout: 10_000 });

    await page.reload();
    await waitForDone(page);
    await page.waitForSelector(`[data-reflens-ref="${n}"][data-reflens-has-note]`, { timeout: 10_000 });
    expect(await page.locator(textarea).inputValue()).toBe(note);

    const sd = await open(SD_FULLTEXT_URL);
    await waitForDone(sd);
    const sdN = sdExpected.find((e) => e.doi === SHARED_DOI)?.n;
    expect(sdN).toBeDefined();
    const sdRefs = await readAnnotations(sd);
    expect(byN(sdRefs, sdN!).links.find((l) => l.kind === 'doi')?.href).toBe(`https://doi.org/${SHARED_DOI}`);
    await sd.waitForSelector(`[data-reflens-ref="${sdN}"][data-reflens-has-note]`, { timeout: 10_000 });
    expect(await sd.locator(toolsSelector(sdN!, 'textarea[data-reflens-note]')).inputValue()).toBe(note);
    expect((await readAnnotations(sd)).filter((r) => r.hasNote).map((r) => r.n)).toEqual([sdN]);
  });

  it('reports a full storage in the tools and keeps the typed text', async () => {
    const n = 13;
    const fillerKey = 'reflens-e2e-filler';
    const worker = await env.browser.liveServiceWorker();
    const fill = await fillStorageLocal(worker, fillerKey);
    expect(fill.probeFailed, `storage filled to ${fill.after} of ${fill.quota} bytes`).toBe(true);

    try {
      const typed = 'A note that cannot be stored.';
      const textarea = page.locator(toolsSelector(n, 'textarea[data-reflens-note]'));
      await page.locator(toolsSelector(n, 'button[data-reflens-action="note"]')).click();
      await textarea.pressSequentially(typed);
      await expect
        .poll(() => page.locator(toolsSelector(n, '[data-reflens-status-message]')).textContent(), { timeout: 10_000 })
        .toMatch(/storage|quota/i);
      expect(await textarea.inputValue()).toBe(typed);
      expect(await page.getAttribute(`[data-reflens-ref="${n}"]`, 'data-reflens-has-note')).toBeNull();

      // With room again, the next edit saves the kept text.
      await worker.evaluate((key) => (globalThis as unknown as WorkerGlobal).chrome.storage.local.remove(key), fillerKey);
      await textarea.press('End');
      await textarea.pressSequentially('!');
      await page.waitForSelector(`[data-reflens-ref="${n}"][data-reflens-has-note]`, { timeout: 10_000 });
      await textarea.fill('');
      await textarea.blur();
      await expect.poll(() => page.getAttribute(`[data-reflens-ref="${n}"]`, 'data-reflens-has-note'), { timeout: 10_000 }).toBeNull();
    } finally {
      await worker.evaluate((key) => (globalThis as unknown as WorkerGlobal).chrome.storage.local.remove(key), fillerKey);
    }
  });

  it('sends no page address to the web services and raises no page errors', () => {
    const leaks = env.server.requests.filter(
      (r) =>
        (API_HOSTS as readonly string[]).includes(r.host) &&
        /clinical-breast-cancer|S1526-8209|sciencedirect/i.test(`${r.path} ${r.body ?? ''} ${r.referer ?? ''}`),
    );
    expect(leaks).toEqual([]);
    for (const p of pages) expect(env.browser.diagnostics(p), p.url()).toEqual({ pageErrors: [], consoleErrors: [] });
  });

  it('shows one summary above the list whose counts match the tools, and jumps to a flagged reference', async () => {
    await waitForDone(page);
    const readSummary = () =>
      page.evaluate(() => {
        const host = document.querySelector('reflens-summary');
        const counts = Object.fromEntries(
          [...(host?.attributes ?? [])]
            .filter((a) => a.name.startsWith('data-reflens-summary-'))
            .map((a) => [a.name.slice('data-reflens-summary-'.length), Number(a.value)]),
        );
        const text = host?.shadowRoot?.querySelector('[data-reflens-summary-text]');
        return {
          hosts: document.querySelectorAll('reflens-summary').length,
          counts,
          text: text?.textContent ?? '',
          role: text?.getAttribute('role') ?? null,
          jumps: [...(host?.shadowRoot?.querySelectorAll('a[data-reflens-summary-jump]') ?? [])].map((a) => Number(a.getAttribute('data-reflens-summary-jump'))),
          beforeList: !!host && host.closest('section#references') !== null &&
            !!(host.compareDocumentPosition(document.querySelector('[data-reflens-ref="1"]')!) & Node.DOCUMENT_POSITION_FOLLOWING),
        };
      });
    const fromTools = (annotations: Annotation[]) => ({
      total: annotations.length,
      resolved: annotations.filter((r) => r.state === 'resolved').length,
      pending: annotations.filter((r) => r.state === 'pending').length,
      oa: annotations.filter((r) => r.links.some((l) => l.kind === 'oa')).length,
      flagged: annotations.filter((r) => r.flags.length > 0).length,
      retracted: annotations.filter((r) => r.flags.includes('retracted')).length,
      corrected: annotations.filter((r) => r.flags.includes('correction')).length,
      concern: annotations.filter((r) => r.flags.includes('expression-of-concern')).length,
    });
    // Free copies may arrive after "done" (second phase): wait until the summary agrees with the tools.
    await expect
      .poll(async () => JSON.stringify((await readSummary()).counts) === JSON.stringify(fromTools(await readAnnotations(page))), { timeout: 15_000 })
      .toBe(true);

    const summary = await readSummary();
    const planted = truth.filter((t) => t.flag);
    const retracted = planted.filter((t) => t.flag === 'retracted').map((t) => t.n);
    const corrected = planted.filter((t) => t.flag === 'correction').map((t) => t.n);
    const c = summary.counts;
    expect(c).toMatchObject({ total: SEED_COUNT, resolved: SEED_COUNT - 1, pending: 0, flagged: planted.length, retracted: retracted.length, corrected: corrected.length });
    expect(c.oa).toBeGreaterThanOrEqual(5);
    expect(summary).toMatchObject({ hosts: 1, role: 'status', beforeList: true });
    const copies = `${c.oa} free ${c.oa === 1 ? 'copy' : 'copies'}`;
    expect(summary.text).toBe(
      [`${SEED_COUNT} references`, `${SEED_COUNT - 1} identified`, copies, `${retracted.length} retracted`, `${corrected.length} corrected`].join(' · '),
    );
    console.info(`[seed] summary: ${summary.text}`);
    expect([...summary.jumps].sort((a, b) => a - b)).toEqual(planted.map((t) => t.n).sort((a, b) => a - b));

    const target = retracted[0]!;
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.locator(`reflens-summary a[data-reflens-summary-jump="${target}"]`).click();
    await expect
      .poll(() =>
        page.evaluate((n) => {
          const item = document.querySelector(`[data-reflens-ref="${n}"]`)!;
          const box = item.getBoundingClientRect();
          return { focused: document.activeElement === item, visible: box.bottom > 0 && box.top < window.innerHeight };
        }, target),
      )
      .toEqual({ focused: true, visible: true });
  });
});
