/**
 * The seed article page with one scholarly service failing (tests/fake-services faults): RefLens must still finish
 * every reference, keep what the other services and the page give, and say honestly what is missing.
 * Each scenario gets a fresh browser profile, so no cached answer from another scenario hides the fault.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  EXTENSION_DIR,
  PAGES_DIR,
  REPO_ROOT,
  launchBrowser,
  mountFakeServices,
  readAnnotations,
  startServer,
  toolsSelector,
  waitForDone,
  type Annotation,
  type LaunchedBrowser,
  type TestServer,
  SEED_RECORDS,
  SEED_URL,
} from './harness';
import { plainPage } from './hostile-page';

const SEED_COUNT = 51;
/** Dellinger 1939: deliberately absent from the fake records. */
const ABSENT = 45;
const FINAL_STATES = ['resolved', 'unresolved', 'error'];

interface Truth {
  n: number;
  doi: string | null;
  pmid: string | null;
  pmcid: string | null;
}
interface PageRef {
  n: number;
  doi: string | null;
  pmid: string | null;
}
const truth = JSON.parse(readFileSync(join(REPO_ROOT, 'tests/fixtures/fake-records/seed-truth.json'), 'utf8')) as Truth[];
const onPage = JSON.parse(readFileSync(join(PAGES_DIR, 'elsevier-health/clinical-breast-cancer/expected.json'), 'utf8')) as PageRef[];

let server: TestServer;
let browser: LaunchedBrowser | undefined;
let fake: Awaited<ReturnType<typeof mountFakeServices>> | undefined;

/** A fresh browser profile with the fake services mounted under the given faults. */
async function scenario(faults: Record<string, unknown>): Promise<void> {
  fake = await mountFakeServices(server, SEED_RECORDS, { faults });
  if (!fake.mounted) throw new Error(fake.note);
  browser = await launchBrowser({ extensionPath: EXTENSION_DIR, port: server.port });
}

const byN = (refs: Annotation[], n: number): Annotation => {
  const ref = refs.find((r) => r.n === n);
  if (!ref) throw new Error(`reference ${n} is not annotated`);
  return ref;
};
const hrefs = (r: Annotation, kind: string, source?: string) =>
  r.links.filter((l) => l.kind === kind && (!source || l.source === source)).map((l) => l.href);

/** The status line of every reference's tools, by reference number. */
function statusMessages(page: Page): Promise<Record<number, { text: string; kind: string | null }>> {
  return page.evaluate(() => {
    const out: Record<number, { text: string; kind: string | null }> = {};
    for (const item of document.querySelectorAll('[data-reflens-ref]')) {
      const next = item.nextElementSibling;
      const tools = item.querySelector('reflens-tools') ?? (next && next.localName === 'reflens-tools' ? next : null);
      const status = tools?.shadowRoot?.querySelector('[data-reflens-status-message]');
      out[Number(item.getAttribute('data-reflens-ref'))] = { text: (status?.textContent ?? '').trim(), kind: status?.getAttribute('data-kind') ?? null };
    }
    return out;
  });
}

beforeAll(async () => {
  if (!existsSync(join(EXTENSION_DIR, 'manifest.json'))) {
    throw new Error(`no built extension at ${EXTENSION_DIR}: run \`npm run test:e2e\`, which builds first`);
  }
  server = await startServer();
});

afterEach(async () => {
  await browser?.close();
  await fake?.close();
  browser = undefined;
  fake = undefined;
});

afterAll(async () => {
  await server?.close();
});

