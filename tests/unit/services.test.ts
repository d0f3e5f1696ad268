// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TtlCache, type KeyValueStorage } from '../../src/background/net/cache';
import { Http, ServiceError } from '../../src/background/net/http';
import { batchByUrl, type ClientDeps, type ServiceSettings } from '../../src/background/services/common';
import { CrossrefClient } from '../../src/background/services/crossref';
import { MAX_SEARCH_QUERY_CHARS, searchQuery } from '../../src/core/match/text';
import { EuropePmcClient } from '../../src/background/services/europepmc';
import { citationLine, NcbiClient, parseEcitmatch } from '../../src/background/services/ncbi';
import { OpenAlexClient } from '../../src/background/services/openalex';
import { createServices } from '../../src/background/services/index';
import { UnpaywallClient } from '../../src/background/services/unpaywall';
import { recorded, recordedText, stubFetch, type StubbedFetch } from '../fixtures/api-recorded/replay';

const EMAIL = 'reader@example.org';

class MapStorage implements KeyValueStorage {
  readonly data = new Map<string, unknown>();
  async get(keys: string[]) {
    const out: Record<string, unknown> = {};
    for (const k of keys) if (this.data.has(k)) out[k] = structuredClone(this.data.get(k));
    return out;
  }
  async set(items: Record<string, unknown>) {
    for (const [k, v] of Object.entries(items)) this.data.set(k, structuredClone(v));
  }
  async remove(keys: string[]) {
    for (const k of keys) this.data.delete(k);
  }
}

function setup(
  answer: Parameters<typeof stubFetch>[0],
  settings: ServiceSettings = { email: EMAIL },
  withCache = false,
): { stub: StubbedFetch; deps: ClientDeps } {
  const stub = stubFetch(answer);
  const http = new Http({ fetch: stub.fetch, random: () => 0.5 });
  const deps: ClientDeps = { http, settings: () => settings };
  if (withCache) deps.cache = new TtlCache(new MapStorage());
  return { stub, deps };
}

/** Runs fake time until the call settles (the rate limiter spaces requests with timers). */
async function drive<T>(p: Promise<T>, ms = 30_000): Promise<T> {
  const settled = p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await vi.advanceTimersByTimeAsync(ms);
  const r = await settled;
  if ('error' in r) throw r.error;
  return r.value;
}

