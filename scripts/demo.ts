/**
 * Demo: the built extension on the seed article page, served under its real URL from the local fixture server
 * (with the fake scholarly services when they exist). Prints what RefLens found per reference and saves
 * screenshots to demo-output/. Run through `npm run demo`, which builds first.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  API_HOSTS,
  EXTENSION_DIR,
  REPO_ROOT,
  launchBrowser,
  mountFakeServices,
  readAnnotations,
  startServer,
  waitForDone,
  type Annotation,
  SEED_RECORDS,
  SEED_URL,
} from '../tests/e2e/harness';

const OUT_DIR = join(REPO_ROOT, 'demo-output');
const CLOSE_UP_REFERENCES = 8;

function cell(s: string | number | undefined | null, width: number): string {
  const v = s === undefined || s === null || s === '' ? '-' : String(s);
  return v.length > width ? `${v.slice(0, width - 1)}…` : v.padEnd(width);
}

/** The identifier value behind a link: the DOI, PMID or PMCID the extension linked to. */
function idOf(a: Annotation, kind: string): string | undefined {
  const href = a.links.find((l) => l.kind === kind)?.href;
  if (!href) return undefined;
  const u = new URL(href);
  if (kind === 'doi') return decodeURIComponent(u.pathname.slice(1));
  if (kind === 'pubmed') return u.pathname.replace(/\//g, '');
  if (kind === 'pmc') return u.pathname.match(/PMC\d+/i)?.[0];
  return href;
}

function sourceOf(a: Annotation): string {
  const sources = [...new Set(a.links.filter((l) => l.kind !== 'oa').map((l) => l.source ?? '?'))];
  return sources.join('+');
}

function confidenceOf(a: Annotation): string | undefined {
  const c = a.links.map((l) => l.confidence).filter((x): x is number => typeof x === 'number');
  return c.length ? Math.min(...c).toFixed(2) : undefined;
}

async function main(): Promise<void> {
  if (!existsSync(join(EXTENSION_DIR, 'manifest.json'))) {
    throw new Error(`no built extension at ${EXTENSION_DIR}; run \`npm run demo\` (it builds first)`);
  }
  const server = await startServer();
  const fake = await mountFakeServices(server, SEED_RECORDS);
  console.log(fake.note);
  const browser = await launchBrowser({ extensionPath: EXTENSION_DIR, port: server.port, headed: Boolean(process.env.DISPLAY) });
  try {
    const page = await browser.openPage(SEED_URL);
    const count = await waitForDone(page, 90_000);
    const refs = await readAnnotations(page);

    console.log(`page: ${SEED_URL}  (data-reflens-count=${count})`);
    console.log(
      [cell('n', 3), cell('state', 10), cell('doi', 34), cell('pmid', 9), cell('pmcid', 11), cell('source', 12), cell('conf', 5), 'text'].join(' '),
    );
    for (const a of refs) {
      console.log(
        [
          cell(a.n, 3),
          cell(a.state, 10),
          cell(idOf(a, 'doi'), 34),
          cell(idOf(a, 'pubmed'), 9),
          cell(idOf(a, 'pmc'), 11),
          cell(sourceOf(a), 12),
          cell(confidenceOf(a), 5),
          a.text.slice(0, 60),
        ].join(' '),
      );
    }

    await mkdir(OUT_DIR, { recursive: true });
    // The bars skip rendering while off screen (content-visibility), which a full-page capture would show as gaps;
    // a page style on the host (as users' style sheets may set) renders them all for the pictures.
    await page.addStyleTag({ content: 'reflens-tools { content-visibility: visible }' });
    await page.screenshot({ path: join(OUT_DIR, 'seed-page.png'), fullPage: true });
    const section = await referencesClip(page);
    // The close-up shows the start of the list (the whole list is in seed-page.png), readable at full size.
    if (section) {
      await page.screenshot({
        path: join(OUT_DIR, 'seed-references.png'),
        fullPage: true,
        clip: { ...section, height: Math.min(section.height, 1100) },
      });
    }
    console.log(`screenshots: ${join(OUT_DIR, 'seed-page.png')}${section ? `, ${join(OUT_DIR, 'seed-references.png')}` : ''}`);

    const diag = browser.diagnostics(page);
    for (const e of [...diag.pageErrors, ...diag.consoleErrors, ...browser.serviceWorkerErrors]) console.log(`error: ${e}`);

    const serviceCalls = new Map<string, number>();
    for (const r of server.requests) {
      if ((API_HOSTS as readonly string[]).includes(r.host)) serviceCalls.set(r.host, (serviceCalls.get(r.host) ?? 0) + 1);
    }
    console.log(`service requests: ${[...serviceCalls].map(([h, c]) => `${h} ${c}`).join(', ') || 'none'}`);

    const withPage = refs.filter((a) => a.links.some((l) => l.source === 'page')).length;
    const byLookup = refs.filter((a) => a.state === 'resolved' && !a.links.some((l) => l.source === 'page') && a.links.some((l) => l.source === 'lookup')).length;
    const unresolved = refs.filter((a) => a.state === 'unresolved').length;
    const errors = refs.filter((a) => a.state === 'error').length;
    const openAccess = refs.filter((a) => a.links.some((l) => l.kind === 'oa')).length;
    const flagged = refs.filter((a) => a.flags.length > 0).length;
    console.log(
      `references: ${refs.length}, with page identifiers: ${withPage}, resolved by lookup: ${byLookup}, unresolved: ${unresolved}, errors: ${errors}, open access: ${openAccess}, flagged: ${flagged}`,
    );
  } finally {
    await browser.close();
    await server.close();
    await fake.close();
  }
}

/** Page-coordinate box around the first references of the list, tools included (a readable close-up). */
async function referencesClip(page: import('playwright-core').Page) {
  return page.evaluate((first) => {
    const items = [...document.querySelectorAll('[data-reflens-ref]')].slice(0, first);
    if (!items.length) return null;
    const boxes = items.map((el) => el.getBoundingClientRect());
    const x = Math.max(0, Math.min(...boxes.map((b) => b.left)) - 16 + window.scrollX);
    const y = Math.max(0, Math.min(...boxes.map((b) => b.top)) - 16 + window.scrollY);
    const right = Math.max(...boxes.map((b) => b.right)) + 16 + window.scrollX;
    const bottom = Math.max(...boxes.map((b) => b.bottom)) + 48 + window.scrollY;
    return { x, y, width: right - x, height: bottom - y };
  }, CLOSE_UP_REFERENCES);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
