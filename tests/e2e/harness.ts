/**
 * End-to-end harness: one local port that serves publisher fixture pages (http and https) under their real
 * hostnames, with a pluggable handler for the scholarly web-service hosts, and Chromium with the built
 * extension loaded whose every hostname resolves to that port.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { generate } from 'selfsigned';
import type { ExpectedRow } from '../support/fixture-page';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const PAGES_DIR = join(REPO_ROOT, 'tests/fixtures/pages');
export const PAGES_MANIFEST = join(PAGES_DIR, 'manifest.json');
export const EXTENSION_DIR = join(REPO_ROOT, '.output/chrome-mv3');
/** The seed article page and the fake-service records of the works it cites. */
export const SEED_URL = 'https://www.clinical-breast-cancer.com/article/S1526-8209(21)00173-7/fulltext';
export const SEED_RECORDS = join(REPO_ROOT, 'tests/fixtures/fake-records/seed.json');

/** One reference of a fixture's expected.json: the row type the site adapter tests use (a type only: no happy-dom here). */
export type ExpectedRef = ExpectedRow;

/** The expected.json beside a fixture page (`dir` below tests/fixtures/pages). */
export function readExpected(dir: string): ExpectedRef[] {
  return JSON.parse(readFileSync(join(PAGES_DIR, dir, 'expected.json'), 'utf8')) as ExpectedRef[];
}

export const SEED_EXPECTED = readExpected('elsevier-health/clinical-breast-cancer');

/**
 * Fills the extension's storage.local to within a few bytes of its quota with one item under `key`, from a page or
 * the service worker of the extension; then checks that a small write now fails.
 */
export function fillStorageLocal(
  ctx: Pick<Page, 'evaluate'> | Pick<Worker, 'evaluate'>,
  key: string,
): Promise<{ before: number; after: number; quota: number; slack: number; probeFailed: boolean }> {
  return (ctx as Pick<Page, 'evaluate'>).evaluate(async (key) => {
    interface Area {
      QUOTA_BYTES: number;
      getBytesInUse(keys: null): Promise<number>;
      set(items: object): Promise<void>;
      remove(key: string): Promise<void>;
    }
    const area = (globalThis as unknown as { chrome: { storage: { local: Area } } }).chrome.storage.local;
    const before = await area.getBytesInUse(null);
    // Bytes counted per item: key length + JSON length of the value. Leave a few bytes, far less than a note.
    let slack = 8;
    for (;;) {
      try {
        await area.set({ [key]: 'x'.repeat(area.QUOTA_BYTES - before - key.length - 2 - slack) });
        break;
      } catch (err) {
        if (slack > 4096) throw err;
        slack *= 2;
      }
    }
    let probeFailed = false;
    try {
      await area.set({ 'reflens-e2e-probe': 'y'.repeat(200) });
      await area.remove('reflens-e2e-probe');
    } catch {
      probeFailed = true;
    }
    return { before, after: await area.getBytesInUse(null), quota: area.QUOTA_BYTES, slack, probeFailed };
  }, key);
}

/** Hosts of the web services the background talks to; requests to them go to the mounted API handler. */
export const API_HOSTS = [
  'api.crossref.org',
  'eutils.ncbi.nlm.nih.gov',
  'pmc.ncbi.nlm.nih.gov',
  'www.ncbi.nlm.nih.gov',
  'www.ebi.ac.uk',
  'api.openalex.org',
  'api.unpaywall.org',
] as const;

/** A fixture page served at its real URL. `file` is relative to tests/fixtures/pages (or absolute). */
export interface PageRoute {
  url: string;
  file: string;
  contentType?: string;
}

/** Node's plain request handler shape, so any http handler (e.g. the fake services) can be mounted. */
export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

export interface LoggedRequest {
  scheme: 'http' | 'https';
  method: string;
  host: string;
  /** Path including the query string, as sent. */
  path: string;
  referer?: string;
  /** Request body as text (only for requests that carry one). */
  body?: string;
  status?: number;
  time: number;
}

export interface TestServer {
  port: number;
  /** Every request received, in arrival order. */
  requests: LoggedRequest[];
  /** Plug in (or replace, or with undefined remove) the handler for the API hosts. */
  mountApi(handler: RequestHandler | undefined): void;
  /** Serve an extra page or replace one. */
  addRoute(route: PageRoute): void;
  /** Answer every request to `host` (any port) with `handler`, before pages and API hosts; undefined removes it. */
  mountHost(host: string, handler: RequestHandler | undefined): void;
  close(): Promise<void>;
}