const params = (url: string) => new URL(url).searchParams;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Crossref', () => {
  it('searches with query.bibliographic and rows, adds mailto only when an email is set, and keeps scores', async () => {
    const ref = 'Smith J. Chemical ecology of ants. J Chem Ecol. 2001;27:1-10. https://proxy.example.edu/login?url=https://doi.org/10.1/x';
    const { stub, deps } = setup(() => recorded('crossref/works-query-ecology-rows2.json'));
    const items = await drive(new CrossrefClient(deps).searchBibliographic(ref));
    const p = params(stub.urls[0]!);
    expect(new URL(stub.urls[0]!).origin + new URL(stub.urls[0]!).pathname).toBe('https://api.crossref.org/works');
    expect(p.get('query.bibliographic')).toBe('Smith J. Chemical ecology of ants. J Chem Ecol. 2001;27:1-10.');
    expect(p.get('rows')).toBe('5');
    expect(p.get('mailto')).toBe(EMAIL);
    expect(stub.urls[0]).not.toContain('proxy.example.edu');
    expect(items.map((i) => [i.DOI, i.title?.[0], typeof i.score])).toEqual([
      ['10.1093/obo/9780199830060-0238', 'Communicating Ecology', 'number'],
      ['10.1093/obo/9780199830060-0023', 'Chemical Ecology', 'number'],
    ]);

    const anon = setup(() => recorded('crossref/works-query.title-native-oxide-rows1.json'), { email: '' });
    const [oxide] = await drive(new CrossrefClient(anon.deps).searchBibliographic('Effect of native oxide layers on copper thin-film tensile properties', 3));
    expect(params(anon.stub.urls[0]!).has('mailto')).toBe(false);
    expect(params(anon.stub.urls[0]!).get('rows')).toBe('3');
    expect(oxide).toMatchObject({ DOI: '10.1063/1.4938384', 'article-number': '235306', volume: '118', 'container-title': ['Journal of Applied Physics'] });
    expect(oxide!.page).toBeUndefined();
  });

  it('sends the query the matcher\'s eval measures (searchQuery): no links, identifiers or labels, length capped', async () => {
    const { stub, deps } = setup(() => recorded('crossref/works-query-ecology-rows2.json'));
    const ref = '[3] Kolay P. InternationalJournal of Environmental Engineering 8, 200 (2016). doi:10.1504/ijee.2016.082323 see www.example.com/x';
    await drive(new CrossrefClient(deps).searchBibliographic(ref));
    const sent = params(stub.urls[0]!).get('query.bibliographic');
    expect(sent).toBe(searchQuery(ref));
    expect(sent).toBe('Kolay P. InternationalJournal of Environmental Engineering 8, 200 (2016). see International Journal');
    expect(searchQuery(`Smith J. ${'Chemical ecology of ants. '.repeat(60)}`).length).toBeLessThanOrEqual(MAX_SEARCH_QUERY_CHARS);
  });

  it('looks DOIs up in one filter=doi request and keeps Crossref field shapes incl. updated-by and [[null]] dates', async () => {
    const { stub, deps } = setup(() => recorded('crossref/works-filter-doi-assembled.json'));
    const dois = ['10.1371/journal.pone.0033693', '10.1109/ICDCSW.2003.1203662', '10.1038/srep16696', '10.9999/not-in-crossref'];
    const works = await drive(new CrossrefClient(deps).worksByDoi(dois));
    expect(stub.urls).toHaveLength(1);
    const p = params(stub.urls[0]!);
    expect(p.get('filter')).toBe('doi:10.1371/journal.pone.0033693,doi:10.1109/icdcsw.2003.1203662,doi:10.1038/srep16696,doi:10.9999/not-in-crossref');
    expect(p.get('rows')).toBe('4');
    expect(p.get('select')?.split(',')).toEqual(expect.arrayContaining(['DOI', 'title', 'author', 'issued', 'updated-by', 'article-number']));
    expect(p.get('mailto')).toBe(EMAIL);
    expect([...works.keys()]).toEqual(['10.1371/journal.pone.0033693', '10.1109/icdcsw.2003.1203662', '10.1038/srep16696']);
    expect(works.get('10.1371/journal.pone.0033693')!['updated-by']).toEqual([
      expect.objectContaining({ type: 'correction', source: 'publisher', DOI: '10.1371/annotation/c76da2c1-ccb8-4797-94c1-359d3ceceeda' }),
    ]);
    expect(works.get('10.1109/icdcsw.2003.1203662')!.issued).toEqual({ 'date-parts': [[null]] });
    expect(works.get('10.1038/srep16696')).toMatchObject({ 'article-number': '16696' });
    expect(works.get('10.1038/srep16696')!.author?.[0]).not.toHaveProperty('affiliation');
  });

  it('splits large DOI lists into batches of at most 100 with URLs under 4 KB', async () => {
    const { stub, deps } = setup(() => recorded('crossref/works-filter-doi-assembled.json'));
    const dois = Array.from({ length: 230 }, (_, i) => `10.1016/j.example.2020.${String(i).padStart(6, '0')}`);
    await drive(new CrossrefClient(deps).worksByDoi(dois), 60_000);
    expect(stub.urls.length).toBeGreaterThanOrEqual(3);
    const asked = stub.urls.flatMap((u) => params(u).get('filter')!.split(','));
    expect(new Set(asked).size).toBe(230);
    for (const u of stub.urls) {
      expect(u.length).toBeLessThan(4000);
      expect(params(u).get('filter')!.split(',').length).toBeLessThanOrEqual(100);
    }
    expect(batchByUrl([1, 2, 3, 4, 5], 2, (b) => 'x'.repeat(b.length))).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("reads Crossref's plain-text 404 for a single-work lookup as 'not found' and remembers it", async () => {
    const comma = '10.1002/(sici)1097-0258(19980815/30)17:15/16<1661::aid-sim968>3.0.co;2-2,x';
    const { stub, deps } = setup(() => recorded('crossref/works-doi-404-notarealdoi.txt'), { email: EMAIL }, true);
    const client = new CrossrefClient(deps);
    expect((await drive(client.worksByDoi([comma]))).size).toBe(0);
    expect(stub.urls[0]).toBe(`https://api.crossref.org/works/${encodeURIComponent(comma)}?mailto=reader%40example.org`);
    expect((await drive(client.worksByDoi([comma]))).size).toBe(0);
    expect(stub.urls).toHaveLength(1); // the negative answer came from the cache
  });

  it('answers repeated DOIs from the cache, found and not found alike', async () => {
    const { stub, deps } = setup(() => recorded('crossref/works-filter-doi-assembled.json'), { email: EMAIL }, true);
    const client = new CrossrefClient(deps);
    await drive(client.worksByDoi(['10.1038/srep16696', '10.9999/absent']));
    const again = await drive(client.worksByDoi(['10.1038/SREP16696', '10.9999/absent']));
    expect(stub.urls).toHaveLength(1);
    expect([...again.keys()]).toEqual(['10.1038/srep16696']);
  });

  it('answers without waiting for the storage write, and from memory until it lands', async () => {
    const stub = stubFetch(() => recorded('crossref/works-filter-doi-assembled.json'));
    const storage = new MapStorage();
    let wrote = false;
    storage.set = () => new Promise<void>(() => void (wrote = true)); // storage that never finishes writing
    const client = new CrossrefClient({ http: new Http({ fetch: stub.fetch }), settings: () => ({}), cache: new TtlCache(storage) });
    expect((await drive(client.worksByDoi(['10.1038/srep16696']))).size).toBe(1);
    expect((await drive(client.searchBibliographic('Some reference text long enough to be sent'))).length).toBeGreaterThan(0);
    expect(wrote).toBe(true);
    expect((await drive(client.worksByDoi(['10.1038/srep16696']))).size).toBe(1);
    expect(stub.urls).toHaveLength(2);
  });

  it('asks once more without select= if Crossref rejects it', async () => {
    const { stub, deps } = setup((url) =>
      url.searchParams.has('select') ? recorded('crossref/works-400-validation-failure.json') : recorded('crossref/works-filter-doi-assembled.json'),
    );
    const works = await drive(new CrossrefClient(deps).worksByDoi(['10.1038/srep16696']));
    expect(works.has('10.1038/srep16696')).toBe(true);
    expect(stub.urls.map((u) => params(u).has('select'))).toEqual([true, false]);
  });

  it('keeps answers of good batches in the cache when another batch fails, and reports the failure', async () => {
    const { stub, deps } = setup(
      (url) => (url.searchParams.get('filter')!.includes('10.1038/srep16696') ? recorded('crossref/works-filter-doi-assembled.json') : new Response('', { status: 503 })),
      { email: EMAIL },
      true,
    );
    const many = ['10.1038/srep16696', ...Array.from({ length: 120 }, (_, i) => `10.5555/${i}`)];
    const client = new CrossrefClient(deps);
    await expect(drive(client.worksByDoi(many), 120_000)).rejects.toMatchObject({ service: 'crossref', kind: 'http', status: 503 });
    const calls = stub.urls.length;
    const again = await drive(client.worksByDoi(['10.1038/srep16696']));
    expect(again.has('10.1038/srep16696')).toBe(true);
    expect(stub.urls.length).toBe(calls);
  });
});

