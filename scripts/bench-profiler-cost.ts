/**
 * What the CPU profiler costs the thread it samples, to choose the budget's sampling interval
 * (scripts/lib/bench-budget.ts): the renderer main thread's own CPU time (CDP Performance ThreadTime) from navigation
 * to data-reflens-status=done on cold generated pages of 1,000 references, without the profiler and with it at 1 ms
 * (V8's default) and 200 µs, interleaved, each load in a fresh browser. Also prints the content-script time each
 * profile attributes. Last line: JSON with the medians.
 * Usage: npx tsx scripts/bench-profiler-cost.ts [--rounds 3] (after npm run build)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EXTENSION_DIR, launchBrowser, mountFakeServices, startServer } from '../tests/e2e/harness';
import { plainPage } from '../tests/e2e/hostile-page';
import { extensionCpuMs, type CpuProfile } from './lib/cpu-profile';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } });
const rounds = Math.max(1, Number(args.rounds));
const INTERVALS = [0, 1000, 200]; // µs; 0: no profiler
const SIZE = 1000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const dir = mkdtempSync(join(tmpdir(), 'reflens-profiler-cost-'));
const server = await startServer({ routes: [] });
const pages = Array.from({ length: rounds * INTERVALS.length }, (_, i) =>
  plainPage(SIZE, `https://www.thelancet.com/journals/lancet/article/PIIS0140-6736(98)9${String(i).padStart(4, '0')}-0/fulltext`, i + 1),
);
pages.forEach((p, i) => {
  writeFileSync(join(dir, `${i}.html`), p.html);
  server.addRoute({ url: p.url, file: join(dir, `${i}.html`) });
});
writeFileSync(join(dir, 'records.json'), JSON.stringify(pages.flatMap((p) => p.records)));
const fake = await mountFakeServices(server, join(dir, 'records.json'), { latencyMs: 100, rateLimits: true });
if (!fake.mounted) throw new Error(fake.note);

const thread: Record<number, number[]> = {};
const sampled: Record<number, number[]> = {};
try {
  let next = 0;
  for (let r = 0; r < rounds; r++) {
    for (const us of INTERVALS) {
      const p = pages[next++]!;
      const browser = await launchBrowser({ extensionPath: EXTENSION_DIR, port: server.port });
      try {
        const page = await browser.context.newPage();
        await page.goto(new URL('/', p.url).href).catch(() => undefined);
        const cdp = await page.context().newCDPSession(page);
        await cdp.send('Performance.enable');
        const cpuMs = async () =>
          ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ThreadTime')?.value ?? NaN) * 1000;
        if (us) {
          await cdp.send('Profiler.enable');
          await cdp.send('Profiler.setSamplingInterval', { interval: us });
          await cdp.send('Profiler.start');
        }
        const before = await cpuMs();
        await page.goto(p.url, { waitUntil: 'domcontentloaded' });
        await page.waitForFunction(() => document.documentElement.getAttribute('data-reflens-status') === 'done', null, { timeout: 300_000, polling: 50 });
        const used = (await cpuMs()) - before;
        const ext = us ? extensionCpuMs(((await cdp.send('Profiler.stop')) as { profile: CpuProfile }).profile) : NaN;
        (thread[us] ??= []).push(Math.round(used));
        if (us) (sampled[us] ??= []).push(Math.round(ext));
        console.log(`round ${r + 1}, ${us ? `profiler ${us} µs` : 'no profiler'}: main-thread CPU ${Math.round(used)} ms` + (us ? `, content script sampled ${Math.round(ext)} ms` : ''));
      } finally {
        await browser.close();
      }
    }
  }
} finally {
  await fake.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
const key = (us: number) => (us ? `${us}us` : 'none');
console.log(JSON.stringify({
  refs: SIZE,
  threadCpuMs: Object.fromEntries(INTERVALS.map((us) => [key(us), median(thread[us]!)])),
  contentScriptSampledMs: Object.fromEntries(INTERVALS.filter(Boolean).map((us) => [key(us), median(sampled[us]!)])),
}));