export interface StartServerOptions {
  /** Page routes; defaults to the entries of tests/fixtures/pages/manifest.json. */
  routes?: PageRoute[];
  /** Handler for API_HOSTS (and any host listed in apiHosts). */
  apiHandler?: RequestHandler;
  apiHosts?: readonly string[];
  /** Print each request to stderr (also enabled by env E2E_LOG_REQUESTS=1). */
  verbose?: boolean;
}

const FIXTURE_URL = /^<!-- reflens-fixture-url: (\S+) -->/;

/** Every fixture page under tests/fixtures/pages: its real URL is the first line's `reflens-fixture-url` comment. */
export function fixturePages(dir = PAGES_DIR): PageRoute[] {
  const out: PageRoute[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else if (entry.name === 'index.html') {
        const url = FIXTURE_URL.exec(readFileSync(join(dir, path), 'utf8').slice(0, 600))?.[1];
        if (url) out.push({ url, file: path });
      }
    }
  };
  walk('');
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

/** Routes of the fixture pages: those named in manifest.json plus every page carrying a fixture-url comment. */
export function loadManifest(path = PAGES_MANIFEST): PageRoute[] {
  const listed = (JSON.parse(readFileSync(path, 'utf8')) as PageRoute[]).filter((e) => existsSync(resolve(PAGES_DIR, e.file)));
  const files = new Set(listed.map((e) => e.file));
  return [...listed, ...fixturePages().filter((p) => !files.has(p.file))];
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
};

/** host + decoded pathname: browsers may or may not percent-encode characters like "(" in paths. */
function routeKey(host: string, pathname: string): string {
  let path = pathname;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    // keep the raw path when it is not valid percent-encoding
  }
  return `${host.toLowerCase()}${path}`;
}

let certificate: Promise<{ key: string; cert: string }> | undefined;

/** One self-signed certificate per process, naming every host the tests use (Chromium ignores errors anyway). */
function testCertificate(hosts: string[]): Promise<{ key: string; cert: string }> {
  certificate ??= generate([{ name: 'commonName', value: 'reflens-e2e.test' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          ...[...new Set(hosts)].map((value) => ({ type: 2 as const, value })),
          { type: 2 as const, value: 'localhost' },
          { type: 7 as const, ip: '127.0.0.1' },
        ],
      },
    ],
  }).then((pems) => ({ key: pems.private, cert: pems.cert }));
  return certificate;
}