describe('seed page with a failing service', () => {
  it('Europe PMC answering 500: identifiers as in the normal run, no copy from Europe PMC, no page error', async () => {
    await scenario({ europepmc: { status500: true } });
    const since = server.requests.length;
    const page = await browser!.openPage(SEED_URL);
    expect(await waitForDone(page, 60_000)).toBe(SEED_COUNT);
    const refs = await readAnnotations(page);
    expect(refs).toHaveLength(SEED_COUNT);
    for (const r of refs) expect(FINAL_STATES, `state of reference ${r.n}`).toContain(r.state);

    // The fault was really exercised: Europe PMC was asked and failed every time.
    const epmc = server.requests.slice(since).filter((r) => r.host === 'www.ebi.ac.uk');
    expect(epmc.length).toBeGreaterThan(0);
    for (const r of epmc) expect(r.status, r.path).toBe(500);

    for (const t of truth) {
      const r = byN(refs, t.n);
      if (t.n === ABSENT) {
        expect(r.state, 'the absent work').toBe('unresolved');
        continue;
      }
      expect(r.state, `state of reference ${t.n}`).toBe('resolved');
      expect(hrefs(r, 'doi'), `DOI of reference ${t.n}`).toEqual([`https://doi.org/${t.doi}`]);
      for (const h of hrefs(r, 'pubmed')) expect(h, `PubMed of reference ${t.n}`).toBe(`https://pubmed.ncbi.nlm.nih.gov/${t.pmid}/`);
      for (const h of hrefs(r, 'pmc')) expect(h, `PMC of reference ${t.n}`).toBe(`https://pmc.ncbi.nlm.nih.gov/articles/${t.pmcid}/`);
    }

    // Europe PMC's copies are europepmc.org pages/PDFs and free publisher (doi.org) versions; without Unpaywall
    // and OpenAlex (no email, no key here) the only copy left is the PMC article a PMCID names.
    for (const r of refs) {
      for (const h of hrefs(r, 'oa')) {
        expect(h, `free copy of reference ${r.n}`).not.toMatch(/europepmc\.org|doi\.org/);
        const t = truth.find((x) => x.n === r.n);
        expect(h, `free copy of reference ${r.n}`).toBe(`https://pmc.ncbi.nlm.nih.gov/articles/${t?.pmcid}/`);
      }
    }

    // The references Europe PMC could not serve say so, briefly.
    const messages = await statusMessages(page);
    const told = Object.values(messages).filter((m) => /Europe PMC/.test(m.text));
    expect(told.length).toBeGreaterThan(0);
    for (const m of told) expect(m.text.length).toBeLessThanOrEqual(120);
    const oaCount = refs.filter((r) => hrefs(r, 'oa').length > 0).length;
    console.info(`[faults] Europe PMC 500: ${epmc.length} Europe PMC requests, ${oaCount} PMC copies, ${told.length} references say "${told[0]?.text}"`);

    expect(browser!.diagnostics(page)).toEqual({ pageErrors: [], consoleErrors: [] });
  });

  it('Crossref down (connection reset): page identifiers still linked, final within 15 s, an honest short message', async () => {
    await scenario({ crossref: { down: true } });
    const since = server.requests.length;
    const page = await browser!.openPage(SEED_URL);
    const started = Date.now();
    expect(await waitForDone(page, 15_000)).toBe(SEED_COUNT);
    const elapsed = Date.now() - started;
    const refs = await readAnnotations(page);
    for (const r of refs) expect(FINAL_STATES, `state of reference ${r.n}`).toContain(r.state);
    expect(server.requests.slice(since).some((r) => r.host === 'api.crossref.org'), 'Crossref was asked').toBe(true);

    for (const p of onPage) {
      const r = byN(refs, p.n);
      if (!p.doi && !p.pmid) continue;
      expect(r.state, `reference ${p.n} with page identifiers`).toBe('resolved');
      if (p.doi) expect(hrefs(r, 'doi', 'page'), `page DOI of ${p.n}`).toEqual([`https://doi.org/${p.doi}`]);
      if (p.pmid) expect(hrefs(r, 'pubmed', 'page'), `page PMID of ${p.n}`).toEqual([`https://pubmed.ncbi.nlm.nih.gov/${p.pmid}/`]);
    }
    // No Crossref, no Crossref-found DOI: every looked-up DOI comes from PubMed and is right.
    for (const r of refs) {
      const t = truth.find((x) => x.n === r.n);
      for (const h of hrefs(r, 'doi', 'lookup')) expect(h, `looked-up DOI of ${r.n}`).toBe(`https://doi.org/${t?.doi}`);
    }

    const messages = await statusMessages(page);
    const failed = refs.filter((r) => r.state === 'error');
    expect(failed.length, 'references only Crossref could identify').toBeGreaterThan(0);
    for (const r of failed) {
      const m = messages[r.n]!;
      expect(m.text, `message of reference ${r.n}`).toMatch(/Crossref/);
      expect(m.text.length, m.text).toBeLessThanOrEqual(120);
      expect(m.kind).toBe('error');
    }
    // Identified references whose citation data Crossref could not give say so too, without claiming an error state.
    const pageIdentified = refs.filter((r) => r.state === 'resolved' && r.links.some((l) => l.kind === 'doi' && l.source === 'page'));
    expect(pageIdentified.some((r) => /Crossref/.test(messages[r.n]!.text))).toBe(true);

    expect(browser!.diagnostics(page)).toEqual({ pageErrors: [], consoleErrors: [] });
    console.info(
      `[faults] Crossref down: all ${SEED_COUNT} references final in ${elapsed} ms; ${failed.length} errors, e.g. "${messages[failed[0]!.n]!.text}"`,
    );
  });
});

