/**
 * Speed benchmark of the seed page: the built extension in Chromium against the fake scholarly services with
 * 100 ms latency and the services' real rate limits. Measures time to data-reflens-status=done on a cold profile
 * (RefLens's caches empty, its worker started) and again warm (cache filled), requests per service, and a naive
 * strategy (one Crossref query per reference, sequential, paced at Crossref's public limit) in the same run. Last
 * line: one JSON object.
 * Usage: npm run bench [-- --latency 100 --runs 3 --email you@uni.edu --timeline --skip-budget | --budget-only] [--profile] [--budget-runs 3]
 * --budget-only skips the seed-page runs and measures only the content script's budget (part 2); --profile adds
 * where the largest page's content-script CPU time goes, by function (build with REFLENS_MINIFY=0 for names).
 * With --email the user's contact email is set first, as the options page would (Crossref's polite pool, Unpaywall);
 * with --openalex-key the user's OpenAlex key (OpenAlex batches). The JSON's `openAccess` counts the free-copy and
 * flag requests per service against the ceil(N/50) bound for batched services, and the time they add after done.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { measureBudget } from './lib/bench-budget';
import {
  EXTENSION_DIR,
  launchBrowser,
  mountFakeServices,
  readAnnotations,
  startServer,
  type TestServer,
  SEED_RECORDS,
  SEED_URL,
} from '../tests/e2e/harness';

const SERVICE_OF: Record<string, string> = {
  'api.crossref.org': 'crossref',
  'eutils.ncbi.nlm.nih.gov': 'eutils',
  'pmc.ncbi.nlm.nih.gov': 'idconv',
  'www.ncbi.nlm.nih.gov': 'idconv',
  'www.ebi.ac.uk': 'europepmc',
  'api.openalex.org': 'openalex',
  'api.unpaywall.org': 'unpaywall',
};
const OA_SERVICES = ['europepmc', 'openalex', 'unpaywall'];
/** Crossref's public pool: 5 requests/s, one at a time. */
const CROSSREF_PUBLIC_INTERVAL_MS = 200;

const { values: args } = parseArgs({
  options: {
    latency: { type: 'string', default: '100' },
    runs: { type: 'string', default: '3' },
    email: { type: 'string', default: '' },
    /** The user's OpenAlex key: OpenAlex is asked for free copies and retractions only with one. */
    'openalex-key': { type: 'string', default: '' },
    'budget-only': { type: 'boolean', default: false },
    /** Print every service request of the cold and warm loads: start and end in ms since navigation start. */
    timeline: { type: 'boolean', default: false },
    /** Skip part 2 (the content script's budget on generated pages) when iterating on lookup speed. */
    'skip-budget': { type: 'boolean', default: false },
    /** With the budget: where the largest page's content-script CPU time goes, by function. */
    profile: { type: 'boolean', default: false },
    /** Cold pages measured at 1,000 references; the budget takes the median. */
    'budget-runs': { type: 'string', default: '3' },
  },
});
const latencyMs = Number(args.latency);
const runs = Math.max(1, Number(args.runs));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function serviceCounts(server: TestServer, since: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of server.requests.slice(since)) {
    const s = SERVICE_OF[r.host];
    if (s) counts[s] = (counts[s] ?? 0) + 1;
  }
  return counts;
}

/** performance.now() once Playwright has seen done: how this bench measured before (for comparisons only). */
const observed: number[] = [];

/**
 * Time from navigation start to data-reflens-status=done, by the page's own clock: the 'reflens:done' mark the
 * content script sets with the attribute. Reading performance.now() after waitForFunction would add the polling
 * interval and a Playwright round trip (100-250 ms on a busy machine) to every figure.
 */
async function timeToDone(page: Page, load: () => Promise<unknown>): Promise<number> {
  await load();
  await page.waitForFunction(() => document.documentElement.getAttribute('data-reflens-status') === 'done', null, {
    timeout: 120_000,
    polling: 10,
  });
  const { mark, now } = await page.evaluate(() => ({
    mark: performance.getEntriesByName('reflens:done', 'mark')[0]?.startTime,
    now: performance.now(),
  }));
  observed.push(now);
  return mark ?? now;
}

/** Waits until no service request has arrived for a while (the extension's second phase is over). */
async function settle(server: TestServer, quietMs = 1500, maxMs = 60_000): Promise<void> {
  const started = Date.now();
  const lastApi = () => Math.max(0, ...server.requests.filter((r) => SERVICE_OF[r.host]).map((r) => r.time));
  while (Date.now() - started < maxMs && Date.now() - lastApi() < quietMs) await new Promise((r) => setTimeout(r, 200));
}

interface Timed {
  service: string;
  path: string;
  start: number;
  end?: number;
  status?: number;
}