export async function startServer(options: StartServerOptions = {}): Promise<TestServer> {
  const routes = new Map<string, PageRoute>();
  const addRoute = (route: PageRoute): void => {
    const u = new URL(route.url);
    routes.set(routeKey(u.host, u.pathname), route);
  };
  for (const r of options.routes ?? loadManifest()) addRoute(r);

  const apiHosts = new Set(options.apiHosts ?? API_HOSTS);
  let apiHandler = options.apiHandler;
  const verbose = options.verbose ?? process.env.E2E_LOG_REQUESTS === '1';
  const requests: LoggedRequest[] = [];
  const hostHandlers = new Map<string, RequestHandler>();

  const handle = (scheme: 'http' | 'https') => async (req: http.IncomingMessage, res: http.ServerResponse) => {
    // A browser using this server as its proxy (Firefox) sends plain-http requests in absolute form.
    const absolute = /^https?:\/\//i.test(req.url ?? '') ? new URL(req.url!) : undefined;
    if (absolute) req.url = `${absolute.pathname}${absolute.search}`;
    const host = (absolute?.hostname ?? (req.headers.host ?? '').replace(/:\d+$/, '')).toLowerCase();
    const path = req.url ?? '/';
    const entry: LoggedRequest = { scheme, method: req.method ?? 'GET', host, path, time: Date.now() };
    if (typeof req.headers.referer === 'string') entry.referer = req.headers.referer;
    requests.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
      if (verbose) process.stderr.write(`[e2e-server] ${entry.method} ${scheme}://${host}${path} -> ${res.statusCode}\n`);
    });

    const own = hostHandlers.get(host);
    if (own) {
      try {
        await own(req, res);
      } catch (err) {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`handler failed: ${String(err)}`);
      }
      return;
    }

    const pathname = new URL(path, 'http://x').pathname;
    const route = routes.get(routeKey(host, pathname));
    // A fixture page wins over the API handler: pmc.ncbi.nlm.nih.gov serves both article pages and the ID converter.
    if (apiHosts.has(host) && !route) {
      if (!apiHandler) return notFound(res, 'no API handler mounted');
      // The body is captured for the log by listening alongside the handler, which may read it too.
      if (entry.method !== 'GET' && entry.method !== 'HEAD') {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => (entry.body = Buffer.concat(chunks).toString('utf8')));
      }
      try {
        await apiHandler(req, res);
      } catch (err) {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`handler failed: ${String(err)}`);
      }
      return;
    }

    if (!route) return notFound(res, 'unknown host or path');
    try {
      const body = await readFile(resolve(PAGES_DIR, route.file));
      res.writeHead(200, {
        'content-type': route.contentType ?? CONTENT_TYPES[extname(route.file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    }
  };

  const hostsForCert = [...apiHosts, ...[...routes.values()].map((r) => new URL(r.url).hostname)];
  const { key, cert } = await testCertificate(hostsForCert);
  const httpServer = http.createServer(handle('http'));
  const httpsServer = https.createServer({ key, cert }, handle('https'));
  const sockets = new Set<net.Socket>();

  // One port for both schemes: a TLS connection starts with a handshake record (first byte 0x16).
  const dispatch = (socket: net.Socket): void => {
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      (first[0] === 0x16 ? httpsServer : httpServer).emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  };
  // As a proxy: a CONNECT tunnel (to any host:port) carries the TLS of an https request; serve it here too.
  httpServer.on('connect', (_req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) socket.unshift(head);
    dispatch(socket);
  });
  const front = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    dispatch(socket);
  });
  await new Promise<void>((ok, fail) => {
    front.once('error', fail);
    front.listen(0, '127.0.0.1', () => ok());
  });
  const port = (front.address() as net.AddressInfo).port;

  return {
    port,
    requests,
    mountApi: (handler) => {
      apiHandler = handler;
    },
    addRoute,
    mountHost: (host, handler) => {
      if (handler) hostHandlers.set(host, handler);
      else hostHandlers.delete(host);
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      httpServer.closeAllConnections();
      httpsServer.closeAllConnections();
      await new Promise<void>((ok) => front.close(() => ok()));
    },
  };
}

function notFound(res: http.ServerResponse, why: string): void {
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end(`404: ${why}`);
}

export interface PageDiagnostics {
  /** Uncaught exceptions in the page. */
  pageErrors: string[];
  /** console.error messages, minus the browser's own "Failed to load resource" lines for absent page assets. */
  consoleErrors: string[];
}

export interface LaunchedBrowser {
  context: BrowserContext;
  /** The service worker seen at launch; MV3 may stop it when idle, so prefer liveServiceWorker() later on. */
  serviceWorker: Worker;
  /** A running service worker of the extension, woken through its options page if Chromium had stopped it. */
  liveServiceWorker(): Promise<Worker>;
  /** console.error messages from the extension's service worker. */
  serviceWorkerErrors: string[];
  /** console.warn messages from the extension's service worker (e.g. a toolbar click it could not act on). */
  serviceWorkerWarnings: string[];
  extensionId: string;
  openPage(url: string): Promise<Page>;
  /** Clicks RefLens's toolbar button for this page, through the DevTools protocol (grants activeTab as a click does). */
  clickToolbarButton(page: Page): Promise<void>;
  diagnostics(page: Page): PageDiagnostics;
  close(): Promise<void>;
}

export interface LaunchOptions {
  extensionPath?: string;
  port: number;
  /** Headed only when asked (HEADED=1 or true) and a display exists. */
  headed?: boolean;
}

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

