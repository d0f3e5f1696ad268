// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CACHE_TTL_MS, TtlCache, type KeyValueStorage } from '../../src/background/net/cache';
import { Deadline, DeadlineExceeded } from '../../src/background/net/deadline';
import { Http, isNotFound, parseRetryAfter, ServiceError, type ServiceStatus } from '../../src/background/net/http';
import { parseInterval, Scheduler, WINDOW_MARGIN_MS } from '../../src/background/net/scheduler';
import { recorded, stubFetch } from '../fixtures/api-recorded/replay';

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/** A promise we settle by hand, to hold tasks "in flight". */
function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Resolves to the settled state without letting an expected rejection go unhandled. */
function settle<T>(p: Promise<T>) {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error: error as ServiceError }),
  );
}

/** Lets fake time run while a request waits for its turn in the rate limiter. */
async function drive<T>(p: Promise<T>, ms = 5_000) {
  const settled = settle(p);
  await vi.advanceTimersByTimeAsync(ms);
  return settled;
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-07-01T00:00:00Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Scheduler', () => {
  it('lets 5 Crossref public-pool requests go at once, then each one a second after an earlier answer, one at a time', async () => {
    const s = new Scheduler();
    const t0 = Date.now();
    const starts: number[] = [];
    const answers: number[] = [];
    let running = 0;
    let peak = 0;
    const all = Array.from({ length: 11 }, (_, i) =>
      s.schedule('crossref', async () => {
        starts.push(Date.now() - t0);
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 100)); // the service's answer takes 100 ms
        running--;
        answers.push(Date.now() - t0);
        return i;
      }),
    );
    await vi.advanceTimersByTimeAsync(5000);
    expect(await Promise.all(all)).toEqual([...Array(11).keys()]);
    expect(peak).toBe(1);
    // The first five go as fast as the answers come; the sixth once the first answer is a window old.
    expect(starts.slice(0, 6)).toEqual([0, 100, 200, 300, 400, 100 + 1000 + WINDOW_MARGIN_MS]);
    // However long a trip took, request i reached Crossref before answer i: no 1 s window there holds six.
    for (let i = 5; i < starts.length; i++) expect(starts[i]! - answers[i - 5]!).toBeGreaterThanOrEqual(1000);
  });

  it('uses the polite limits (10/s, 3 in flight) once an email is configured', async () => {
    const s = new Scheduler({ profile: { crossrefPolite: true } });
    expect(s.limitOf('crossref')).toMatchObject({ perSecond: 10, concurrency: 3 });
    const gates = Array.from({ length: 5 }, () => deferred());
    let running = 0;
    let peak = 0;
    const all = gates.map((g) =>
      s.schedule('crossref', async () => {
        running++;
        peak = Math.max(peak, running);
        await g.promise;
        running--;
      }),
    );
    await vi.advanceTimersByTimeAsync(2000);
    expect(running).toBe(3);
    gates[0]!.resolve();
    await vi.advanceTimersByTimeAsync(200);
    expect(running).toBe(3); // the fourth took the freed slot
    gates.forEach((g) => g.resolve());
    await vi.advanceTimersByTimeAsync(500);
    await Promise.all(all);
    expect(peak).toBe(3);
  });

  it('shares one NCBI budget between eutils and idconv (3/s without key, 10/s with)', async () => {
    const s = new Scheduler();
    const t0 = Date.now();
    const starts: Array<[string, number]> = [];
    const run = (svc: 'eutils' | 'idconv') => s.schedule(svc, async () => void starts.push([svc, Date.now() - t0]));
    const all = [run('eutils'), run('idconv'), run('eutils'), run('idconv')];
    await vi.advanceTimersByTimeAsync(2000);
    await Promise.all(all);
    expect(starts).toEqual([
      ['eutils', 0],
      ['idconv', 0],
      ['eutils', 0],
      ['idconv', 1000 + WINDOW_MARGIN_MS], // the three answered at once: a second after them
    ]);
    s.configure({ ncbiApiKey: true });
    expect(s.limitOf('idconv')).toMatchObject({ perSecond: 10, burst: 10 });
  });

  it('adapts to the rate headers Crossref sends, with a ceiling', () => {
    const s = new Scheduler();
    expect(s.limitOf('crossref')).toMatchObject({ perSecond: 5, concurrency: 1, burst: 5 });
    s.observe('crossref', recorded('crossref/works-filter-doi-assembled.json').headers); // public 5 / 1s / 1
    expect(s.limitOf('crossref')).toMatchObject({ perSecond: 5, concurrency: 1, burst: 5 });
    s.observe('crossref', new Headers({ 'x-rate-limit-limit': '10', 'x-rate-limit-interval': '1s', 'x-concurrency-limit': '3' }));
    expect(s.limitOf('crossref')).toMatchObject({ perSecond: 10, concurrency: 3 });
    s.observe('crossref', recorded('crossref/works-doi-404-blblbl.txt').headers); // polite 50 / 1s, no concurrency header
    expect(s.limitOf('crossref')).toMatchObject({ perSecond: 20, concurrency: 3 });
    s.observe('crossref', new Headers({ 'x-rate-limit-limit': '5', 'x-rate-limit-interval': '2s' }));
    expect(s.limitOf('crossref')).toMatchObject({ perSecond: 2.5, burst: 5 });
    expect(parseInterval('500ms')).toBe(0.5);
    expect(parseInterval('nonsense')).toBe(0);
  });

  it('pauses a pool on request, and on an exhausted IETF ratelimit window', async () => {
    const s = new Scheduler();
    const t0 = Date.now();
    s.pause('europepmc', 1500);
    const first = s.schedule('europepmc', async () => Date.now() - t0);
    await vi.advanceTimersByTimeAsync(2000);
    expect(await first).toBe(1500);

    s.observe('openalex', new Headers({ 'ratelimit-remaining': '0', 'ratelimit-reset': '1' }));
    expect(s.pausedFor('openalex')).toBe(1000);
    s.observe('openalex', new Headers({ 'ratelimit-remaining': '99', 'ratelimit-reset': '1' }));
    expect(s.pausedFor('openalex')).toBe(1000);
  });

  it('drops a queued task whose signal aborts, without running it', async () => {
    const s = new Scheduler();
    const ran: number[] = [];
    const controller = new AbortController();
    const a = s.schedule('crossref', async () => void ran.push(1));
    const b = settle(s.schedule('crossref', async () => void ran.push(2), controller.signal));
    controller.abort();
    await vi.advanceTimersByTimeAsync(1000);
    await a;
    expect((await b).ok).toBe(false);
    expect(ran).toEqual([1]);
  });
});

