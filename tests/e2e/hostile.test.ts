/**
 * Hostile input: the built extension on generated Elsevier-health pages (tests/e2e/hostile-page.ts) whose reference
 * text, link hrefs and web-service answers carry the payloads of tests/fixtures/hostile/payloads.json. Every payload
 * tries `window.__pwned=1`, an alert, or a request to a pwned host; none may succeed, RefLens may only ever link to
 * http(s), the page must stay responsive, and a 5,000-item list must be annotated.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_HOSTS,
  EXTENSION_DIR,
  launchBrowser,
  mountFakeServices,
  readAnnotations,
  startServer,
  toolsSelector,
  waitForDone,
  type LaunchedBrowser,
  type TestServer,
} from './harness';
import { bigListPage, hostileApi, hostilePage, loadPayloads, type GeneratedPage, type HostilePage } from './hostile-page';

const CONTROL_URL = 'https://control.example/trap';
const BIG_COUNT = 5000;
const FINAL_STATES = ['resolved', 'unresolved', 'error'];
/** Longest a page.evaluate round trip may take while RefLens annotates. */
const RESPONSIVE_MS = 2000;

const payloads = loadPayloads();
const hostile: HostilePage = hostilePage(payloads);
const big: GeneratedPage = bigListPage(payloads, payloads.find((p) => p.kind === 'big-list')?.count ?? BIG_COUNT);

const workDir = mkdtempSync(join(tmpdir(), 'reflens-hostile-'));
let server: TestServer;
let browser: LaunchedBrowser;
let fake: Awaited<ReturnType<typeof mountFakeServices>>;
const dialogs: string[] = [];

const pwnedRequests = (since: number) =>
  server.requests.slice(since).filter((r) => /pwned/i.test(r.host)).map((r) => `${r.scheme}://${r.host}${r.path}`);

/**
 * Opens a page and polls it until RefLens is done (or, with `items`, until that many items are annotated); returns
 * the slowest round trip. The page's own first layout after DOMContentLoaded is not counted while RefLens has put
 * nothing into the page yet: on a loaded machine a 5,000-item page blocks itself for seconds with no extension at
 * all (measured: 3.5-4.5 s at a load average of 12 on 2 cores), and that is not RefLens's to fix.
 */
async function openWhilePolling(url: string, timeout: number, items?: number): Promise<{ page: Page; slowestMs: number; slowest: string; doneMs: number }> {
  const page = await browser.context.newPage();
  const started = Date.now();
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout });
  const t0 = Date.now();
  const annotatedBeforeFirstFrame = await page.evaluate(
    () =>
      new Promise<number>((resolve) =>
        requestAnimationFrame(() => setTimeout(() => resolve(document.querySelectorAll('[data-reflens-ref]').length), 0)),
      ),
  );
  const firstFrameMs = Date.now() - t0;
  let slowestMs = annotatedBeforeFirstFrame > 0 ? firstFrameMs : 0;
  let slowest = `${firstFrameMs} ms for the page's first frame (${annotatedBeforeFirstFrame} items annotated in it)`;
  for (;;) {
    const t = Date.now();
    const [status, annotated, ran] = await page.evaluate(() => [
      document.documentElement.getAttribute('data-reflens-status'),
      document.querySelectorAll('[data-reflens-ref]').length,
      performance.getEntriesByName('reflens:start').length > 0,
    ] as const);
    if (Date.now() - t > slowestMs) {
      slowestMs = Date.now() - t;
      slowest = `${slowestMs} ms, ${t - started} ms after navigation (RefLens ${ran ? 'running' : 'not started'}, then ${annotated} items annotated); page's first frame ${firstFrameMs} ms`;
    }
    if (items === undefined ? status === 'done' : annotated >= items) break;
    if (Date.now() - started > timeout) throw new Error(`not done after ${timeout} ms (status ${status})`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { page, slowestMs, slowest, doneMs: Date.now() - started };
}

/** Waits until no web-service request has arrived for a while: the second phase (free copies) is over. */
async function settle(quietMs = 1500, maxMs = 30_000): Promise<void> {
  const started = Date.now();
  const lastApi = () => Math.max(0, ...server.requests.filter((r) => (API_HOSTS as readonly string[]).includes(r.host)).map((r) => r.time));
  while (Date.now() - started < maxMs && Date.now() - lastApi() < quietMs) await new Promise((r) => setTimeout(r, 200));
}

interface ShadowAudit {
  tools: number;
  anchors: Array<{ href: string | null; protocol: string }>;
  /** Elements that must never appear in RefLens's UI (they would mean markup from the page or a service got in). */
  forbidden: string[];
  /** Attributes named on* inside the shadow roots. */
  handlers: string[];
}

/** Every anchor, forbidden element and inline handler inside every reflens-tools and reflens-summary shadow root. */
function auditShadowRoots(page: Page): Promise<ShadowAudit> {
  return page.evaluate(() => {
    const out = { tools: 0, anchors: [] as Array<{ href: string | null; protocol: string }>, forbidden: [] as string[], handlers: [] as string[] };
    for (const host of document.querySelectorAll('reflens-tools, reflens-summary')) {
      const root = host.shadowRoot;
      if (!root) continue;
      if (host.localName === 'reflens-tools') {
        out.tools++;
        for (const a of root.querySelectorAll('a')) out.anchors.push({ href: a.getAttribute('href'), protocol: a.protocol });
      }
      for (const el of root.querySelectorAll('script, img, svg, iframe, object, embed, math, form, base, meta, link, template')) {
        out.forbidden.push(el.localName);
      }
      for (const el of root.querySelectorAll('*')) {
        for (const attr of el.attributes) if (attr.name.startsWith('on')) out.handlers.push(`${el.localName}[${attr.name}]`);
      }
    }
    return out;
  });
}

beforeAll(async () => {
  if (!existsSync(join(EXTENSION_DIR, 'manifest.json'))) {
    throw new Error(`no built extension at ${EXTENSION_DIR}: run \`npm run test:e2e\`, which builds first`);
  }
  writeFileSync(join(workDir, 'hostile.html'), hostile.html);
  writeFileSync(join(workDir, 'big.html'), big.html);
  writeFileSync(join(workDir, 'control.html'), '<!DOCTYPE html><title>trap control</title><p>control</p>');
  const recordsFile = join(workDir, 'records.json');
  writeFileSync(recordsFile, JSON.stringify([...hostile.records, ...big.records]));

  server = await startServer({ routes: [] });
  server.addRoute({ url: hostile.url, file: join(workDir, 'hostile.html') });
  server.addRoute({ url: big.url, file: join(workDir, 'big.html') });
  server.addRoute({ url: CONTROL_URL, file: join(workDir, 'control.html') });
  // The fake services' answers pass through the payload rewriter on their way out.
  const rewriting: TestServer = { ...server, mountApi: (h) => server.mountApi(h && hostileApi(h, hostile)) };
  fake = await mountFakeServices(rewriting, recordsFile);
  if (!fake.mounted) throw new Error(fake.note);
  browser = await launchBrowser({ extensionPath: EXTENSION_DIR, port: server.port });
  browser.context.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => undefined);
  });
});