export async function launchBrowser(options: LaunchOptions): Promise<LaunchedBrowser> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'reflens-e2e-profile-'));
  const headed = (options.headed ?? process.env.HEADED === '1') && Boolean(process.env.DISPLAY);
  const ext = options.extensionPath;
  const args = [
    ...(headed ? [] : ['--headless=new']),
    '--no-sandbox',
    ...(ext ? [`--disable-extensions-except=${ext}`, `--load-extension=${ext}`] : []),
    // Every hostname, any port, goes to the local server; localhost stays itself for Playwright's own use.
    `--host-resolver-rules=MAP * 127.0.0.1:${options.port}, EXCLUDE localhost`,
    '--ignore-certificate-errors',
    // Fault tests answer 5xx on purpose; without this Chromium backs off the extension's later requests.
    '--disable-extensions-http-throttling',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    // Lets the DevTools pipe "click" the toolbar button (Extensions.triggerAction), as a reader would.
    '--enable-unsafe-extension-debugging',
  ];
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath(),
    headless: !headed,
    args,
    // Playwright's default flags include --disable-extensions; extensions are the point here.
    ignoreDefaultArgs: ['--disable-extensions'],
    viewport: { width: 1280, height: 900 },
  });

  const diag = new Map<Page, PageDiagnostics>();
  const watch = (page: Page): void => {
    if (diag.has(page)) return;
    const d: PageDiagnostics = { pageErrors: [], consoleErrors: [] };
    diag.set(page, d);
    page.on('pageerror', (err) => d.pageErrors.push(`${err.name}: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const text = msg.text();
      if (/^Failed to load resource/.test(text)) return;
      d.consoleErrors.push(text);
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);

  let serviceWorker: Worker | undefined;
  const serviceWorkerErrors: string[] = [];
  const serviceWorkerWarnings: string[] = [];
  const listen = (worker: Worker): void => {
    worker.on('console', (msg) => {
      if (msg.type() === 'error') serviceWorkerErrors.push(msg.text());
      if (msg.type() === 'warning') serviceWorkerWarnings.push(msg.text());
    });
  };
  let extensionId = '';
  if (ext) {
    serviceWorker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
    extensionId = new URL(serviceWorker.url()).host;
    listen(serviceWorker);
  }
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);

  const launched: LaunchedBrowser = {
    context,
    get serviceWorker(): Worker {
      if (!serviceWorker) throw new Error('launched without an extension: no service worker');
      return serviceWorker;
    },
    serviceWorkerErrors,
    serviceWorkerWarnings,
    extensionId,
    liveServiceWorker: async () => {
      if (!ext) throw new Error('launched without an extension: no service worker');
      const running = context.serviceWorkers().find((w) => w.url().startsWith(`chrome-extension://${extensionId}/`));
      if (running) return running;
      const woken = context.waitForEvent('serviceworker', { timeout: 30_000 });
      const wake = await context.newPage();
      const manifest = JSON.parse(readFileSync(join(ext, 'manifest.json'), 'utf8')) as {
        options_ui?: { page?: string };
        options_page?: string;
      };
      const extPage = manifest.options_ui?.page ?? manifest.options_page ?? 'manifest.json';
      await wake.goto(`chrome-extension://${extensionId}/${extPage}`).catch(() => undefined);
      const worker = await woken;
      await wake.close();
      listen(worker);
      return worker;
    },
    openPage: async (url) => {
      const page = await context.newPage();
      watch(page);
      await page.goto(url, { waitUntil: 'load' });
      return page;
    },
    clickToolbarButton: async (page) => {
      // The worker must have run its script (and added its listeners): a click this soon after start-up, which no
      // reader makes, could otherwise arrive first. An evaluation waits for that; a stopped worker is woken.
      await (await launched.liveServiceWorker()).evaluate(() => true);
      const browser = context.browser();
      if (!browser) throw new Error('no browser-level DevTools session for this context');
      const cdp = await browser.newBrowserCDPSession();
      try {
        // Tab targets are hidden unless asked for; the action needs one, not the page target inside it.
        const { targetInfos } = (await cdp.send('Target.getTargets', { filter: [{ type: 'tab', exclude: false }] } as never)) as {
          targetInfos: { targetId: string; type: string; url: string }[];
        };
        const tab = targetInfos.find((t) => t.type === 'tab' && t.url === page.url());
        if (!tab) throw new Error(`no tab target for ${page.url()}`);
        await cdp.send('Extensions.triggerAction' as never, { id: extensionId, targetId: tab.targetId } as never);
      } finally {
        await cdp.detach();
      }
    },
    diagnostics: (page) => diag.get(page) ?? { pageErrors: [], consoleErrors: [] },
    close: async () => {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
  return launched;
}

/** Waits until the extension marks every reference final; returns the reference count it announced. */
export async function waitForDone(page: Page, timeout = 60_000): Promise<number> {
  await page.waitForFunction(() => document.documentElement.getAttribute('data-reflens-status') === 'done', undefined, {
    timeout,
  });
  return Number(await page.evaluate(() => document.documentElement.getAttribute('data-reflens-count')));
}

export type LinkKind = 'doi' | 'pubmed' | 'pmc' | 'oa';

export interface AnnotatedLink {
  kind: LinkKind | string;
  href: string;
  source: string | null;
  confidence: number | null;
  /** data-reflens-oa-version of an oa link. */
  oaVersion: string | null;
}

export interface Annotation {
  n: number;
  state: string | null;
  links: AnnotatedLink[];
  flags: string[];
  hasNote: boolean;
  /** The reference item's own text, whitespace-collapsed, without the tools. */
  text: string;
  hasTools: boolean;
}

/** Reads every annotated reference and the contents of its tools' open shadow root, in document order. */
export function readAnnotations(page: Page): Promise<Annotation[]> {
  // No named helper functions in here: tsx's keep-names transform would reference a __name the page lacks.
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-reflens-ref]')].map((item) => {
      const next = item.nextElementSibling;
      const tools = item.querySelector('reflens-tools') ?? (next && next.localName === 'reflens-tools' ? next : null);
      const root = tools?.shadowRoot ?? null;
      const links = root
        ? [...root.querySelectorAll<HTMLAnchorElement>('a[data-reflens-link]')].map((a) => ({
            kind: a.getAttribute('data-reflens-link') ?? '',
            href: a.href,
            source: a.getAttribute('data-reflens-source'),
            confidence: a.hasAttribute('data-reflens-confidence') ? Number(a.getAttribute('data-reflens-confidence')) : null,
            oaVersion: a.getAttribute('data-reflens-oa-version'),
          }))
        : [];
      // Text with a space at element boundaries: inline-styled author <li>s would otherwise run together.
      const copy = item.cloneNode(true) as Element;
      copy.querySelectorAll('reflens-tools').forEach((t) => t.remove());
      copy.querySelectorAll('li, div, p, br, h3, h4, span').forEach((e) => e.after(' '));
      const flags = root ? [...root.querySelectorAll('[data-reflens-flag]')].map((f) => f.getAttribute('data-reflens-flag') ?? '') : [];
      return {
        n: Number(item.getAttribute('data-reflens-ref')),
        state: item.getAttribute('data-reflens-state'),
        links,
        flags,
        hasNote: item.hasAttribute('data-reflens-has-note'),
        text: (copy.textContent ?? '').replace(/\s+/g, ' ').trim(),
        hasTools: tools !== null,
      };
    }),
  );
}

