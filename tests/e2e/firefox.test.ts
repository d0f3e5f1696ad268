/**
 * Firefox smoke test: the Firefox (MV2) build passes addons-linter with no errors, and, installed in Firefox ESR
 * as a temporary add-on, annotates the seed article page served under its real https URL, resolving references
 * through the fake scholarly services.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_HOSTS,
  SEED_EXPECTED,
  REPO_ROOT,
  mountFakeServices,
  startServer,
  type TestServer,
  SEED_RECORDS,
  SEED_URL,
} from './harness';
import { firefoxPath, launchFirefox, type LaunchedFirefox } from './firefox';

const FIREFOX_EXTENSION_DIR = join(REPO_ROOT, '.output/firefox-mv2');
const SEED_COUNT = 51;

interface Truth {
  n: number;
  doi: string | null;
}
const seedExpected = SEED_EXPECTED;
const truth = JSON.parse(readFileSync(join(REPO_ROOT, 'tests/fixtures/fake-records/seed-truth.json'), 'utf8')) as Truth[];

/** Builds the Firefox extension when `npm run test:e2e` has not already. */
function ensureFirefoxBuild(): void {
  if (existsSync(join(FIREFOX_EXTENSION_DIR, 'manifest.json'))) return;
  execFileSync('npx', ['wxt', 'build', '-b', 'firefox'], { cwd: REPO_ROOT, stdio: 'inherit' });
}

const FIREFOX = firefoxPath();
const SKIP_FIREFOX = !FIREFOX && !process.env.CI;
if (SKIP_FIREFOX) {
  console.warn('[firefox e2e] SKIPPED: no Firefox at /usr/bin/firefox-esr (or FIREFOX_PATH) and CI is not set; ' +
    'install it with `apt-get install -y firefox-esr`.');
}

interface AddonsLinterReport {
  summary: { errors: number; warnings: number; notices: number };
  errors: { code: string; message: string; file?: string }[];
  warnings: { code: string; message: string; file?: string }[];
}

describe('Firefox build: addons-linter', () => {
  it('reports no errors', async () => {
    ensureFirefoxBuild();
    const bin = join(REPO_ROOT, 'node_modules/addons-linter/bin/addons-linter');
    // The CLI exits non-zero when it finds errors; its JSON report is on stdout either way.
    const stdout = await promisify(execFile)(process.execPath, [bin, '--output', 'json', FIREFOX_EXTENSION_DIR], {
      cwd: REPO_ROOT,
      maxBuffer: 64 * 1024 * 1024,
    }).then(
      (r) => r.stdout,
      (err: { stdout?: string }) => err.stdout ?? '',
    );
    const report = JSON.parse(stdout) as AddonsLinterReport;
    for (const w of report.warnings) console.info(`[addons-linter] warning ${w.code} (${w.file ?? 'manifest'}): ${w.message}`);
    expect(report.errors.map((e) => `${e.code} ${e.file ?? ''}: ${e.message}`)).toEqual([]);
    expect(report.summary.errors).toBe(0);
  });
});

interface FoundRef {
  n: number;
  state: string | null;
  links: { kind: string; href: string; source: string | null }[];
}

/** Every annotated reference and the links in its tools' open shadow root, in document order. */
const READ_REFS = `[...document.querySelectorAll('[data-reflens-ref]')].map((item) => {
  const next = item.nextElementSibling;
  const tools = item.querySelector('reflens-tools') ?? (next && next.localName === 'reflens-tools' ? next : null);
  const links = [...(tools?.shadowRoot?.querySelectorAll('a[data-reflens-link]') ?? [])].map((a) => ({
    kind: a.getAttribute('data-reflens-link') ?? '',
    href: a.href,
    source: a.getAttribute('data-reflens-source'),
  }));
  return { n: Number(item.getAttribute('data-reflens-ref')), state: item.getAttribute('data-reflens-state'), links };
})`;