describe('NCBI', () => {
  // The recorded answer echoes biopython's key "citation_1"; ours are r0, r1... so the stub echoes the key asked.
  const echo = (url: URL) => {
    const lines = url.searchParams.get('bdata')!.split('\r');
    return new Response(
      lines
        .map((l) => l.split('|'))
        .map(([j, y, v, p, a, key]) => {
          const recordedLine = recordedText('ncbi/ecitmatch-1-citation.txt').trim();
          if (recordedLine.startsWith(`${j}|${y}|${v}|${p}|${a}|`)) return recordedLine.replace('citation_1', key!);
          // NOT_FOUND / AMBIGUOUS lines were not recorded; documented format: the answer replaces the PMID.
          return `${j}|${y}|${v}|${p}|${a}|${key}|${v === '999' ? 'AMBIGUOUS 2 citations' : 'NOT_FOUND;INVALID_JOURNAL'}`;
        })
        .join('\n') + '\n',
      { headers: { 'content-type': 'text/plain' } },
    );
  };

  it('matches all citations in one ECitMatch request with tool, email and api_key', async () => {
    const { stub, deps } = setup(echo, { email: EMAIL, ncbiApiKey: 'abc123' });
    const result = await drive(
      new NcbiClient(deps).ecitmatch([
        { journal: 'Proc Natl Acad Sci U S A', year: 1991, volume: '88', firstPage: '3248', author: 'Mann BJ', key: 'ref-12' },
        { journal: 'nowhere journal', year: '2001', volume: '1', firstPage: '1', author: 'doe j', key: 'ref|13' },
        { journal: 'science', year: '1987', volume: '999', firstPage: '182', author: 'palmenberg ac', key: 'ref-14' },
      ]),
    );
    expect(stub.urls).toHaveLength(1);
    const raw = stub.urls[0]!;
    expect(raw.startsWith('https://eutils.ncbi.nlm.nih.gov/entrez/eutils/ecitmatch.cgi?db=pubmed&retmode=xml&bdata=')).toBe(true);
    expect(raw).toContain('bdata=proc+natl+acad+sci+u+s+a|1991|88|3248|mann+bj|r0|%0Dnowhere+journal|2001|1|1|doe+j|r1|%0Dscience|');
    const p = params(raw);
    expect([p.get('tool'), p.get('email'), p.get('api_key')]).toEqual(['reflens', EMAIL, 'abc123']);
    expect(result).toEqual(
      new Map([
        ['ref-12', '2014248'],
        ['ref|13', null],
        ['ref-14', null],
      ]),
    );
    expect(parseEcitmatch(recordedText('ncbi/ecitmatch-1-citation.txt'))).toEqual(new Map([['citation_1', '2014248']]));
    expect(citationLine({ journal: 'A|B\nC', year: 2000 })).toBe('a+b+c|2000|||');
  });

  it('sends no email or api_key when none is configured', async () => {
    const { stub, deps } = setup(() => recorded('ncbi/esummary-28806736.json'), {});
    await drive(new NcbiClient(deps).esummary(['28806736']));
    const p = params(stub.urls[0]!);
    expect(p.get('tool')).toBe('reflens');
    expect(p.has('email')).toBe(false);
    expect(p.has('api_key')).toBe(false);
  });

  it('reads ESummary JSON (string values, keyed by uid) into a small summary', async () => {
    const { stub, deps } = setup(() => recorded('ncbi/esummary-28806736.json'));
    const sums = await drive(new NcbiClient(deps).esummary(['28806736', '99999999', 'not-a-pmid']));
    expect(params(stub.urls[0]!).get('id')).toBe('28806736,99999999');
    expect(params(stub.urls[0]!).get('retmode')).toBe('json');
    expect(sums.get('28806736')).toEqual({
      pmid: '28806736',
      title: 'Unravelling the interplay of sphingolipids and TGF-β signaling in the human corneal stroma.',
      authors: ['Nicholas SE', 'Rowsey TG', 'Priyadarsini S', 'Mandal NA', 'Karamichos D'],
      source: 'PLoS One',
      fulljournalname: 'PloS one',
      year: 2017,
      volume: '12',
      issue: '8',
      pages: 'e0182390',
      doi: '10.1371/journal.pone.0182390',
      pubtypes: ['Journal Article'],
    });
    expect(sums.has('99999999')).toBe(false);
  });

  it('asks ESummary for at most 200 ids per call', async () => {
    const { stub, deps } = setup(() => recorded('ncbi/esummary-28806736.json'));
    const ids = Array.from({ length: 450 }, (_, i) => String(10_000_000 + i));
    await drive(new NcbiClient(deps).esummary(ids), 60_000);
    expect(stub.urls.map((u) => params(u).get('id')!.split(',').length)).toEqual([200, 200, 50]);
  });

  it('converts ids with the new PMC endpoint, grouped by type, without api_key', async () => {
    const { stub, deps } = setup(() => recorded('ncbi/idconv-doi-10.1038_ng.590.json'), { email: EMAIL, ncbiApiKey: 'abc123' });
    const records = await drive(new NcbiClient(deps).idconv(['10.1038/NG.590', 'junk']));
    expect(stub.urls).toHaveLength(1);
    const u = new URL(stub.urls[0]!);
    expect(u.origin + u.pathname).toBe('https://pmc.ncbi.nlm.nih.gov/tools/idconv/api/v1/articles/');
    expect(Object.fromEntries(u.searchParams)).toEqual({ ids: '10.1038/ng.590', idtype: 'doi', format: 'json', tool: 'reflens', email: EMAIL });
    expect(records).toEqual([{ requestedId: '10.1038/ng.590', doi: '10.1038/ng.590', pmid: '20495566', pmcid: 'PMC2883744' }]);
  });

  it("surfaces idconv's URL-encoded error JSON as a readable ServiceError", async () => {
    const { deps } = setup(() => recorded('ncbi/idconv-404-idtype-mismatch.json'));
    const err = await drive(new NcbiClient(deps).idconv(['28371833'])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceError);
    expect(err).toMatchObject({ service: 'idconv', kind: 'http', status: 404, detail: "ID type 'doi' mismatch for '28371833'" });

    const ok200 = setup(() => recorded('ncbi/idconv-404-idtype-mismatch.json', { status: 200 }));
    await expect(drive(new NcbiClient(ok200.deps).idconv(['PMC2883744']))).rejects.toMatchObject({
      kind: 'http',
      message: "PubMed Central refused the request: ID type 'doi' mismatch for '28371833'",
    });
  });

  it('skips per-record errors of the new endpoint and matches records by requested-id', async () => {
    const body = {
      status: 'ok',
      records: [
        { 'requested-id': '20495566', pmcid: 'PMC2883744', pmid: 20495566, doi: '10.1038/ng.590' },
        { 'requested-id': '1', status: 'error', errmsg: 'invalid article id' },
      ],
    };
    const { stub, deps } = setup(() => new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } }));
    const records = await drive(new NcbiClient(deps).idconv(['20495566', '1']));
    expect(params(stub.urls[0]!).get('idtype')).toBe('pmid');
    expect(records).toEqual([{ requestedId: '20495566', doi: '10.1038/ng.590', pmid: '20495566', pmcid: 'PMC2883744' }]);
  });
});