/**
 * Every service failing the same way at once: RefLens still annotates the list from the page, every reference is
 * final within 15 s, nothing breaks the page, requests stay bounded and each reference says briefly what is missing.
 */
/** Once a service has failed five times in a row, the rest of its requests fail at once with this. */
const PAUSED = /unavailable, try again in \d+ s/;
// Each case: the faults, and what each reference left without an identifier must say.
const MATRIX: [label: string, faults: Record<string, unknown>, says: RegExp][] = [
  ['429 with Retry-After 30 s', { all: { rate429: { retryAfter: 30 } } }, /rate limit, try again in 30 s/],
  ['malformed JSON', { all: { malformedJson: true } }, new RegExp(`sent an unreadable response|${PAUSED.source}`)],
  ['empty results', { all: { emptyResults: true } }, /^No confident match found\.$/],
  ['500', { all: { status500: true } }, new RegExp(`unavailable \\(HTTP 500\\)|${PAUSED.source}`)],
  ['HTML error page', { all: { htmlError: true } }, new RegExp(`unavailable \\(HTTP 502\\)|${PAUSED.source}`)],
  ['down', { all: { down: true } }, new RegExp(`unreachable \\(network error\\)|${PAUSED.source}`)],
  // Nothing answers: the resolver's deadline (src/background/net/deadline.ts) ends the wait.
  ['hanging', { all: { hang: true } }, /did not answer in time|not asked \(out of time\)/],
];
/** Far above a normal cold load of the seed page (11 requests) and far below a retry storm. */
const MAX_REQUESTS = 80;