/** Wraps the API handler the fake services mount so each request's start and end (epoch ms) are known. */
function recordTimes(server: TestServer): Timed[] {
  const timed: Timed[] = [];
  const mount = server.mountApi.bind(server);
  server.mountApi = (handler) =>
    mount(
      handler &&
        ((req, res) => {
          const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
          const service = SERVICE_OF[host];
          if (service) {
            const t: Timed = { service, path: req.url ?? '', start: Date.now() };
            timed.push(t);
            res.on('finish', () => {
              t.end = Date.now();
              t.status = res.statusCode;
            });
          }
          return handler(req, res);
        }),
    );
  return timed;
}

function printTimeline(label: string, timed: Timed[], origin: number): void {
  console.log(`  ${label} requests (ms since navigation start):`);
  for (const t of timed) {
    const q = t.path.replace(/^\/+/, '').slice(0, 90);
    console.log(
      `    ${t.service.padEnd(9)} ${String(Math.round(t.start - origin)).padStart(5)} -> ${String(t.end === undefined ? '?' : Math.round(t.end - origin)).padStart(5)}  ${t.status ?? ''} ${q}`,
    );
  }
}

/**
 * The naive strategy: one Crossref query.bibliographic per reference, sequential, no more than Crossref's
 * public pool allows (5/s, one at a time). Its clock starts at its first request (no page load, no annotation, plain
 * HTTP without TLS), so naiveMs / coldMs leans in the naive strategy's favour.
 */
async function naive(server: TestServer, texts: string[]): Promise<{ ms: number; tooMany: number }> {
  const started = performance.now();
  let last = 0;
  let tooMany = 0;
  for (const text of texts) {
    const wait = last + CROSSREF_PUBLIC_INTERVAL_MS - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    last = performance.now();
    const res = await fetch(
      `http://127.0.0.1:${server.port}/works?rows=10&query.bibliographic=${encodeURIComponent(text)}`,
      { headers: { host: 'api.crossref.org' } },
    );
    if (res.status === 429) tooMany++;
    await res.text();
  }
  return { ms: performance.now() - started, tooMany };
}

/** Content scripts are bundled per platform family; a page loads one, so the budget is the largest. */
function contentScriptBytes(): number {
  const scriptsDir = join(EXTENSION_DIR, 'content-scripts');
  return Math.max(...readdirSync(scriptsDir).map((f) => statSync(join(scriptsDir, f)).size));
}

const BUDGET_SIZES = [50, 200, 1000];

async function budgetOnly(): Promise<void> {
  const budget = await measureBudget({ sizes: BUDGET_SIZES, latencyMs, log: (line) => console.log(line), profile: args.profile, runs: Number(args['budget-runs']) });
  const { bySize: _, ...figures } = budget;
  console.log(JSON.stringify({ latencyMs, contentScriptBytes: contentScriptBytes(), ...figures }));
}