describe('Europe PMC', () => {
  it('queries DOI:"a" OR DOI:"b" with resultType=core and reads the Y/N flags, retraction and links', async () => {
    const { stub, deps } = setup(() => recorded('europepmc/search-core-39466770-retracted.json'));
    const map = await drive(new EuropePmcClient(deps).byDois(['10.1371/journal.pone.0311879', '10.1/none']));
    const p = params(stub.urls[0]!);
    expect(new URL(stub.urls[0]!).pathname).toBe('/europepmc/webservices/rest/search');
    expect(p.get('query')).toBe('DOI:"10.1371/journal.pone.0311879" OR DOI:"10.1/none"');
    expect([p.get('resultType'), p.get('format'), p.get('pageSize')]).toEqual(['core', 'json', '4']);
    expect(stub.urls[0]).not.toContain('email');
    const r = map.get('10.1371/journal.pone.0311879')!;
    expect(r).toMatchObject({ pmid: '39466770', pmcid: 'PMC11516011', source: 'MED', isOpenAccess: true, inPmc: true, license: 'cc by' });
    expect(r.pubTypes).toContain('Retracted Publication');
    expect(r.commentCorrections).toEqual([
      { type: 'Retraction in', id: '41926417', source: 'MED', reference: 'PLoS One. 2026 Apr 2;21(4):e0346306. doi: 10.1371/journal.pone.0346306.' },
    ]);
    expect(r.fullTextUrls).toContainEqual(expect.objectContaining({ availabilityCode: 'OA', site: 'Europe_PMC' }));
    expect(map.has('10.1/none')).toBe(false);
  });

  it('reads "N" as false and an empty result list as "none found"', async () => {
    const body = JSON.parse(recordedText('europepmc/search-core-39466770-retracted.json')) as { resultList: { result: Array<Record<string, unknown>> } };
    Object.assign(body.resultList.result[0]!, { isOpenAccess: 'N', inPMC: 'N' });
    const flipped = setup(() => new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } }));
    const r = (await drive(new EuropePmcClient(flipped.deps).byDois(['10.1371/journal.pone.0311879']))).get('10.1371/journal.pone.0311879');
    expect(r).toMatchObject({ isOpenAccess: false, inPmc: false });

    const none = setup(() => recorded('europepmc/search-no-results.json'));
    expect((await drive(new EuropePmcClient(none.deps).byDois(['10.1/a']))).size).toBe(0);
  });

  it('batches 50 DOIs per request', async () => {
    const { stub, deps } = setup(() => recorded('europepmc/search-no-results.json'));
    await drive(new EuropePmcClient(deps).byDois(Array.from({ length: 120 }, (_, i) => `10.1/${i}`)), 60_000);
    expect(stub.urls.map((u) => params(u).get('query')!.split(' OR ').length)).toEqual([50, 50, 20]);
  });
});