/**
 * CSS selector (Playwright pierces open shadow roots) for something inside reference n's tools, whether the
 * tools element sits inside the item or right after it.
 */
export function toolsSelector(n: number, inner: string): string {
  const item = `[data-reflens-ref="${n}"]`;
  return `:is(${item} reflens-tools, ${item} + reflens-tools) ${inner}`;
}

export const FAKE_SERVICES_MODULE = join(REPO_ROOT, 'tests/fake-services/server.ts');

export interface MountedFakeServices {
  mounted: boolean;
  /** One line saying what was mounted, or why nothing was. */
  note: string;
  close(): Promise<void>;
}

/**
 * Mounts the fake scholarly services (tests/fake-services/server.ts) on the server's API hosts, loaded with the
 * given records file; `options` go to startFakeServices unchanged. Without that module, API requests answer 404.
 */
export async function mountFakeServices(
  server: TestServer,
  recordsFile: string,
  options: Record<string, unknown> = {},
): Promise<MountedFakeServices> {
  const nothing = async (): Promise<void> => {};
  if (!existsSync(FAKE_SERVICES_MODULE)) {
    return { mounted: false, note: `fake services: ${FAKE_SERVICES_MODULE} missing; API hosts answer 404`, close: nothing };
  }
  if (!existsSync(recordsFile)) {
    return { mounted: false, note: `fake services: records ${recordsFile} missing; API hosts answer 404`, close: nothing };
  }
  // Loaded at run time so the harness works before (and without) the fake services.
  const mod = (await import(pathToFileURL(FAKE_SERVICES_MODULE).href)) as {
    startFakeServices?: (opts: Record<string, unknown>) => Promise<FakeServicesHandle>;
    loadRecords?: (path: string) => unknown[];
  };
  if (typeof mod.startFakeServices !== 'function' || typeof mod.loadRecords !== 'function') {
    return { mounted: false, note: 'fake services: module lacks startFakeServices/loadRecords; API hosts answer 404', close: nothing };
  }
  const records = mod.loadRecords(recordsFile);
  const services = await mod.startFakeServices({ ...options, records, server: 'handler' });
  server.mountApi(services.handler);
  return {
    mounted: true,
    note: `fake services: mounted with ${records.length} records from ${recordsFile}`,
    close: async () => {
      server.mountApi(undefined);
      await services.close();
    },
  };
}

interface FakeServicesHandle {
  handler: RequestHandler;
  close(): Promise<void>;
}