afterAll(async () => {
  await browser?.close();
  await fake?.close();
  await server?.close();
  rmSync(workDir, { recursive: true, force: true });
});

describe('hostile input', () => {
  it('has a corpus of at least 50 payloads of every kind the brief names', () => {
    expect(payloads.length).toBeGreaterThanOrEqual(50);
    expect(new Set(payloads.map((p) => p.id)).size).toBe(payloads.length);
    const kinds = new Set(payloads.map((p) => p.kind));
    for (const k of ['ref-text', 'ref-markup', 'page-href', 'doi', 'api-title', 'oa-pdf-url', 'api-url', 'json-keys', 'huge-text', 'deep-markup', 'big-list']) {
      expect(kinds, k).toContain(k);
    }
    expect(hostile.apiUrlByDoi.size).toBeGreaterThan(0);
  });

  it('detects an executed payload and a pwned request when one really happens (the trap works)', async () => {
    const since = server.requests.length;
    const page = await browser.openPage(CONTROL_URL);
    await page.evaluate(() => {
      document.body.insertAdjacentHTML('beforeend', '<img src="https://pwned.example/control.png" onerror="window.__pwned=1">');
      setTimeout(() => alert('control'), 0);
    });
    await expect.poll(() => page.evaluate(() => (window as { __pwned?: number }).__pwned), { timeout: 5000 }).toBe(1);
    await expect.poll(() => dialogs.length, { timeout: 5000 }).toBe(1);
    expect(pwnedRequests(since)).toEqual(['https://pwned.example/control.png']);
    dialogs.length = 0;
    await page.close();
  });

  describe('page with every payload', () => {
    let page: Page;
    let since: number;

    it('annotates every item, stays responsive and reaches done', async () => {
      since = server.requests.length;
      const run = await openWhilePolling(hostile.url, 60_000);
      page = run.page;
      console.info(`[hostile] ${hostile.refs.length} items done in ${run.doneMs} ms; slowest page.evaluate ${run.slowestMs} ms`);
      expect(run.slowestMs).toBeLessThan(RESPONSIVE_MS);
      expect(await waitForDone(page)).toBe(hostile.refs.length);
      const refs = await readAnnotations(page);
      expect(refs.map((r) => r.n)).toEqual(hostile.refs.map((_, i) => i + 1));
      expect(refs.filter((r) => !FINAL_STATES.includes(r.state ?? '')).map((r) => r.n)).toEqual([]);
      expect(refs.every((r) => r.hasTools)).toBe(true);
      // The plain references around the payloads are still identified from their page links.
      const plainTail = refs.slice(-5);
      expect(plainTail.map((r) => r.state)).toEqual(plainTail.map(() => 'resolved'));
      await settle();
    });

    it('shows reference text as text: a script payload is still visible as its literal characters', async () => {
      const refs = await readAnnotations(page);
      const n = hostile.refs.findIndex((r) => r.payloadId === 'text-script') + 1;
      expect(refs[n - 1]?.text).toContain('<script>window.__pwned=1</script>');
    });

    it('runs no payload: no __pwned, no dialog, no request to a pwned host, no injected elements', async () => {
      // Copying a citation whose metadata is hostile goes through the formatter and the clipboard.
      const n = hostile.refs.findIndex((r) => r.payloadId === 'crossref-title-script') + 1;
      await page.locator(toolsSelector(n, 'button[data-reflens-action="copy"]')).click();
      await expect.poll(() => page.locator(toolsSelector(n, '[data-reflens-status-message]')).textContent(), { timeout: 15_000 }).toMatch(/Copied|copy/i);

      expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(dialogs).toEqual([]);
      expect(pwnedRequests(since)).toEqual([]);
      // The page as served has no live image, frame or SVG: any found now was made from a payload.
      expect(await page.evaluate(() => document.querySelectorAll('img, iframe, svg, object, embed, math, form, base, meta[http-equiv]').length)).toBe(0);
      expect(browser.diagnostics(page).pageErrors).toEqual([]);
    });

    it('links only to http(s) from every tools shadow root, with no markup from the page or the services inside', async () => {
      const audit = await auditShadowRoots(page);
      expect(audit.tools).toBe(hostile.refs.length);
      expect(audit.anchors.length).toBeGreaterThan(hostile.refs.length);
      const bad = audit.anchors.filter((a) => !/^https?:\/\//i.test(a.href ?? '') || !['http:', 'https:'].includes(a.protocol));
      expect(bad).toEqual([]);
      expect(audit.forbidden).toEqual([]);
      expect(audit.handlers).toEqual([]);
      // Free-copy links exist (so the api-url and PDF payloads were answered) and none leads off http(s).
      const refs = await readAnnotations(page);
      expect(refs.flatMap((r) => r.links).filter((l) => l.kind === 'oa').length).toBeGreaterThan(0);
    });

    it('leaves the background unpolluted by __proto__ and constructor keys in the answers', async () => {
      const apiAnswers = server.requests.slice(since).filter((r) => (API_HOSTS as readonly string[]).includes(r.host) && r.status === 200);
      expect(apiAnswers.length).toBeGreaterThan(0);
      const worker = await browser.liveServiceWorker();
      const probe = await worker.evaluate(() => {
        const o = {} as Record<string, unknown>;
        return { polluted: o.polluted ?? null, isAdmin: o.isAdmin ?? null, toString: typeof o.toString, ctorPolluted: (Object.prototype as Record<string, unknown>).polluted ?? null };
      });
      expect(probe).toEqual({ polluted: null, isAdmin: null, toString: 'function', ctorPolluted: null });
      expect(browser.serviceWorkerErrors.filter((e) => /pollut|pwned/i.test(e))).toEqual([]);
    });
  });

  // Annotating is bounded by the page; finishing lookups is not: 5,000 references without identifiers need 5,000
  // Crossref searches, about 17 minutes at Crossref's public limit. So this checks the page side within 60 s.
  // Issue 7: inserting the tools a slice at a time made the browser re-lay out the long page once per slice, which
  // blocked it for seconds; the content script now inserts them in a few large steps (src/content/main.ts).
  it(`annotates a ${BIG_COUNT}-item list within 60 s, responsive throughout, running no payload`, async () => {
    const since = server.requests.length;
    const run = await openWhilePolling(big.url, 60_000, big.refs.length);
    console.info(`[hostile] ${big.refs.length} items annotated in ${run.doneMs} ms; slowest page.evaluate ${run.slowest}`);
    expect(run.doneMs).toBeLessThan(60_000);
    expect(run.slowestMs).toBeLessThan(RESPONSIVE_MS);
    const page = run.page;
    const tools = await page.evaluate(() => document.querySelectorAll('[data-reflens-ref] reflens-tools').length);
    expect(tools).toBe(big.refs.length);
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(pwnedRequests(since)).toEqual([]);
    expect(browser.diagnostics(page).pageErrors).toEqual([]);
    await page.close();
  });
});