describe('Unpaywall', () => {
  it('sends nothing without an email', async () => {
    const { stub, deps } = setup(() => recorded('unpaywall/v2-10.1073_pnas.1414271111.json'), { email: '' });
    const client = new UnpaywallClient(deps);
    expect(client.enabled).toBe(false);
    expect(await drive(client.lookup('10.1073/pnas.1414271111'))).toBeNull();
    expect(stub.urls).toHaveLength(0);
  });

  it('reads the best open copy and all locations', async () => {
    const { stub, deps } = setup(() => recorded('unpaywall/v2-10.1073_pnas.1414271111.json'));
    const r = await drive(new UnpaywallClient(deps).lookup('10.1073/pnas.1414271111'));
    expect(stub.urls[0]).toBe('https://api.unpaywall.org/v2/10.1073/pnas.1414271111?email=reader%40example.org');
    expect(r).toMatchObject({
      doi: '10.1073/pnas.1414271111',
      isOa: true,
      oaStatus: 'bronze',
      best: {
        url: 'https://www.pnas.org/content/pnas/111/45/E4832.full.pdf',
        urlForPdf: 'https://www.pnas.org/content/pnas/111/45/E4832.full.pdf',
        version: 'publishedVersion',
        hostType: 'publisher',
      },
    });
    expect(r!.best!.license).toBeUndefined();
    expect(r!.locations.map((l) => [l.hostType, l.version, l.repositoryInstitution])).toEqual([
      ['publisher', 'publishedVersion', undefined],
      ['repository', 'submittedVersion', 'PubMed Central'],
    ]);
  });

  it('reports closed works and treats 404 as unknown', async () => {
    const { stub, deps } = setup((url) =>
      url.pathname.includes('s40278') ? recorded('unpaywall/v2-10.1007_s40278-023-41815-2.json') : recorded('unpaywall/v2-404-invalid-doi.json'),
    );
    const map = await drive(new UnpaywallClient(deps).lookupMany(['10.1007/s40278-023-41815-2', '10.1038/s41557-019-0236-7']));
    expect(map.get('10.1007/s40278-023-41815-2')).toEqual({ doi: '10.1007/s40278-023-41815-2', isOa: false, oaStatus: 'closed', best: null, locations: [] });
    expect(map.has('10.1038/s41557-019-0236-7')).toBe(false);
    expect(stub.urls).toHaveLength(2);
    expect(stub.urls[1]).toContain('/v2/10.1038/s41557-019-0236-7?');
  });
});

