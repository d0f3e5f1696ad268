/**
 * Firefox ESR with the built extension, driven over WebDriver BiDi (Firefox speaks it natively: no geckodriver).
 * Every request goes through the e2e server (tests/e2e/harness.ts) acting as Firefox's HTTP and TLS proxy, so
 * pages and web services keep their real hostnames and https URLs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

/** The Firefox binary: FIREFOX_PATH, else Debian's firefox-esr; undefined when neither exists. */
export function firefoxPath(): string | undefined {
  const candidates = [process.env.FIREFOX_PATH, '/usr/bin/firefox-esr'];
  return candidates.find((p): p is string => Boolean(p) && existsSync(p!));
}

interface BidiResponse {
  id?: number;
  type: 'success' | 'error' | 'event';
  result?: unknown;
  error?: string;
  message?: string;
  method?: string;
  params?: unknown;
}

/** The fields of a BiDi RemoteValue this client reads. */
interface RemoteValue {
  type: string;
  value?: unknown;
}

/** A minimal WebDriver BiDi client: commands as promises, events to listeners. */
export class BidiClient {
  private nextId = 1;
  private readonly pending = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void; method: string }>();
  private readonly listeners = new Set<(method: string, params: unknown) => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const msg = JSON.parse(String(data)) as BidiResponse;
      if (msg.type === 'event') {
        for (const l of this.listeners) l(msg.method ?? '', msg.params);
        return;
      }
      const waiter = msg.id === undefined ? undefined : this.pending.get(msg.id);
      if (!waiter) return;
      this.pending.delete(msg.id!);
      if (msg.type === 'error') waiter.fail(new Error(`${waiter.method}: ${msg.error}: ${msg.message}`));
      else waiter.ok(msg.result);
    });
    socket.on('close', () => {
      for (const w of this.pending.values()) w.fail(new Error(`${w.method}: BiDi connection closed`));
      this.pending.clear();
    });
  }

  static async connect(url: string): Promise<BidiClient> {
    const socket = new WebSocket(url);
    await new Promise<void>((ok, fail) => {
      socket.once('open', () => ok());
      socket.once('error', fail);
    });
    return new BidiClient(socket);
  }

  send<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((ok, fail) => {
      this.pending.set(id, { ok: ok as (v: unknown) => void, fail, method });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  onEvent(listener: (method: string, params: unknown) => void): void {
    this.listeners.add(listener);
  }

  close(): void {
    this.socket.close();
  }
}

export interface LaunchedFirefox {
  bidi: BidiClient;
  /** The top-level browsing context of the first tab. */
  context: string;
  /** The id Firefox gave the installed temporary add-on. */
  extensionId: string;
  /** Uncaught page errors and console.error messages seen through log.entryAdded. */
  errors: string[];
  /** Firefox's stdout and stderr (recent chunks), with console messages of the background: for diagnosis. */
  output: string[];
  navigate(url: string): Promise<void>;
  /** Evaluates an expression in the page; its value must be JSON-serialisable (it is passed as JSON). */
  evaluate<T>(expression: string): Promise<T>;
  /** Polls `expression` until it is truthy. */
  waitFor(expression: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface FirefoxLaunchOptions {
  binary: string;
  extensionPath: string;
  /** Port of the e2e server, used as Firefox's proxy for every scheme. */
  proxyPort: number;
  /** Extra user.js preferences. */
  prefs?: Record<string, string | number | boolean>;
}

function userJs(proxyPort: number, extra: Record<string, string | number | boolean> = {}): string {
  const prefs: Record<string, string | number | boolean> = {
    'network.proxy.type': 1,
    'network.proxy.http': '127.0.0.1',
    'network.proxy.http_port': proxyPort,
    'network.proxy.ssl': '127.0.0.1',
    'network.proxy.ssl_port': proxyPort,
    'network.proxy.no_proxies_on': '',
    // No real network exists: keep Firefox's own background traffic quiet.
    'network.dns.disablePrefetch': true,
    'network.prefetch-next': false,
    'network.http.speculative-parallel-limit': 0,
    'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false,
    'network.trr.mode': 5,
    'dom.security.https_only_mode': false,
    'browser.safebrowsing.update.enabled': false,
    'app.normandy.enabled': false,
    'datareporting.policy.dataSubmissionEnabled': false,
    'toolkit.telemetry.enabled': false,
    'extensions.update.enabled': false,
    'xpinstall.signatures.required': false,
    // Console messages of pages and of the extension's background go to stdout, kept in `output`.
    'devtools.console.stdout.content': true,
    'devtools.console.stdout.chrome': true,
    ...extra,
  };
  return Object.entries(prefs)
    .map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`)
    .join('\n');
}

function listeningUrl(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((ok, fail) => {
    let seen = '';
    const timer = setTimeout(() => fail(new Error(`Firefox did not start WebDriver BiDi within ${timeoutMs} ms:\n${seen}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString();
      const m = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        child.stderr?.off('data', onData);
        ok(m[1]!);
      }
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`Firefox exited (${code}) before WebDriver BiDi started:\n${seen}`));
    });
  });
}