describe('seed page with every service failing', () => {
  for (const [label, faults, says] of MATRIX) {
    it(`all services ${label}: page identifiers linked, all final within 15 s, bounded requests, short messages`, async () => {
      await scenario(faults);
      const since = server.requests.length;
      const started = Date.now();
      const page = await browser!.openPage(SEED_URL);
      expect(await waitForDone(page, Math.max(1, 15_000 - (Date.now() - started)))).toBe(SEED_COUNT);
      const elapsed = Date.now() - started;
      const refs = await readAnnotations(page);
      for (const r of refs) expect(FINAL_STATES, `state of reference ${r.n}`).toContain(r.state);

      for (const p of onPage) {
        if (!p.doi && !p.pmid) continue;
        const r = byN(refs, p.n);
        if (p.doi) expect(hrefs(r, 'doi', 'page'), `page DOI of ${p.n}`).toEqual([`https://doi.org/${p.doi}`]);
        if (p.pmid) expect(hrefs(r, 'pubmed', 'page'), `page PMID of ${p.n}`).toEqual([`https://pubmed.ncbi.nlm.nih.gov/${p.pmid}/`]);
      }
      // Whatever was linked by lookup is right: a broken answer never becomes a wrong link.
      for (const r of refs) {
        const t = truth.find((x) => x.n === r.n);
        for (const h of hrefs(r, 'doi', 'lookup')) expect(h, `looked-up DOI of ${r.n}`).toBe(`https://doi.org/${t?.doi}`);
      }

      // Let retries and the free-copy phase play out, then count.
      await page.waitForTimeout(3000);
      const requests = server.requests.slice(since).filter((r) => r.host !== new URL(SEED_URL).host);
      expect(requests.length, `requests to the services: ${requests.length}`).toBeLessThanOrEqual(MAX_REQUESTS);

      const messages = await statusMessages(page);
      const unidentified = refs.filter((r) => r.state !== 'resolved');
      for (const r of unidentified) {
        const m = messages[r.n]!;
        expect(m.text.length, `message of reference ${r.n}`).toBeGreaterThan(0);
        expect(m.text.length, m.text).toBeLessThanOrEqual(120);
        expect(m.text, `message of reference ${r.n}`).toMatch(says);
      }
      expect(browser!.diagnostics(page).pageErrors).toEqual([]);
      console.info(
        `[faults] all ${label}: final in ${elapsed} ms, ${requests.length} requests, ${unidentified.length} not identified, e.g. "${messages[unidentified[0]?.n ?? 1]?.text}"`,
      );
    });
  }
});

describe('a long list with every service hanging', () => {
  it('ends all references of a 350-reference page (four resolve batches) within 15 s: later batches are told at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reflens-faults-'));
    try {
      const generated = plainPage(350, 'https://www.thelancet.com/journals/lancet/article/PIIS0140-6736(99)90350-0/fulltext');
      const file = join(dir, 'page.html');
      writeFileSync(file, generated.html);
      server.addRoute({ url: generated.url, file });
      await scenario({ all: { hang: true } });
      const since = server.requests.length;
      const started = Date.now();
      const page = await browser!.openPage(generated.url);
      expect(await waitForDone(page, Math.max(1, 15_000 - (Date.now() - started)))).toBe(350);
      const elapsed = Date.now() - started;
      const refs = await readAnnotations(page);
      for (const r of refs) expect(FINAL_STATES, `state of reference ${r.n}`).toContain(r.state);
      const messages = await statusMessages(page);
      const unidentified = refs.filter((r) => r.state !== 'resolved');
      for (const r of unidentified) {
        const m = messages[r.n]!;
        expect(m.text, `message of reference ${r.n}`).toMatch(/did not answer in time|not asked \(out of time\)|not answering, try again in \d+ s/);
        expect(m.text.length, m.text).toBeLessThanOrEqual(120);
      }
      const requests = server.requests.slice(since).filter((r) => r.host !== new URL(generated.url).host);
      expect(requests.length, `requests to the services: ${requests.length}`).toBeLessThanOrEqual(MAX_REQUESTS);
      // Its references with DOI links were looked up by their identifiers alone; a citation still has all the page
      // prints (read when asked for), though no service gave metadata.
      const first = generated.refs[0]!;
      expect(first.links.some((l) => l.label === 'Crossref')).toBe(true);
      await page.evaluate(() => navigator.clipboard.writeText(''));
      await page.locator(toolsSelector(1, 'button[data-reflens-action="copy"]')).click();
      await expect.poll(async () => (await statusMessages(page))[1]?.text, { timeout: 10_000 }).toMatch(/^Copied/);
      const citation = await page.evaluate(() => navigator.clipboard.readText());
      expect(citation).toContain('(bench350 1)');
      expect(citation).toContain(first.journal.replace(/\.$/, ''));
      expect(citation).toContain(first.authors[0]!.split(' ')[0]!);
      expect(browser!.diagnostics(page).pageErrors).toEqual([]);
      console.info(`[faults] 350 references, all hanging: final in ${elapsed} ms, ${requests.length} requests, e.g. "${messages[unidentified.at(-1)?.n ?? 1]?.text}"`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