describe('OpenAlex', () => {
  it('is skipped without an API key', async () => {
    const { stub, deps } = setup(() => recorded('openalex/works-filter-OR-two-works.json'), { email: EMAIL });
    const client = new OpenAlexClient(deps);
    expect(client.enabled).toBe(false);
    expect((await drive(client.byDois(['10.1145/3383583.3398584']))).size).toBe(0);
    expect(stub.urls).toHaveLength(0);
  });

  it('asks filter=doi:a|b with the key and matches the reordered results by DOI', async () => {
    const { stub, deps } = setup(() => recorded('openalex/works-filter-OR-two-works.json'), { email: EMAIL, openalexApiKey: 'KEY1' });
    const requested = ['10.48550/arxiv.2007.14454', '10.1145/3383583.3398584'];
    const map = await drive(new OpenAlexClient(deps).byDois(requested));
    const p = params(stub.urls[0]!);
    expect(p.get('filter')).toBe('doi:10.48550/arxiv.2007.14454|10.1145/3383583.3398584');
    expect(p.get('api_key')).toBe('KEY1');
    expect(p.get('select')).toBe('id,doi,ids,is_retracted,best_oa_location');
    expect(p.has('mailto')).toBe(false);
    // The recorded answer lists W3046863325 (10.1145/...) first, the reverse of the request.
    expect(map.get('10.1145/3383583.3398584')).toMatchObject({ openalexId: 'W3046863325', isRetracted: false, bestOa: { pdfUrl: 'https://dl.acm.org/doi/pdf/10.1145/3383583.3398584' } });
    expect(map.get('10.48550/arxiv.2007.14454')).toMatchObject({ openalexId: 'W3045921891', bestOa: { url: 'https://arxiv.org/pdf/2007.14454', hostType: 'repository' } });
  });

  it('strips URL prefixes from PMID and adds PMC to the bare PMCID digits', async () => {
    const body = JSON.stringify({ meta: { count: 1 }, results: [JSON.parse(recordedText('openalex/works-doi-url-10.1073_pnas.1414271111.json'))] });
    const { deps } = setup(() => new Response(body, { headers: { 'content-type': 'application/json' } }), { openalexApiKey: 'KEY1' });
    const w = (await drive(new OpenAlexClient(deps).byDois(['10.1073/PNAS.1414271111']))).get('10.1073/pnas.1414271111');
    expect(w).toMatchObject({ doi: '10.1073/pnas.1414271111', pmid: '25349395', pmcid: 'PMC4234579', isRetracted: false });
    expect(w!.bestOa).toMatchObject({ url: 'https://doi.org/10.1073/pnas.1414271111', landingPageUrl: 'https://doi.org/10.1073/pnas.1414271111' });
    expect(w!.bestOa!.pdfUrl).toBeUndefined();
  });

  it('looks a DOI with filter separators up singly and reads the HTML 404 as unknown', async () => {
    const { stub, deps } = setup(() => recorded('openalex/works-doi-url-404.html'), { openalexApiKey: 'KEY1' });
    const odd = '10.1002/(sici)1099-1255(199901/02)14:1<1::aid-jae490>3.0.co;2-b,x';
    expect((await drive(new OpenAlexClient(deps).byDois([odd]))).size).toBe(0);
    expect(stub.urls[0]!.startsWith(`https://api.openalex.org/works/https://doi.org/${encodeURIComponent(odd)}?`)).toBe(true);
  });
});

