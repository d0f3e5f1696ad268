/**
 * Speed benchmark of the seed page: the built extension in Chromium against the fake scholarly services with
 * 100 ms latency and the services' real rate limits. Measures time to data-reflens-status=done on a cold profile
 * and again warm (cache filled), requests per service, and a naive strategy (one Crossref query per reference,
 * sequential, paced at Crossref's public limit) in the same run. Last line: one JSON object.
 * Usage: npm run bench [-- --latency 100 --runs 3 --email you@uni.edu] [-- --budget-only]
 * --budget-only skips the seed-page runs and measures only the content script's budget (part 2).
 * With --email the user's contact email is set first, as the options page would (Crossref's polite pool).
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
/** Crossref's public pool: 5 requests/s, one at a time. */
const CROSSREF_PUBLIC_INTERVAL_MS = 200;

const { values: args } = parseArgs({
  options: {
    latency: { type: 'string', default: '100' },
    runs: { type: 'string', default: '3' },
    email: { type: 'string', default: '' },
    'budget-only': { type: 'boolean', default: false },
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

/** Time from navigation start to data-reflens-status=done, measured by the page's own clock. */
async function timeToDone(page: Page, load: () => Promise<unknown>): Promise<number> {
  await load();
  await page.waitForFunction(() => document.documentElement.getAttribute('data-reflens-status') === 'done', null, {
    timeout: 120_000,
    polling: 10,
  });
  return page.evaluate(() => performance.now());
}

/** Waits until no service request has arrived for a while (the extension's second phase is over). */
async function settle(server: TestServer, quietMs = 1500, maxMs = 60_000): Promise<void> {
  const started = Date.now();
  const lastApi = () => Math.max(0, ...server.requests.filter((r) => SERVICE_OF[r.host]).map((r) => r.time));
  while (Date.now() - started < maxMs && Date.now() - lastApi() < quietMs) await new Promise((r) => setTimeout(r, 200));
}

async function naive(server: TestServer, texts: string[]): Promise<number> {
  const started = performance.now();
  let last = 0;
  for (const text of texts) {
    const wait = last + CROSSREF_PUBLIC_INTERVAL_MS - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    last = performance.now();
    const res = await fetch(
      `http://127.0.0.1:${server.port}/works?rows=10&query.bibliographic=${encodeURIComponent(text)}`,
      { headers: { host: 'api.crossref.org' } },
    );
    await res.text();
  }
  return performance.now() - started;
}

/** Content scripts are bundled per platform family; a page loads one, so the budget is the largest. */
function contentScriptBytes(): number {
  const scriptsDir = join(EXTENSION_DIR, 'content-scripts');
  return Math.max(...readdirSync(scriptsDir).map((f) => statSync(join(scriptsDir, f)).size));
}

const BUDGET_SIZES = [50, 200, 1000];

async function budgetOnly(): Promise<void> {
  const budget = await measureBudget({ sizes: BUDGET_SIZES, latencyMs, log: (line) => console.log(line) });
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
  for (let run = 0; run < runs; run++) {
    const server = await startServer();
    const fake = await mountFakeServices(server, SEED_RECORDS, { latencyMs, rateLimits: true });
    if (!fake.mounted) throw new Error(fake.note);
    const browser = await launchBrowser({ extensionPath: EXTENSION_DIR, port: server.port });
    try {
      if (args.email) {
        await browser.serviceWorker.evaluate(
          (email) => (globalThis as unknown as { chrome: { storage: { local: { set(x: object): Promise<void> } } } }).chrome.storage.local.set({ settings: { email } }),
          args.email,
        );
      }
      const page = await browser.context.newPage();
      // Warm the browser itself (first navigation of a new profile), not RefLens's cache: another page of the host.
      await page.goto(new URL('/', SEED_URL).href).catch(() => undefined);
      const before = server.requests.length;
      cold.push(await timeToDone(page, () => page.goto(SEED_URL)));
      // Second-phase lookups (free copies) go on after done; count them with the cold run.
      await settle(server);
      requests = serviceCounts(server, before);
      const refs = await readAnnotations(page);
      count = refs.length;
      const marks = await page.evaluate(() =>
        Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, Math.round(m.startTime)])),
      );
      console.log(`  cold marks (ms since navigation): ${JSON.stringify(marks)}`);

      const beforeWarm = server.requests.length;
      warm.push(await timeToDone(page, () => page.reload()));
      warmRequests = Object.values(serviceCounts(server, beforeWarm)).reduce((a, b) => a + b, 0);

      naiveMs.push(await naive(server, refs.map((r) => r.text)));
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
  console.log('budget (scripts/lib/bench-budget.ts):');
  const budget = await measureBudget({ sizes: BUDGET_SIZES, latencyMs, log: (line) => console.log(line) });
  const summary = {
    references: count,
    latencyMs,
    contactEmail: Boolean(args.email),
    runs,
    coldMs: Math.round(median(cold)),
    warmMs: Math.round(median(warm)),
    warmRequests,
    naiveMs: Math.round(median(naiveMs)),
    speedup: Number((median(naiveMs) / median(cold)).toFixed(2)),
    requests,
    contentScriptBytes: contentScriptBytes(),
    mainThreadMsPer100Refs: budget.mainThreadMsPer100Refs,
    longTasksOver50ms: budget.longTasksOver50ms,
    heapGrowthMB: budget.heapGrowthMB,
  };
  console.log(`requests per service (cold): ${JSON.stringify(requests)}`);
  console.log(JSON.stringify(summary));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