describe('Http', () => {
  const make = (fetch: typeof globalThis.fetch, extra: ConstructorParameters<typeof Http>[0] = {}) =>
    new Http({ fetch, random: () => 0.5, ...extra });

  it('parses JSON, adapts the limiter to the response headers, and sends no cookies or referrer', async () => {
    const stub = stubFetch(() => recorded('crossref/works-query-ecology-rows2.json')); // polite 10/1s/3
    const http = make(stub.fetch);
    const body = await http.request<{ message: { items: unknown[] } }>('crossref', 'https://api.crossref.org/works?query=ecology&rows=2');
    expect(body.message.items).toHaveLength(2);
    expect(http.scheduler.limitOf('crossref')).toMatchObject({ perSecond: 10, concurrency: 3 });
    expect(stub.inits[0]).toMatchObject({ credentials: 'omit', referrerPolicy: 'no-referrer', method: 'GET' });
  });

  it("treats Crossref's plain-text 404 under a JSON content type as 'not found', not as malformed JSON", async () => {
    const stub = stubFetch(() => recorded('crossref/works-doi-404-blblbl.txt'));
    const r = await settle(make(stub.fetch).request('crossref', 'https://api.crossref.org/works/blblbl'));
    expect(r.ok).toBe(false);
    const e = (r as { error: ServiceError }).error;
    expect(e).toBeInstanceOf(ServiceError);
    expect(e).toMatchObject({ service: 'crossref', kind: 'http', status: 404, detail: 'Resource not found.' });
    expect(isNotFound(e)).toBe(true);
    expect(stub.urls).toHaveLength(1); // 4xx are not retried
  });

  it('reports a 200 whose body is not JSON as malformed', async () => {
    const stub = stubFetch(() => recorded('openalex/works-doi-url-404.html', { status: 200 }));
    const r = await settle(make(stub.fetch).request('openalex', 'https://api.openalex.org/works/x'));
    expect((r as { error: ServiceError }).error).toMatchObject({ kind: 'malformed', message: 'OpenAlex sent an unreadable response' });
  });

  it('retries a 5xx at most twice with growing delays, then gives up with a short message', async () => {
    const stub = stubFetch(() => recorded('crossref/works-500-cursor-5.json'));
    const statuses: ServiceStatus[] = [];
    const http = make(stub.fetch, { breakerThreshold: 10 });
    http.onStatus((s) => statuses.push(s));
    const r = settle(http.request('crossref', 'https://api.crossref.org/works?cursor=5'));
    await vi.advanceTimersByTimeAsync(60_000);
    const { error } = (await r) as { error: ServiceError };
    expect(stub.urls).toHaveLength(3);
    expect(error).toMatchObject({ kind: 'http', status: 500, message: 'Crossref unavailable (HTTP 500)' });
    expect(statuses.map((s) => s.state)).toEqual(['retrying', 'retrying', 'unavailable']);
    expect(statuses[2]).toEqual({ service: 'crossref', state: 'unavailable', message: 'Crossref unavailable (HTTP 500)' });
    expect(statuses[0]!.message).toBe('Crossref unavailable (HTTP 500), retrying in 1 s');
    expect(statuses[1]!.retryInMs).toBe(2000);
  });

  it('recovers when a retry succeeds and announces the service is back', async () => {
    const stub = stubFetch((_u, n) => (n === 0 ? new Response('busy', { status: 503 }) : recorded('europepmc/search-no-results.json')));
    const http = make(stub.fetch);
    const states: string[] = [];
    http.onStatus((s) => states.push(s.state));
    const r = http.request('europepmc', 'https://www.ebi.ac.uk/europepmc/webservices/rest/search?query=x');
    await vi.advanceTimersByTimeAsync(5000);
    expect(await r).toMatchObject({ hitCount: 0 });
    expect(stub.urls).toHaveLength(2);
    expect(states).toEqual(['retrying', 'ok']);
  });

  it('retries network errors and reports them as such', async () => {
    const stub = stubFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    const r = settle(make(stub.fetch).request('unpaywall', 'https://api.unpaywall.org/v2/10.1/x?email=a@b.org'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect((await r) as unknown).toMatchObject({ error: { kind: 'network', message: 'Unpaywall unreachable (network error)' } });
    expect(stub.urls).toHaveLength(3);
  });

  it('times out a silent service after 10 s per attempt', async () => {
    const stub = stubFetch(
      (_u, _n, init) =>
        new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    );
    const r = settle(make(stub.fetch, { maxRetries: 1 }).request('eutils', 'https://eutils.ncbi.nlm.nih.gov/x'));
    await vi.advanceTimersByTimeAsync(9_999);
    expect(stub.urls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(30_000);
    expect((await r) as unknown).toMatchObject({ error: { kind: 'timeout', message: 'PubMed did not answer within 10 s' } });
    expect(stub.urls).toHaveLength(2);
  });

  it('on 429 honours Retry-After, pausing the whole NCBI queue, and says so', async () => {
    const t0 = Date.now();
    const at: number[] = [];
    const stub = stubFetch((url, n) => {
      at.push(Date.now() - t0);
      if (n === 0) return json({ error: 'API rate limit exceeded' }, 429, { 'retry-after': '3' });
      return recorded(url.pathname.includes('esummary') ? 'ncbi/esummary-28806736.json' : 'ncbi/idconv-doi-10.1038_ng.590.json');
    });
    const http = make(stub.fetch);
    const statuses: ServiceStatus[] = [];
    http.onStatus((s) => statuses.push(s));
    const summary = http.request('eutils', 'https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esummary.fcgi?id=28806736');
    await vi.advanceTimersByTimeAsync(10);
    // Queued after the 429: must wait for the pause although it goes to another NCBI host.
    const conv = http.request('idconv', 'https://pmc.ncbi.nlm.nih.gov/tools/idconv/api/v1/articles/?ids=10.1038%2Fng.590');
    await vi.advanceTimersByTimeAsync(2_900);
    expect(stub.urls).toHaveLength(1);
    expect(statuses[0]).toMatchObject({ service: 'eutils', state: 'rate-limited', retryInMs: 3_000, message: 'PubMed rate limit, retrying in 3 s' });
    await vi.advanceTimersByTimeAsync(200);
    await Promise.all([summary, conv]);
    expect(stub.urls).toHaveLength(3);
    expect(at[1]).toBeGreaterThanOrEqual(3_000);
    expect(at[2]).toBeGreaterThanOrEqual(3_000);
  });

  it('reads Retry-After as an HTTP date too', () => {
    const now = Date.parse('2026-07-01T00:00:00Z');
    expect(parseRetryAfter('Wed, 01 Jul 2026 00:00:45 GMT', now)).toBe(45_000);
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it('gives up on a Retry-After beyond the cap and fails fast until it has passed', async () => {
    const stub = stubFetch((_u, n) =>
      n === 0 ? recorded('crossref/429-too-many-requests.html', { headers: { 'retry-after': '120' } }) : recorded('crossref/works-query-ecology-rows2.json'),
    );
    const http = make(stub.fetch);
    const first = await settle(http.request('crossref', 'https://api.crossref.org/works?query=a'));
    expect(first).toMatchObject({
      ok: false,
      error: { kind: 'rate-limited', status: 429, retryAfterMs: 120_000, message: 'Crossref rate limit, try again in 2 min', detail: '429 Too Many Requests' },
    });
    const second = await settle(http.request('crossref', 'https://api.crossref.org/works?query=b'));
    expect(second).toMatchObject({ ok: false, error: { kind: 'rate-limited', message: 'Crossref rate limit, try again in 2 min' } });
    expect(stub.urls).toHaveLength(1);
    vi.advanceTimersByTime(120_000);
    await expect(http.request('crossref', 'https://api.crossref.org/works?query=b')).resolves.toBeTruthy();
    expect(stub.urls).toHaveLength(2);
  });

  it('opens the circuit after consecutive failures, fails fast, then probes after the cool-down', async () => {
    let down = true;
    const stub = stubFetch(() => (down ? new Response('', { status: 502 }) : recorded('unpaywall/v2-10.1073_pnas.1414271111.json')));
    const http = make(stub.fetch, { maxRetries: 0, breakerThreshold: 3, breakerCooldownMs: 30_000 });
    const statuses: ServiceStatus[] = [];
    http.onStatus((s) => statuses.push(s));
    for (let i = 0; i < 3; i++) await drive(http.request('unpaywall', `https://api.unpaywall.org/v2/10.1/${i}?email=a@b.org`), 1000);
    expect(stub.urls).toHaveLength(3);
    expect(http.statusOf('unpaywall')).toBe('unavailable');
    expect(statuses.at(-1)).toMatchObject({ state: 'unavailable', message: 'Unpaywall unavailable, retrying in 30 s' });

    const fast = await settle(http.request('unpaywall', 'https://api.unpaywall.org/v2/10.1/9?email=a@b.org'));
    expect(fast).toMatchObject({ ok: false, error: { message: 'Unpaywall unavailable, try again in 29 s' } });
    expect(stub.urls).toHaveLength(3); // no network call while open

    vi.advanceTimersByTime(30_000);
    down = false;
    await expect(http.request('unpaywall', 'https://api.unpaywall.org/v2/10.1/9?email=a@b.org')).resolves.toMatchObject({ is_oa: true });
    expect(http.statusOf('unpaywall')).toBe('ok');
    expect(statuses.at(-1)).toMatchObject({ state: 'ok', message: 'Unpaywall available again' });
  });

  it('does not let 4xx answers or other services open a circuit', async () => {
    const stub = stubFetch((url) =>
      url.hostname === 'api.crossref.org' ? recorded('crossref/works-400-validation-failure.json') : new Response('', { status: 500 }),
    );
    const http = make(stub.fetch, { maxRetries: 0, breakerThreshold: 2 });
    for (let i = 0; i < 4; i++) {
      const r = await drive(http.request('crossref', `https://api.crossref.org/works?sample=${i}`));
      expect(r).toMatchObject({ error: { kind: 'http', status: 400 } });
    }
    expect(await drive(http.request('crossref', 'https://api.crossref.org/works?sample=200'))).toMatchObject({
      error: { message: 'Crossref refused the request (HTTP 400: Integer specified as 200 but must be a positive integer less than or equal to 100.)' },
    });
    await drive(http.request('europepmc', 'https://www.ebi.ac.uk/a'));
    await drive(http.request('europepmc', 'https://www.ebi.ac.uk/b'));
    expect(http.statusOf('europepmc')).toBe('unavailable');
    expect(http.statusOf('crossref')).toBe('ok');
    expect(stub.urls).toHaveLength(7);
  });

  it('shares one network call between identical concurrent GETs', async () => {
    const gate = deferred();
    const stub = stubFetch(async () => {
      await gate.promise;
      return recorded('crossref/works-query-ecology-rows2.json');
    });
    const http = make(stub.fetch);
    const url = 'https://api.crossref.org/works?query=ecology&rows=2';
    const a = http.request('crossref', url);
    const b = http.request('crossref', url);
    const other = http.request('crossref', `${url}&x=1`);
    await vi.advanceTimersByTimeAsync(500);
    gate.resolve();
    await vi.advanceTimersByTimeAsync(500);
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra).toBe(rb);
    await other;
    expect(stub.urls.filter((u) => u === url)).toHaveLength(1);
    // Once settled, the next identical request goes out again (the cache, not this, remembers answers).
    const stub2Count = stub.urls.length;
    void http.request('crossref', url).catch(() => undefined);
    await vi.advanceTimersByTimeAsync(500);
    expect(stub.urls.length).toBe(stub2Count + 1);
  });

  it('lets one caller of a shared request cancel without cancelling the others; the last one out aborts it', async () => {
    let networkAborted = false;
    const gate = deferred<Response>();
    const stub = stubFetch((_u, _n, init) => {
      init?.signal?.addEventListener('abort', () => (networkAborted = true));
      return gate.promise;
    });
    const http = make(stub.fetch);
    const url = 'https://api.openalex.org/works?filter=doi:10.1/x';
    const c1 = new AbortController();
    const c2 = new AbortController();
    const first = settle(http.request('openalex', url, { signal: c1.signal }));
    const second = http.request('openalex', url, { signal: c2.signal });
    await vi.advanceTimersByTimeAsync(10);
    c1.abort();
    expect(await first).toMatchObject({ ok: false, error: { kind: 'aborted' } });
    expect(networkAborted).toBe(false);
    gate.resolve(recorded('openalex/works-filter-OR-two-works.json'));
    await expect(second).resolves.toMatchObject({ meta: { count: 2 } });

    const gate2 = deferred<Response>();
    const stub2 = stubFetch((_u, _n, init) => {
      init?.signal?.addEventListener('abort', () => gate2.resolve(new Response('', { status: 599 })));
      return new Promise<Response>((_r, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('a', 'AbortError'))));
    });
    const http2 = make(stub2.fetch);
    const c3 = new AbortController();
    const only = settle(http2.request('openalex', url, { signal: c3.signal }));
    await vi.advanceTimersByTimeAsync(10);
    c3.abort();
    expect(await only).toMatchObject({ error: { kind: 'aborted' } });
    await vi.advanceTimersByTimeAsync(10);
    expect((await gate2.promise).status).toBe(599); // the network request itself was aborted
    expect(http2.statusOf('openalex')).toBe('ok'); // cancelling is not a failure of the service
  });

  it("decodes bodies in the charset the server declares (idconv's ISO-8859-1)", async () => {
    const bytes = Uint8Array.from([...'{"status":"ok","records":[],"note":"'].map((c) => c.charCodeAt(0)).concat([0xe9], [...'"}'].map((c) => c.charCodeAt(0))));
    // The content type is idconv's recorded one.
    const headers = recorded('ncbi/idconv-doi-10.1038_ng.590.json').headers;
    const stub = stubFetch(() => new Response(bytes, { headers }));
    await expect(make(stub.fetch).request('idconv', 'https://pmc.ncbi.nlm.nih.gov/x')).resolves.toMatchObject({ note: 'é' });
  });
});

describe('Deadline', () => {
  const opts = { budgetMs: 7_000, idleMs: 4_000, lateMs: 2_000 };

  it('aborts after the budget when nothing answers, then gives later calls a last window', async () => {
    const d = new Deadline(opts);
    const main = d.signal;
    await vi.advanceTimersByTimeAsync(6_999);
    expect(main.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(main.aborted).toBe(true);
    expect(main.reason).toBeInstanceOf(DeadlineExceeded);
    expect(d.passed).toBe(true);
    // A call starting now (a service not asked yet) gets a fresh signal, aborted 2 s later.
    const late = d.signal;
    expect(late).not.toBe(main);
    expect(late.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(late.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(late.aborted).toBe(true);
    expect(d.signal.aborted).toBe(true);
  });

  it('is postponed while services keep answering, and cuts once they stop', async () => {
    const d = new Deadline(opts);
    for (let t = 0; t < 12_000; t += 1_000) {
      await vi.advanceTimersByTimeAsync(1_000);
      d.progress(); // a long list: one answer a second, past the budget
    }
    expect(d.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(3_999);
    expect(d.passed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(d.passed).toBe(true);
  });

  it('stops when disposed', async () => {
    const d = new Deadline(opts);
    const main = d.signal;
    d.dispose();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(main.aborted).toBe(false);
  });
});

describe('Http under a deadline', () => {
  const make = (fetch: typeof globalThis.fetch, extra: ConstructorParameters<typeof Http>[0] = {}) =>
    new Http({ fetch, random: () => 0.5, ...extra });
  /** Never answers; rejects when the request is aborted. */
  const silent = (_u: URL, _n: number, init?: RequestInit) =>
    new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
  const budget = { budgetMs: 3_000, idleMs: 1_000, lateMs: 1_000 };

  it('cuts an attempt that is still out at the deadline, says which service did not answer, and pauses it only for the cool-down', async () => {
    const stub = stubFetch(silent);
    const http = make(stub.fetch, { breakerCooldownMs: 30_000 });
    const d = new Deadline(budget);
    const r = settle(http.request('eutils', 'https://eutils.ncbi.nlm.nih.gov/x?0', { signal: d.signal }));
    await vi.advanceTimersByTimeAsync(3_000);
    // Cut at 3 s, not at the 10 s per-attempt timeout, and not retried.
    expect(await r).toMatchObject({ ok: false, error: { kind: 'deadline', message: 'PubMed did not answer in time' } });
    expect(stub.urls).toHaveLength(1);
    d.dispose();
    // The next batch does not wait for a silent service again: it is told at once.
    const next = new Deadline(budget);
    expect(await settle(http.request('eutils', 'https://eutils.ncbi.nlm.nih.gov/x?1', { signal: next.signal }))).toMatchObject({
      ok: false,
      error: { kind: 'deadline', message: expect.stringMatching(/^PubMed not answering, try again in \d+ s$/) },
    });
    expect(stub.urls).toHaveLength(1);
    next.dispose();
    // After the cool-down the service is asked again.
    await vi.advanceTimersByTimeAsync(30_000);
    const later = new Deadline(budget);
    const again = settle(http.request('eutils', 'https://eutils.ncbi.nlm.nih.gov/x?2', { signal: later.signal }));
    await vi.advanceTimersByTimeAsync(3_000);
    await again;
    expect(stub.urls).toHaveLength(2);
    later.dispose();
  });

  it('ends a request waiting to retry with the failure it had, and does not retry it', async () => {
    const stub = stubFetch((_u, n) => (n === 0 ? new Response('', { status: 500 }) : new Response('', { status: 503 })));
    const http = make(stub.fetch, { backoffMs: 4_000 });
    const d = new Deadline(budget);
    const r = settle(http.request('crossref', 'https://api.crossref.org/works?query=a', { signal: d.signal }));
    await vi.advanceTimersByTimeAsync(3_000);
    expect(await r).toMatchObject({ ok: false, error: { kind: 'http', status: 500, message: 'Crossref unavailable (HTTP 500)' } });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(stub.urls).toHaveLength(1);
  });

  it('does not send a request once the time is out, and says the service was not asked', async () => {
    const stub = stubFetch(() => json({}));
    const http = make(stub.fetch);
    const d = new Deadline(budget);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(await settle(http.request('idconv', 'https://pmc.ncbi.nlm.nih.gov/x', { signal: d.signal }))).toMatchObject({
      ok: false,
      error: { kind: 'deadline', message: 'PubMed Central not asked (out of time)' },
    });
    expect(stub.urls).toHaveLength(0);
  });

  it('tells a request queued behind a silent one that it was not asked, and keeps a shared request for a caller without deadline', async () => {
    const stub = stubFetch(silent);
    const http = make(stub.fetch, { maxRetries: 0 }); // Crossref's public pool: one request in flight
    const d = new Deadline(budget);
    const first = settle(http.request('crossref', 'https://api.crossref.org/works?query=a', { signal: d.signal }));
    const queued = settle(http.request('crossref', 'https://api.crossref.org/works?query=b', { signal: d.signal }));
    const patient = settle(http.request('crossref', 'https://api.crossref.org/works?query=a'));
    await vi.advanceTimersByTimeAsync(3_000);
    expect(await first).toMatchObject({ error: { kind: 'deadline', message: 'Crossref did not answer in time' } });
    expect(await queued).toMatchObject({ error: { kind: 'deadline', message: 'Crossref not asked (out of time)' } });
    expect(stub.urls).toHaveLength(1);
    // The caller without a deadline still has the shared request, which ends by its own timeout.
    await vi.advanceTimersByTimeAsync(7_000);
    expect(await patient).toMatchObject({ error: { kind: 'timeout', message: 'Crossref did not answer within 10 s' } });
  });

  it('fails the queued requests of a service at once when its circuit opens, instead of pacing them out', async () => {
    const stub = stubFetch(() => new Response('', { status: 500 }));
    const http = make(stub.fetch, { maxRetries: 0, breakerThreshold: 2 });
    const all = Array.from({ length: 9 }, (_, i) => settle(http.request('crossref', `https://api.crossref.org/works?query=${i}`)));
    const other = settle(http.request('europepmc', 'https://www.ebi.ac.uk/x'));
    await vi.advanceTimersByTimeAsync(50);
    const race = Promise.race([Promise.all(all), new Promise((r) => setTimeout(() => r('pending'), 0))]);
    await vi.advanceTimersByTimeAsync(0);
    const settled = await race;
    expect(settled).not.toBe('pending'); // without dropping the queue, the last ones wait about a second for the rate window
    const errors = (settled as Array<{ error: ServiceError }>).map((r) => r.error.message);
    expect(errors.slice(0, 2)).toEqual(['Crossref unavailable (HTTP 500)', 'Crossref unavailable (HTTP 500)']);
    for (const m of errors.slice(2)) expect(m).toBe('Crossref unavailable, try again in 30 s');
    expect(stub.urls.filter((u) => u.includes('crossref'))).toHaveLength(2);
    expect(await other).toMatchObject({ ok: false, error: { status: 500 } }); // another service keeps its request
  });
});

describe('TtlCache', () => {
  class MapStorage implements KeyValueStorage {
    readonly data = new Map<string, unknown>();
    gets = 0;
    failSetWhen: (items: Record<string, unknown>) => Error | undefined = () => undefined;
    async get(keys: string[]) {
      this.gets++;
      const out: Record<string, unknown> = {};
      for (const k of keys) if (this.data.has(k)) out[k] = structuredClone(this.data.get(k));
      return out;
    }
    async set(items: Record<string, unknown>) {
      const err = this.failSetWhen(items);
      if (err) throw err;
      for (const [k, v] of Object.entries(items)) this.data.set(k, structuredClone(v));
    }
    async remove(keys: string[]) {
      for (const k of keys) this.data.delete(k);
    }
    entryKeys() {
      return [...this.data.keys()].filter((k) => !k.endsWith('__index__'));
    }
  }

  it('remembers found and not-found answers, and forgets them after their TTLs', async () => {
    let now = Date.parse('2026-07-01T00:00:00Z');
    const storage = new MapStorage();
    const cache = new TtlCache(storage, { now: () => now });
    await cache.set('crossref:doi:10.1/a', { DOI: '10.1/a' });
    await cache.set('crossref:doi:10.1/missing', null, 'negative');
    expect(await cache.get('crossref:doi:10.1/a')).toEqual({ value: { DOI: '10.1/a' }, negative: false });
    expect(await cache.get('crossref:doi:10.1/missing')).toEqual({ value: null, negative: true });
    expect(await cache.get('crossref:doi:10.1/never')).toBeUndefined();

    now += CACHE_TTL_MS.negative + 1;
    expect(await cache.get('crossref:doi:10.1/missing')).toBeUndefined();
    expect(await cache.get('crossref:doi:10.1/a')).toBeDefined();
    now += CACHE_TTL_MS.positive;
    expect(await cache.get('crossref:doi:10.1/a')).toBeUndefined();
    await vi.runAllTimersAsync();
    expect(storage.entryKeys()).toEqual([]); // expired entries are removed from storage too
  });

  it('answers from memory first and from storage after a restart', async () => {
    const storage = new MapStorage();
    const cache = new TtlCache(storage);
    await cache.setMany([
      { key: 'a', value: 1 },
      { key: 'b', value: 2 },
    ]);
    const before = storage.gets;
    expect((await cache.getMany(['a', 'b'])).size).toBe(2);
    expect(storage.gets).toBe(before);
    const restarted = new TtlCache(storage);
    expect(await restarted.get('b')).toEqual({ value: 2, negative: false });
  });

  it('reads storage once for the index and a first batch, then only for keys the index lists', async () => {
    const storage = new MapStorage();
    await new TtlCache(storage).setMany([{ key: 'stored', value: 1 }]);
    const cache = new TtlCache(storage);
    storage.gets = 0;
    expect((await cache.getMany(['stored', 'never'])).get('stored')?.value).toBe(1);
    expect(storage.gets).toBe(1); // entries and index in one read
    expect(await cache.getMany(['never', 'other'])).toEqual(new Map());
    expect(storage.gets).toBe(1); // the index says neither was ever stored
    const preloaded = new TtlCache(storage);
    preloaded.preload();
    expect(await preloaded.get('never')).toBeUndefined();
    expect((await preloaded.get('stored'))?.value).toBe(1);
    expect(storage.gets).toBe(3); // the index, then the one listed key
  });

  it('stays within its entry bound by evicting the oldest', async () => {
    let now = 1_000_000;
    const storage = new MapStorage();
    const cache = new TtlCache(storage, { maxEntries: 10, now: () => now });
    for (let i = 0; i < 15; i++) {
      now += 1000;
      await cache.set(`k${i}`, i);
    }
    const kept = storage.entryKeys();
    expect(kept.length).toBeLessThanOrEqual(10);
    expect(kept).toContain('rlcache:k14');
    expect(kept).not.toContain('rlcache:k0');
  });

  it('on a quota error evicts and retries once, and never throws to the caller', async () => {
    let now = 1_000_000;
    const storage = new MapStorage();
    // Chrome's wording; the fake quota is 6 entries.
    storage.failSetWhen = (items) => {
      const incoming = Object.keys(items).filter((k) => !k.endsWith('__index__') && !storage.data.has(k)).length;
      return storage.entryKeys().length + incoming > 6 ? new Error('QUOTA_BYTES quota exceeded') : undefined;
    };
    const cache = new TtlCache(storage, { now: () => now });
    for (let i = 0; i < 12; i++) {
      now += 1000;
      await expect(cache.set(`k${i}`, i)).resolves.toBeUndefined();
    }
    expect(storage.entryKeys()).toContain('rlcache:k11');
    expect(storage.entryKeys().length).toBeLessThanOrEqual(6);
    expect(await new TtlCache(storage, { now: () => now }).get('k11')).toEqual({ value: 11, negative: false });

    storage.failSetWhen = () => new Error('QUOTA_BYTES quota exceeded');
    await expect(cache.set('stuck', 1)).resolves.toBeUndefined();
    expect(await cache.get('stuck')).toEqual({ value: 1, negative: false }); // still served from memory
  });

  it('treats a failing storage read as a miss', async () => {
    const broken: KeyValueStorage = {
      get: () => Promise.reject(new Error('storage gone')),
      set: () => Promise.reject(new Error('storage gone')),
      remove: () => Promise.reject(new Error('storage gone')),
    };
    const cache = new TtlCache(broken);
    await expect(cache.get('x')).resolves.toBeUndefined();
    await expect(cache.set('x', 1)).resolves.toBeUndefined();
  });
});