describe('privacy', () => {
  it('never sends anything but the lookup data (no page URL, no referrer, no cookies)', async () => {
    const page = 'https://www.publisher.example/doi/full/10.1000/page-article';
    const { stub, deps } = setup((url) => {
      if (url.hostname === 'api.crossref.org') return recorded('crossref/works-query-ecology-rows2.json');
      if (url.hostname === 'api.unpaywall.org') return recorded('unpaywall/v2-10.1073_pnas.1414271111.json');
      if (url.hostname === 'api.openalex.org') return recorded('openalex/works-filter-OR-two-works.json');
      if (url.hostname === 'www.ebi.ac.uk') return recorded('europepmc/search-no-results.json');
      return recorded('ncbi/esummary-28806736.json');
    }, { email: EMAIL, openalexApiKey: 'K', ncbiApiKey: 'N' });
    await drive(
      Promise.all([
        new CrossrefClient(deps).searchBibliographic(`Ants. Ecology 2001. Available at ${page}`),
        new UnpaywallClient(deps).lookup('10.1073/pnas.1414271111'),
        new OpenAlexClient(deps).byDois(['10.1145/3383583.3398584']),
        new EuropePmcClient(deps).byDois(['10.1/a']),
        new NcbiClient(deps).esummary(['28806736']),
      ]),
    );
    expect(stub.urls).toHaveLength(5);
    for (const u of stub.urls) expect(u).not.toContain('publisher.example');
    for (const init of stub.inits) expect(init).toMatchObject({ credentials: 'omit', referrerPolicy: 'no-referrer' });
  });
});