async function main(): Promise<void> {
  if (args['budget-only']) return budgetOnly();
  const cold: number[] = [];
  const warm: number[] = [];
  const naiveMs: number[] = [];
  let requests: Record<string, number> = {};
  let warmRequests = 0;
  let count = 0;
  const coldObserved: number[] = [];
  /** How long the freshly installed extension's worker was still starting after the browser's first page. */
  const workerWait: number[] = [];
  const warmObserved: number[] = [];
  /** Page load and annotation, before any lookup: the part of coldMs that is not the network. */
  const annotated: number[] = [];
  /** 429 answers to the cold load (the fake enforces the real limits); any is a bug in the pacing. */
  let tooMany = 0;
  /** Time the free-copy phase adds after done (its last answer), references with a DOI, free copies, flags. */
  const oaAdded: number[] = [];
  let dois = 0;
  let oaLinks = 0;
  let flagged = 0;
  for (let run = 0; run < runs; run++) {
    const server = await startServer();
    const timed = recordTimes(server);
    const fake = await mountFakeServices(server, SEED_RECORDS, { latencyMs, rateLimits: true });
    if (!fake.mounted) throw new Error(fake.note);
    const browser = await launchBrowser({ extensionPath: EXTENSION_DIR, port: server.port });
    try {
      if (args.email || args['openalex-key']) {
        await browser.serviceWorker.evaluate(
          (settings) => (globalThis as unknown as { chrome: { storage: { local: { set(x: object): Promise<void> } } } }).chrome.storage.local.set({ settings }),
          { email: args.email, openalexApiKey: args['openalex-key'] },
        );
      }
      const page = await browser.context.newPage();
      // Warm the browser itself (first navigation of a new profile), not RefLens's cache: another page of the host.
      await page.goto(new URL('/', SEED_URL).href).catch(() => undefined);
      // Cold means RefLens's caches are empty, not that the extension is still installing: the worker's first start
      // in a new profile (no code cache yet) is waited out here and reported apart.
      const waitFrom = Date.now();
      await (await browser.liveServiceWorker()).evaluate(() => true);
      workerWait.push(Date.now() - waitFrom);
      const before = server.requests.length;
      const timedBefore = timed.length;
      cold.push(await timeToDone(page, () => page.goto(SEED_URL)));
      coldObserved.push(observed.at(-1)!);
      const coldOrigin = await page.evaluate(() => performance.timeOrigin);
      // Second-phase lookups (free copies) go on after done; count them with the cold run.
      await settle(server);
      requests = serviceCounts(server, before);
      const refs = await readAnnotations(page);
      count = refs.length;
      const oaTimed = timed.slice(timedBefore).filter((t) => OA_SERVICES.includes(t.service));
      const lastOaEnd = Math.max(...oaTimed.map((t) => t.end ?? t.start));
      oaAdded.push(oaTimed.length === 0 ? 0 : Math.max(0, lastOaEnd - coldOrigin - cold.at(-1)!));
      dois = refs.filter((r) => r.links.some((l) => l.kind === 'doi')).length;
      oaLinks = refs.filter((r) => r.links.some((l) => l.kind === 'oa')).length;
      flagged = refs.filter((r) => r.flags.length > 0).length;
      const marks = await page.evaluate(() =>
        Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, Math.round(m.startTime)])),
      );
      console.log(`  cold marks (ms since navigation): ${JSON.stringify(marks)}`);
      if (args.timeline) printTimeline('cold', timed.slice(timedBefore), coldOrigin);
      annotated.push(marks['reflens:annotated'] ?? NaN);
      tooMany = server.requests.slice(before).filter((r) => SERVICE_OF[r.host] && r.status === 429).length;

      const beforeWarm = server.requests.length;
      warm.push(await timeToDone(page, () => page.reload()));
      warmObserved.push(observed.at(-1)!);
      warmRequests = Object.values(serviceCounts(server, beforeWarm)).reduce((a, b) => a + b, 0);
      const warmMarks = await page.evaluate(() =>
        Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, Math.round(m.startTime)])),
      );
      console.log(`  warm marks (ms since navigation): ${JSON.stringify(warmMarks)}`);

      const n = await naive(server, refs.map((r) => r.text));
      naiveMs.push(n.ms);
      if (n.tooMany) console.log(`  naive: ${n.tooMany} answers were 429 (not retried: the naive figure is then too low)`);
      console.log(
        `run ${run + 1}: cold ${cold.at(-1)!.toFixed(0)} ms, warm ${warm.at(-1)!.toFixed(0)} ms (${warmRequests} requests), naive ${naiveMs.at(-1)!.toFixed(0)} ms`,
      );
    } finally {
      await browser.close();
      await fake.close();
      await server.close();
    }
  }
  // Part 2: the content script's performance budget on generated pages of 50, 200 and 1,000 references.
  if (!args['skip-budget']) console.log('budget (scripts/lib/bench-budget.ts):');
  const budget = args['skip-budget']
    ? { mainThreadMsPer100Refs: undefined, longTasksOver50ms: undefined, pageLongTasksOver50ms: undefined, longFramesOver50ms: undefined, heapGrowthMB: undefined, rendererCpuMsPer100Refs: undefined }
    : await measureBudget({ sizes: BUDGET_SIZES, latencyMs, log: (line) => console.log(line), profile: args.profile, runs: Number(args['budget-runs']) });
  const summary = {
    references: count,
    latencyMs,
    contactEmail: Boolean(args.email),
    runs,
    coldMs: Math.round(median(cold)),
    warmMs: Math.round(median(warm)),
    warmRequests,
    coldAnnotatedMs: Math.round(median(annotated)),
    workerFirstStartWaitMs: Math.round(median(workerWait)),
    // The same loads timed as this bench did before it read the done mark (polling and a round trip added).
    observedMs: { cold: Math.round(median(coldObserved)), warm: Math.round(median(warmObserved)) },
    status429: tooMany,
    naiveMs: Math.round(median(naiveMs)),
    speedup: Number((median(naiveMs) / median(cold)).toFixed(2)),
    requests,
    openAccess: {
      requests: Object.fromEntries(OA_SERVICES.map((x) => [x, requests[x] ?? 0])),
      // Europe PMC and OpenAlex take many DOIs a request; Unpaywall takes one (and only runs with an email).
      batchedLimit: Math.ceil(dois / 50),
      withinLimit: (requests.europepmc ?? 0) <= Math.ceil(dois / 50) && (requests.openalex ?? 0) <= Math.ceil(dois / 50),
      addedAfterDoneMs: Math.round(median(oaAdded)),
      referencesWithDoi: dois,
      freeCopies: oaLinks,
      flagged,
    },
    contentScriptBytes: contentScriptBytes(),
    mainThreadMsPer100Refs: budget.mainThreadMsPer100Refs,
    longTasksOver50ms: budget.longTasksOver50ms,
    // Every long task of the tab, the page's and the browser's own included; not the budget, see bench-budget.ts.
    pageLongTasksOver50ms: budget.pageLongTasksOver50ms,
    // Rendering included (Long Animation Frames); not part of the long-task budget, see bench-budget.ts.
    longFramesOver50ms: budget.longFramesOver50ms,
    heapGrowthMB: budget.heapGrowthMB,
    rendererCpuMsPer100Refs: budget.rendererCpuMsPer100Refs,
  };
  console.log(`requests per service (cold): ${JSON.stringify(requests)}`);
  console.log(JSON.stringify(summary));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