describe.skipIf(SKIP_FIREFOX)('Firefox ESR: seed page with the extension installed', () => {
  let server: TestServer;
  let fake: Awaited<ReturnType<typeof mountFakeServices>>;
  let firefox: LaunchedFirefox;

  beforeAll(async () => {
    if (!FIREFOX) throw new Error('CI is set but no Firefox was found at /usr/bin/firefox-esr (or FIREFOX_PATH)');
    ensureFirefoxBuild();
    server = await startServer();
    fake = await mountFakeServices(server, SEED_RECORDS);
    if (!fake.mounted) throw new Error(fake.note);
    firefox = await launchFirefox({ binary: FIREFOX, extensionPath: FIREFOX_EXTENSION_DIR, proxyPort: server.port });
  });

  afterAll(async () => {
    await firefox?.close();
    await fake?.close();
    await server?.close();
  });

  it('annotates the 51 references with the page DOIs and looked-up ones', async () => {
    await firefox.navigate(SEED_URL);
    await firefox.waitFor(`document.documentElement.getAttribute('data-reflens-status') === 'done'`);
    const count = await firefox.evaluate<string | null>(`document.documentElement.getAttribute('data-reflens-count')`);
    const refs = await firefox.evaluate<FoundRef[]>(READ_REFS);
    const byN = new Map(refs.map((r) => [r.n, r]));

    // Errors thrown in the extension's own scripts (a background that failed to start shows up here first).
    const extensionErrors = firefox.output
      .join('')
      .split('\n')
      .filter((line) => /^JavaScript error: moz-extension:/.test(line));
    expect(extensionErrors).toEqual([]);

    expect(Number(count)).toBe(SEED_COUNT);
    expect(refs.map((r) => r.n).sort((a, b) => a - b)).toEqual(Array.from({ length: SEED_COUNT }, (_, i) => i + 1));

    // The DOIs printed on the page, linked exactly.
    for (const e of seedExpected) {
      const pageDois = (byN.get(e.n)?.links ?? []).filter((l) => l.kind === 'doi' && l.source === 'page').map((l) => l.href);
      expect(pageDois, `page DOI link of reference ${e.n}`).toEqual(e.doi ? [`https://doi.org/${e.doi}`] : []);
    }
    expect(seedExpected.filter((e) => e.doi).length).toBeGreaterThan(10);

    // The others found by the background's lookups, through the proxied https services, and never wrong.
    const looked = refs.flatMap((r) =>
      r.links.filter((l) => l.kind === 'doi' && l.source === 'lookup').map((l) => ({ n: r.n, href: l.href })),
    );
    expect(looked.length).toBeGreaterThanOrEqual(30);
    for (const l of looked) {
      const doi = truth.find((t) => t.n === l.n)?.doi;
      expect(l.href, `looked-up DOI of reference ${l.n}`).toBe(`https://doi.org/${doi}`);
    }
    const apiCalls = server.requests.filter((r) => (API_HOSTS as readonly string[]).includes(r.host));
    expect(apiCalls.length).toBeGreaterThan(0);
    expect(apiCalls.every((r) => r.scheme === 'https')).toBe(true);

    expect(firefox.errors, 'page errors and console errors').toEqual([]);
    console.info(`[firefox e2e] ${refs.length} references, ${looked.length} DOIs by lookup, ${apiCalls.length} API requests`);
  });

  it('gives the bars in view their "Cite as…" menu (content-visibility: auto says when a bar is no longer skipped)', async () => {
    const middle = Math.ceil(SEED_COUNT / 2);
    await firefox.evaluate(`document.querySelector('[data-reflens-ref="${middle}"]').scrollIntoView({ block: 'center' })`);
    const inView = `[...document.querySelectorAll('reflens-tools')].filter((h) => { const r = h.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; })`;
    await firefox.waitFor(`${inView}.every((h) => h.shadowRoot.querySelector('select[data-reflens-action="copy-as"]'))`, 15_000);
    expect(await firefox.evaluate<number>(`${inView}.length`)).toBeGreaterThan(3);
  });

  it('loads the whole-list export controls on first use (a dynamic import in the content script)', async () => {
    const root = `document.querySelector('reflens-summary').shadowRoot`;
    await firefox.evaluate(`${root}.querySelector('button[data-reflens-action="export"]').click()`);
    await firefox.waitFor(`${root}.querySelectorAll('select[data-reflens-export-style] option').length > 10`, 15_000);
    expect(await firefox.evaluate<string>(`${root}.querySelector('select[data-reflens-export-style]').value`)).toBe('apa');
  });
});