describe('createServices', () => {
  it('follows the settings: polite Crossref limits with an email, NCBI 10/s with a key, and caches in the given storage', async () => {
    const settings: ServiceSettings = { email: '', ncbiApiKey: '' };
    const stub = stubFetch((url) =>
      url.hostname === 'api.crossref.org' ? recorded('crossref/works-filter-doi-assembled.json', { headers: { 'x-rate-limit-limit': '' } }) : recorded('ncbi/esummary-28806736.json'),
    );
    const storage = new MapStorage();
    const services = createServices({ settings: () => settings, storage, http: { fetch: stub.fetch } });
    await drive(services.crossref.worksByDoi(['10.1038/srep16696']));
    expect(params(stub.urls[0]!).has('mailto')).toBe(false);
    expect(services.http.scheduler.limitOf('crossref')).toMatchObject({ perSecond: 5, concurrency: 1 });

    settings.email = EMAIL;
    settings.ncbiApiKey = 'k';
    await drive(services.crossref.worksByDoi(['10.1371/journal.pone.0033693']));
    expect(params(stub.urls[1]!).get('mailto')).toBe(EMAIL);
    // The recorded response says public pool, concurrency 1 (no rate header here): the limiter believes it.
    expect(services.http.scheduler.limitOf('crossref')).toMatchObject({ perSecond: 10, concurrency: 1 });
    await drive(services.ncbi.esummary(['28806736']));
    expect(services.http.scheduler.limitOf('eutils').perSecond).toBe(10);

    await drive(services.crossref.worksByDoi(['10.1038/srep16696']));
    expect(stub.urls).toHaveLength(3);
    expect([...storage.data.keys()]).toContain('rlcache:crossref:doi:10.1038/srep16696');
  });
});