export async function launchFirefox(options: FirefoxLaunchOptions): Promise<LaunchedFirefox> {
  const profile = await mkdtemp(join(tmpdir(), 'reflens-e2e-firefox-'));
  await writeFile(join(profile, 'user.js'), userJs(options.proxyPort, options.prefs));
  const child = spawn(options.binary, ['--headless', '--remote-debugging-port', '0', '--profile', profile, '--no-remote'], {
    env: { ...process.env, MOZ_HEADLESS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer): void => {
    output.push(chunk.toString());
    if (output.length > 2000) output.splice(0, output.length - 2000);
  };
  child.stdout?.on('data', keep);
  const cleanup = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise((ok) => child.once('exit', ok));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((ok) => setTimeout(ok, 5_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await rm(profile, { recursive: true, force: true });
  };

  try {
    const url = await listeningUrl(child, 60_000);
    child.stderr?.on('data', keep);
    const bidi = await BidiClient.connect(`${url}/session`);
    await bidi.send('session.new', { capabilities: { alwaysMatch: { acceptInsecureCerts: true } } });

    const errors: string[] = [];
    bidi.onEvent((method, params) => {
      if (method !== 'log.entryAdded') return;
      const entry = params as { level?: string; text?: string; type?: string };
      if (entry.level === 'error') errors.push(`${entry.type ?? 'log'}: ${entry.text ?? ''}`);
    });
    await bidi.send('session.subscribe', { events: ['log.entryAdded'] });

    const installed = await bidi.send<{ extension: string }>('webExtension.install', {
      extensionData: { type: 'path', path: options.extensionPath },
    });
    const tree = await bidi.send<{ contexts: { context: string }[] }>('browsingContext.getTree', { maxDepth: 0 });
    const context = tree.contexts[0]?.context;
    if (!context) throw new Error('Firefox has no top-level browsing context');

    const evaluate = async <T>(expression: string): Promise<T> => {
      const res = await bidi.send<{ type: string; result?: RemoteValue; exceptionDetails?: { text?: string } }>('script.evaluate', {
        expression: `(async () => JSON.stringify(await (${expression})))()`,
        target: { context },
        awaitPromise: true,
        resultOwnership: 'none',
      });
      if (res.type === 'exception') throw new Error(`page script failed: ${res.exceptionDetails?.text ?? 'unknown error'}`);
      const value = res.result?.type === 'string' ? (res.result.value as string) : undefined;
      return (value === undefined ? undefined : JSON.parse(value)) as T;
    };

    return {
      bidi,
      context,
      extensionId: installed.extension,
      errors,
      output,
      navigate: async (target) => {
        await bidi.send('browsingContext.navigate', { context, url: target, wait: 'complete' });
      },
      evaluate,
      waitFor: async (expression, timeoutMs = 90_000) => {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          if (await evaluate<boolean>(`Boolean(${expression})`)) return;
          if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${expression}`);
          await new Promise((ok) => setTimeout(ok, 250));
        }
      },
      close: async () => {
        await bidi.send('session.end').catch(() => undefined);
        bidi.close();
        await cleanup();
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
