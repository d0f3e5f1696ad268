// @vitest-environment node
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TtlCache, type KeyValueStorage } from '../../src/background/net/cache';
import { ServiceError } from '../../src/background/net/http';
import { failureSummary, Resolver, type ResolverDeps } from '../../src/background/resolver';
import { Rejections } from '../../src/background/resolver/rejections';
import { createServices } from '../../src/background/services';
import type { CrossrefClient, CrossrefWork } from '../../src/background/services/crossref';
import { parseSearch } from '../../src/background/services/europepmc';
import type { CitationQuery, IdRecord, NcbiClient, PubmedSummary } from '../../src/background/services/ncbi';
import { parseUnpaywall } from '../../src/background/services/unpaywall';
import { DEFAULT_SETTINGS, type ServiceSwitches } from '../../src/core/settings';
import type { ReferenceInput } from '../../src/core/reference';
import { stubFetch } from '../fixtures/api-recorded/replay';

const FIXTURES = join(import.meta.dirname, '../fixtures/api-oa');
const json = (name: string): any => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));

/** In-memory storage.local stand-in for Rejections and the result cache. */
function memoryStorage(): KeyValueStorage & { get(keys: string | string[] | null): Promise<Record<string, unknown>> } {
  const data = new Map<string, unknown>();
  return {
    get: async (keys: string | string[] | null) => {
      const list = keys === null ? [...data.keys()] : Array.isArray(keys) ? keys : [keys];
      return Object.fromEntries(list.filter((k) => data.has(k)).map((k) => [k, structuredClone(data.get(k))]));
    },
    set: async (items: Record<string, unknown>) => {
      for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v));
    },
    remove: async (keys: string | string[]) => {
      for (const k of Array.isArray(keys) ? keys : [keys]) data.delete(k);
    },
  } as never;
}

/** A work with a DOI printed on the page. */
const DOI_REF: ReferenceInput = {
  n: 1,
  text: 'Smith J, Jones K. A printed DOI study. J Test. 2020;12:100-110. doi:10.1371/journal.pone.0311879',
  ids: { doi: '10.1371/journal.pone.0311879' },
  csl: {},
};
/** A structured journal reference without identifiers: ECitMatch can take it. */
const JOURNAL_REF: ReferenceInput = {
  n: 2,
  text: 'Brown A, Green B. Outcomes of a structured trial. Breast Cancer Res Treat. 2017;161:549-556.',
  ids: {},
  csl: {
    title: 'Outcomes of a structured trial',
    author: [{ family: 'Brown', given: 'A' }, { family: 'Green', given: 'B' }],
    'container-title': 'Breast Cancer Res Treat',
    issued: { 'date-parts': [[2017]] },
    volume: '161',
    page: '549-556',
  },
};
/** A book chapter: no ECitMatch query, so only Crossref can find it. */
const BOOK_REF: ReferenceInput = {
  n: 3,
  text: 'White C. A history of counting things. In: Black D, ed. Counting. Oxford University Press; 2001.',
  ids: {},
  csl: {
    title: 'A history of counting things',
    author: [{ family: 'White', given: 'C' }],
    'container-title': 'Counting',
    issued: { 'date-parts': [[2001]] },
  },
};
const REFS = [DOI_REF, JOURNAL_REF, BOOK_REF];
const FOUND_PMID = '28500000';
const FOUND_DOI = '10.5555/found.by.pubmed';

interface Calls {
  search: string[];
  worksByDoi: string[][];
  ecitmatch: CitationQuery[][];
  esummary: string[][];
  idconv: string[][];
  europepmc: string[][];
  openalex: string[][];
  unpaywall: string[][];
}

/** Stub clients with canned answers; every call is counted. */
function stubs(): { deps: Omit<ResolverDeps, 'rejections'>; calls: Calls } {
  const calls: Calls = { search: [], worksByDoi: [], ecitmatch: [], esummary: [], idconv: [], europepmc: [], openalex: [], unpaywall: [] };
  const epmc = parseSearch(json('europepmc-EXT_ID-39466770-retracted-OA.json'), [DOI_REF.ids.doi!]).get(DOI_REF.ids.doi!)!;
  const up = parseUnpaywall(json('unpaywall-10.1038_nature12373.json'), '10.1038/nature12373');
  const crossref = {
    searchBibliographic: async (text: string) => {
      calls.search.push(text);
      return [];
    },
    worksByDoi: async (dois: string[]) => {
      calls.worksByDoi.push(dois);
      return new Map<string, CrossrefWork>(dois.map((d) => [d, { DOI: d, title: ['From Crossref'] } as CrossrefWork]));
    },
  } as unknown as CrossrefClient;
  const summary: PubmedSummary = {
    pmid: FOUND_PMID,
    title: 'Outcomes of a structured trial.',
    authors: ['Brown A', 'Green B'],
    source: 'Breast Cancer Res Treat',
    fulljournalname: 'Breast cancer research and treatment',
    year: 2017,
    volume: '161',
    issue: '3',
    pages: '549-556',
    doi: FOUND_DOI,
    pubtypes: ['Journal Article'],
  };
  const ncbi = {
    ecitmatch: async (qs: CitationQuery[]) => {
      calls.ecitmatch.push(qs);
      return new Map(qs.map((q) => [q.key, FOUND_PMID]));
    },
    esummary: async (pmids: string[]) => {
      calls.esummary.push(pmids);
      return new Map(pmids.filter((p) => p === FOUND_PMID).map((p) => [p, summary]));
    },
    idconv: async (ids: string[]) => {
      calls.idconv.push(ids);
      return ids.map((id): IdRecord => ({ requestedId: id }));
    },
  } as unknown as NcbiClient;
  const enrichment: NonNullable<ResolverDeps['enrichment']> = {
    europepmc: {
      byDois: async (dois) => {
        calls.europepmc.push(dois);
        return new Map(dois.filter((d) => d === DOI_REF.ids.doi).map((d) => [d, epmc]));
      },
    },
    openalex: {
      enabled: true,
      byDois: async (dois) => {
        calls.openalex.push(dois);
        return new Map();
      },
    },
    unpaywall: {
      enabled: true,
      lookupMany: async (dois) => {
        calls.unpaywall.push(dois);
        return new Map(dois.map((d) => [d, { ...up, doi: d }]));
      },
    },
  };
  return { deps: { crossref, ncbi, enrichment }, calls };
}

const allOn = (): ServiceSwitches => ({ ...DEFAULT_SETTINGS.services });

describe('Resolver service switches', () => {
  let switches: ServiceSwitches;
  let calls: Calls;
  let resolver: Resolver;
  let storage: ReturnType<typeof memoryStorage>;

  beforeEach(() => {
    switches = allOn();
    storage = memoryStorage();
    const s = stubs();
    calls = s.calls;
    resolver = new Resolver({
      ...s.deps,
      rejections: new Rejections(storage as never),
      results: new TtlCache(storage, { namespace: 'rlref:' }),
      settings: () => ({ services: switches }),
    });
  });

  it('asks every service when all are on', async () => {
    const results = await resolver.resolve(REFS);
    expect(calls.ecitmatch).toHaveLength(1);
    expect(calls.esummary).toEqual([[FOUND_PMID]]);
    expect(calls.idconv).toHaveLength(1);
    expect(calls.search).toEqual([BOOK_REF.text]); // the journal reference was confirmed by PubMed
    expect(calls.worksByDoi).toHaveLength(1);
    expect(calls.europepmc).toHaveLength(1);
    expect(calls.openalex).toHaveLength(1);
    expect(results[0]!.flags?.map((f) => f.kind)).toContain('retracted');
    expect(results[1]!.pmid?.value).toBe(FOUND_PMID);
    expect(results[1]!.doi?.value).toBe(FOUND_DOI);
    // Unpaywall is the second phase.
    expect(calls.unpaywall).toEqual([]);
    expect((await resolver.openAccess([{ n: 1, doi: DOI_REF.ids.doi! }])).length).toBe(1);
    expect(calls.unpaywall).toHaveLength(1);
  });

  it('pubmed off: no ECitMatch, ESummary or ID converter call; PubMed-able references go to Crossref', async () => {
    switches.pubmed = false;
    const results = await resolver.resolve(REFS);
    expect(calls.ecitmatch).toEqual([]);
    expect(calls.esummary).toEqual([]);
    expect(calls.idconv).toEqual([]);
    expect(calls.search.sort()).toEqual([JOURNAL_REF.text, BOOK_REF.text].sort());
    expect(results[1]!.pmid).toBeUndefined();
    expect(results[0]!.doi?.value).toBe(DOI_REF.ids.doi); // page identifiers stay linked
  });

  it('crossref off: no search and no metadata request; the message says why nothing was found', async () => {
    switches.crossref = false;
    const results = await resolver.resolve(REFS);
    expect(calls.search).toEqual([]);
    expect(calls.worksByDoi).toEqual([]);
    expect(calls.ecitmatch).toHaveLength(1); // PubMed still answers
    expect(results[1]!.state).toBe('resolved');
    expect(results[2]!.state).toBe('unresolved');
    expect(results[2]!.message).toMatch(/Crossref.*switched off/);
    expect(results[0]!.csl.title).not.toBe('From Crossref');
  });

  it('Europe PMC, OpenAlex and Unpaywall off: none is asked, and the flag they gave is gone', async () => {
    Object.assign(switches, { europepmc: false, openalex: false, unpaywall: false });
    const results = await resolver.resolve(REFS);
    expect(calls.europepmc).toEqual([]);
    expect(calls.openalex).toEqual([]);
    expect(results[0]!.flags).toBeUndefined();
    expect(await resolver.openAccess([{ n: 1, doi: DOI_REF.ids.doi! }])).toEqual([]);
    expect(calls.unpaywall).toEqual([]);
    // Identification itself is untouched.
    expect(calls.ecitmatch).toHaveLength(1);
    expect(calls.search).toEqual([BOOK_REF.text]);
  });

  it('caches results per combination of switches, so switching a service off never serves its old answers', async () => {
    const first = await resolver.resolve([DOI_REF]);
    expect(first[0]!.flags?.length).toBeGreaterThan(0);
    await resolver.resolve([DOI_REF]);
    expect(calls.europepmc).toHaveLength(1); // second run came from the cache

    switches.europepmc = false;
    const off = await resolver.resolve([DOI_REF]);
    expect(off[0]!.flags).toBeUndefined();
    expect(calls.europepmc).toHaveLength(1);
    expect(calls.worksByDoi).toHaveLength(2); // resolved afresh, not from the all-on entry

    switches.europepmc = true;
    const back = await resolver.resolve([DOI_REF]);
    expect(back[0]!.flags).toEqual(first[0]!.flags);
    expect(calls.worksByDoi).toHaveLength(2); // the all-on entry is still there
  });

  it('reads the switches on every resolve and treats missing ones as on', async () => {
    const s = stubs();
    let settings: { services: Partial<ServiceSwitches> } = { services: {} };
    const r = new Resolver({ ...s.deps, rejections: new Rejections(memoryStorage() as never), settings: () => settings as never });
    await r.resolve([BOOK_REF]);
    expect(s.calls.search).toHaveLength(1);
    settings = { services: { crossref: false } };
    await r.resolve([BOOK_REF]);
    expect(s.calls.search).toHaveLength(1);
  });

  it('a failing service still yields results from the others, with a message that promises no automatic retry', async () => {
    const s = stubs();
    s.deps.enrichment!.europepmc.byDois = async () => {
      throw new ServiceError('europepmc', 'http', 'Europe PMC unavailable (HTTP 500)', { status: 500 });
    };
    s.deps.crossref.searchBibliographic = async () => {
      throw new ServiceError('crossref', 'network', 'Crossref unavailable, retrying in 30 s', { retryAfterMs: 30_000 });
    };
    const r = new Resolver({ ...s.deps, rejections: new Rejections(memoryStorage() as never) });
    const [doi, book] = await r.resolve([DOI_REF, BOOK_REF]);
    expect(doi!.state).toBe('resolved');
    expect(doi!.message).toBe('Europe PMC unavailable (HTTP 500)');
    expect(book!.state).toBe('error');
    // Nothing retries this reference by itself; the service is not asked again before then.
    expect(book!.message).toBe('Crossref unavailable, try again in 30 s');
  });
});

describe('Resolver citation items', () => {
  /** The identifiers a page shows for a result. */
  const shownIds = (r: Awaited<ReturnType<Resolver['resolve']>>[number]) => ({ doi: r.doi?.value, pmid: r.pmid?.value, pmcid: r.pmcid?.value });
  const callCount = (calls: Calls) => Object.values(calls).reduce((sum, list) => sum + list.length, 0);

  it("cites a cached result with its metadata, under the page's number, after a restart and without a service call", async () => {
    const storage = memoryStorage();
    const [result] = await new Resolver({ ...stubs().deps, rejections: new Rejections(storage as never), results: new TtlCache(storage, { namespace: 'rlref:' }) }).resolve([DOI_REF]);
    expect(result!.csl.title).toBe('From Crossref');
    await new Promise((resolve) => setTimeout(resolve, 0)); // the result cache writes after answering
    // A new worker: only storage is left.
    const s = stubs();
    const restarted = new Resolver({ ...s.deps, rejections: new Rejections(storage as never), results: new TtlCache(storage, { namespace: 'rlref:' }) });
    const [item] = await restarted.citationItems([{ ...DOI_REF, n: 7, shownIds: shownIds(result!) }]);
    expect(item).toMatchObject({ id: 'ref-7', title: 'From Crossref', DOI: DOI_REF.ids.doi });
    expect(callCount(s.calls)).toBe(0);
  });

  it('cites an uncached reference from its own fields with the identifiers the page shows, without a service call', async () => {
    const s = stubs();
    const resolver = new Resolver({ ...s.deps, rejections: new Rejections(memoryStorage() as never), results: new TtlCache(memoryStorage(), { namespace: 'rlref:' }) });
    const [book, pending] = await resolver.citationItems([
      { ...BOOK_REF, shownIds: { doi: '10.5555/book.found', pmid: '123' } },
      JOURNAL_REF, // not resolved yet: the page's own identifiers (none)
    ]);
    expect(book).toMatchObject({ id: 'ref-3', title: BOOK_REF.csl.title, 'container-title': 'Counting', DOI: '10.5555/book.found', PMID: '123' });
    expect(pending).toMatchObject({ id: 'ref-2', title: JOURNAL_REF.csl.title, volume: '161' });
    expect(pending!.DOI).toBeUndefined();
    expect(callCount(s.calls)).toBe(0);
  });

  it('cites a reference looked up by its linked DOI alone by its cached result, or else by what the page prints', async () => {
    const storage = memoryStorage();
    const linked: ReferenceInput = { n: 4, text: '', ids: { doi: DOI_REF.ids.doi }, csl: {} };
    const printedRest = {
      text: 'Smith J, Jones K. A printed DOI study. J Test. 2020;12:100-110.',
      ids: { doi: DOI_REF.ids.doi },
      csl: { type: 'article-journal' as const },
      printed: { authors: ['Smith J', 'Jones K'], title: 'A printed DOI study.', source: 'J Test. 2020;12:100-110.', journal: 'J Test' },
    };
    const resolver = new Resolver({ ...stubs().deps, rejections: new Rejections(storage as never), results: new TtlCache(storage, { namespace: 'rlref:' }) });
    // Not resolved yet: what the page prints, read when the citation is asked for.
    const [before] = await resolver.citationItems([{ ...linked, printedRest }]);
    expect(before).toMatchObject({ id: 'ref-4', title: 'A printed DOI study', DOI: DOI_REF.ids.doi });
    expect(before!.author?.[0]?.family).toBe('Smith');
    // Resolved as sent (no text): the same reference with its printed rest finds that result.
    const [result] = await resolver.resolve([linked]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const [after] = await resolver.citationItems([{ ...linked, printedRest, shownIds: shownIds(result!) }]);
    expect(after).toMatchObject({ id: 'ref-4', title: 'From Crossref', DOI: DOI_REF.ids.doi });
  });

  it('fills the citation of a reference looked up by its linked DOI alone from what the page prints when no metadata came', async () => {
    const s = stubs();
    s.deps.crossref.worksByDoi = async () => {
      throw new ServiceError('crossref', 'http', 'Crossref unavailable (HTTP 500)', { status: 500 });
    };
    const resolver = new Resolver({ ...s.deps, rejections: new Rejections(memoryStorage() as never), results: new TtlCache(memoryStorage(), { namespace: 'rlref:' }) });
    const linked: ReferenceInput = { n: 6, text: '', ids: { doi: DOI_REF.ids.doi }, csl: {} };
    const [result] = await resolver.resolve([linked]);
    expect(result!.csl.title).toBeUndefined();
    const printedRest = { text: 'Smith J. A printed DOI study. J Test. 2020;12:100-110.', ids: {}, csl: {}, printed: { authors: ['Smith J'], title: 'A printed DOI study.', source: 'J Test. 2020;12:100-110.', journal: 'J Test' } };
    const [item] = await resolver.citationItems([{ ...linked, printedRest, shownIds: shownIds(result!) }]);
    expect(item).toMatchObject({ id: 'ref-6', title: 'A printed DOI study', DOI: DOI_REF.ids.doi, volume: '12' });
  });

  it('parses a text-only reference for its citation, even when a DOI was found for it', async () => {
    const resolver = new Resolver({ ...stubs().deps, rejections: new Rejections(memoryStorage() as never) });
    const [item] = await resolver.citationItems([{ n: 5, text: JOURNAL_REF.text, ids: {}, csl: {}, shownIds: { doi: FOUND_DOI } }]);
    expect(item!.id).toBe('ref-5');
    expect(item!.DOI).toBe(FOUND_DOI);
    expect(item!.title).toMatch(/structured trial/);
    expect(item!.author?.[0]?.family).toBe('Brown');
  });

  it('keeps the metadata of a result the cache does not keep (a service failed), while the page shows its identifiers', async () => {
    const s = stubs();
    s.deps.enrichment!.europepmc.byDois = async () => {
      throw new ServiceError('europepmc', 'http', 'Europe PMC unavailable (HTTP 500)', { status: 500 });
    };
    const storage = memoryStorage();
    const resolver = new Resolver({ ...s.deps, rejections: new Rejections(storage as never), results: new TtlCache(storage, { namespace: 'rlref:' }) });
    const [result] = await resolver.resolve([DOI_REF]);
    expect(result!.message).toBe('Europe PMC unavailable (HTTP 500)');
    const [item] = await resolver.citationItems([{ ...DOI_REF, shownIds: shownIds(result!) }]);
    expect(item).toMatchObject({ id: 'ref-1', title: 'From Crossref', DOI: DOI_REF.ids.doi });
    // Identifiers the page no longer shows (rejected since): the result is not used.
    const [other] = await resolver.citationItems([{ ...JOURNAL_REF, shownIds: { doi: FOUND_DOI } }]);
    expect(other!.title).toBe(JOURNAL_REF.csl.title);
  });

  it('does not use a result whose identifiers differ from those the page shows', async () => {
    const storage = memoryStorage();
    const resolver = new Resolver({ ...stubs().deps, rejections: new Rejections(storage as never), results: new TtlCache(storage, { namespace: 'rlref:' }) });
    const [, journal] = await resolver.resolve([DOI_REF, JOURNAL_REF]);
    expect(journal!.pmid?.value).toBe(FOUND_PMID);
    const [cited] = await resolver.citationItems([{ ...JOURNAL_REF, shownIds: { ...shownIds(journal!), pmid: undefined } }]);
    expect(cited!.PMID).toBeUndefined();
    expect(cited!.DOI).toBe(FOUND_DOI);
    expect(cited!.title).toBe(JOURNAL_REF.csl.title);
    const [same] = await resolver.citationItems([{ ...JOURNAL_REF, shownIds: shownIds(journal!) }]);
    expect(same).toEqual(journal!.csl);
  });
});

describe('Resolver overlap', () => {
  /** A journal reference ECitMatch does not find. */
  const MISS_REF: ReferenceInput = {
    n: 4,
    text: 'Grey E, Blue F. An unindexed journal study. Obscure J. 2019;3:10-20.',
    ids: {},
    csl: {
      title: 'An unindexed journal study',
      author: [{ family: 'Grey', given: 'E' }, { family: 'Blue', given: 'F' }],
      'container-title': 'Obscure J',
      issued: { 'date-parts': [[2019]] },
      volume: '3',
      page: '10-20',
    },
  };
  const BOOK_DOI = '10.5555/book.found';
  const BOOK_WORK = {
    DOI: BOOK_DOI,
    title: ['A history of counting things'],
    author: [{ family: 'White', given: 'C' }],
    'container-title': ['Counting'],
    issued: { 'date-parts': [[2001]] },
    type: 'book-chapter',
    score: 80,
    'updated-by': [{ DOI: '10.5555/book.retraction', type: 'retraction' }],
  } as CrossrefWork;

  it('searches each reference as soon as PubMed has answered for it, queues metadata last and looks up ids and copies while it runs', async () => {
    const events: string[] = [];
    const gates = new Map<string, () => void>();
    /** Records the call, then answers only when the test releases it. */
    const held = async <T>(name: string, value: T): Promise<T> => {
      events.push(`start ${name}`);
      await new Promise<void>((r) => gates.set(name, r));
      events.push(`end ${name}`);
      return value;
    };
    const settle = async () => {
      for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 0));
    };
    const release = async (...names: string[]) => {
      for (const n of names) gates.get(n)!();
      await settle();
    };
    const s = stubs();
    const args: Record<string, string[]> = {};
    s.deps.crossref.searchBibliographic = (text: string) =>
      text === BOOK_REF.text ? held('search book', [BOOK_WORK]) : held('search miss', []);
    s.deps.crossref.worksByDoi = (dois: string[]) => {
      args.metadata = dois;
      return held('metadata', new Map(dois.map((d) => [d, { DOI: d, title: ['From Crossref'] } as CrossrefWork])));
    };
    s.deps.ncbi.ecitmatch = (qs: CitationQuery[]) =>
      held('ecitmatch', new Map(qs.map((q) => [q.key, q.key === String(JOURNAL_REF.n) ? FOUND_PMID : null])));
    const esummary = s.deps.ncbi.esummary.bind(s.deps.ncbi);
    s.deps.ncbi.esummary = async (pmids: string[]) => held('esummary', await esummary(pmids));
    s.deps.ncbi.idconv = (ids: string[]) => {
      args.idconv = ids;
      return held('idconv', []);
    };
    s.deps.enrichment!.europepmc.byDois = (dois: string[]) => {
      args.europepmc = dois;
      return held('europepmc', new Map());
    };
    const r = new Resolver({ ...s.deps, rejections: new Rejections(memoryStorage() as never) });
    const resolving = r.resolve([DOI_REF, JOURNAL_REF, BOOK_REF, MISS_REF]);
    await settle();
    // The book cannot go to PubMed: it is searched while ECitMatch runs.
    expect(events.sort()).toEqual(['start ecitmatch', 'start search book']);
    await release('ecitmatch');
    // ECitMatch found nothing for the other journal reference: searched at once, alongside ESummary.
    expect(events.slice(3).sort()).toEqual(['start esummary', 'start search miss']);
    await release('esummary');
    // PubMed has answered: metadata for the page's DOI and PubMed's, queued behind the searches.
    expect(events.at(-1)).toBe('start metadata');
    expect(args.metadata?.sort()).toEqual([DOI_REF.ids.doi!, FOUND_DOI].sort());
    expect(events).not.toContain('start idconv');
    await release('search book', 'search miss');
    // Every DOI is known: the ID converter and Europe PMC run while the metadata request is still out.
    expect(events).toContain('start idconv');
    expect(events).toContain('start europepmc');
    expect(events).not.toContain('end metadata');
    expect(args.europepmc?.sort()).toEqual([DOI_REF.ids.doi!, FOUND_DOI, BOOK_DOI].sort());
    expect(args.idconv).toContain(BOOK_DOI);
    await release('idconv', 'europepmc', 'metadata');
    const results = await resolving;
    expect(results.map((x) => x.state)).toEqual(['resolved', 'resolved', 'resolved', 'unresolved']);
    expect(results[2]!.doi?.value).toBe(BOOK_DOI);
    // The matched search result is the book's Crossref work: no second request for it, and its notice is a flag.
    expect(args.metadata).not.toContain(BOOK_DOI);
    expect(results[2]!.flags?.map((f) => f.kind)).toEqual(['retracted']);
    expect(results[0]!.csl.title).toBe('From Crossref');
  });
});

describe('Resolver deadline', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const budget = { budgetMs: 3_000, idleMs: 2_000, lateMs: 1_000 };
  /** The real network layer and clients over a stubbed fetch, with a small deadline. */
  function resolverOver(fetch: typeof globalThis.fetch) {
    const services = createServices({ settings: () => ({}), http: { fetch, random: () => 0.5 } });
    const resolver = new Resolver({
      crossref: services.crossref,
      ncbi: services.ncbi,
      enrichment: { unpaywall: services.unpaywall, europepmc: services.europepmc, openalex: services.openalex },
      rejections: new Rejections(memoryStorage() as never),
      results: new TtlCache(memoryStorage(), { namespace: 'rlref:' }),
      deadline: budget,
    });
    return { resolver, http: services.http };
  }
  /** Resolves while fake time runs; answers the results and when they came. */
  async function timed(resolving: Promise<unknown>, ms: number) {
    const t0 = Date.now();
    let at: number | undefined;
    void resolving.then(() => (at = Date.now() - t0));
    await vi.advanceTimersByTimeAsync(ms);
    if (at === undefined) throw new Error(`still resolving after ${ms} ms`);
    return { at, results: await resolving };
  }

  it('with every service silent, ends each reference at the deadline with the services that did not answer, keeps page identifiers, and asks again next time', async () => {
    const stub = stubFetch(
      (_u, _n, init) =>
        new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))),
    );
    const { resolver, http } = resolverOver(stub.fetch);
    const { at, results } = await timed(resolver.resolve([DOI_REF, JOURNAL_REF, BOOK_REF]), 10_000);
    // The budget (3 s) and the last window (1 s), not the 10 s per-request timeout chained over the steps.
    expect(at).toBeLessThanOrEqual(4_000);
    const [doi, journal, book] = results as Awaited<ReturnType<Resolver['resolve']>>;
    expect(doi).toMatchObject({ state: 'resolved', doi: { value: DOI_REF.ids.doi, source: 'page' } });
    // ECitMatch was cut at the deadline; by then the book's search had shown Crossref silent, so it was not asked again.
    expect(journal).toMatchObject({ state: 'error', message: 'PubMed did not answer in time; Crossref not answering, try again in 30 s' });
    expect(book).toMatchObject({ state: 'error', message: 'Crossref did not answer in time' });
    // The page DOI's metadata waited behind the silent searches; the ID converter and Europe PMC got the last window.
    expect(doi!.message).toBe('Crossref not answering, try again in 30 s; PubMed Central and Europe PMC did not answer in time');
    for (const r of results as Array<{ message?: string }>) expect(r.message!.length).toBeLessThanOrEqual(120);
    // Both are paused for the cool-down, so another batch is told at once instead of waiting again.
    expect(http.statusOf('eutils')).toBe('unavailable');
    expect(http.statusOf('crossref')).toBe('unavailable');

    // The page's next batch does not wait out another deadline: the silent services are not asked again yet.
    const asked = stub.urls.length;
    const nextBatch = await timed(resolver.resolve([{ ...JOURNAL_REF, n: 4, text: `${JOURNAL_REF.text} ` }]), 100);
    expect(nextBatch.at).toBeLessThan(100);
    expect(stub.urls.length).toBe(asked);
    // Nothing failed is remembered: once the services' cool-down is over, the next visit asks them again.
    await vi.advanceTimersByTimeAsync(30_000);
    const before = stub.urls.length;
    await timed(resolver.resolve([DOI_REF, JOURNAL_REF, BOOK_REF]), 10_000);
    expect(stub.urls.filter((u) => u.includes('ecitmatch')).length).toBe(2);
    expect(stub.urls.length).toBeGreaterThan(before);
  });

  it('lets the batches of one page share its deadline, so a page with silent services waits once', async () => {
    const stub = stubFetch(
      (_u, _n, init) =>
        new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))),
    );
    const { resolver } = resolverOver(stub.fetch);
    // Only the book: its search is the one request of the first batch, so the ID converter is never tried there.
    const first = await timed(resolver.resolve([BOOK_REF], 'tab 1'), 4_000);
    expect(first.at).toBeLessThanOrEqual(4_000);
    // The next batch of the same page names a DOI: the ID converter and Europe PMC were not asked yet, but the
    // page's time is out, so they are not waited for.
    const asked = stub.urls.length;
    const second = await timed(resolver.resolve([DOI_REF], 'tab 1'), 100);
    expect(second.at).toBeLessThan(100);
    expect(stub.urls.length).toBe(asked);
    expect((second.results as Awaited<ReturnType<Resolver['resolve']>>)[0]).toMatchObject({ state: 'resolved', doi: { source: 'page' } });
    // Another page has its own deadline: it asks the services not yet paused.
    const other = await timed(resolver.resolve([{ ...DOI_REF, n: 9 }], 'tab 2'), 10_000);
    expect(other.at).toBeGreaterThan(1_000);
    expect(stub.urls.length).toBeGreaterThan(asked);
  });

  it('does not cut a long list while the services keep answering', async () => {
    // Twelve references only Crossref can take, answered in 500 ms each, one at a time: 6 s, past the 3 s budget.
    const refs: ReferenceInput[] = Array.from({ length: 12 }, (_, i) => ({
      ...BOOK_REF,
      n: i + 1,
      text: `${BOOK_REF.text} Volume ${i + 1}.`,
      csl: { ...BOOK_REF.csl, title: `A history of counting things, volume ${i + 1}` },
    }));
    const stub = stubFetch(
      () => new Promise<Response>((resolve) => setTimeout(() => resolve(new Response(JSON.stringify({ status: 'ok', message: { items: [] } }))), 500)),
    );
    const { resolver } = resolverOver(stub.fetch);
    const { at, results } = await timed(resolver.resolve(refs), 20_000);
    expect(at).toBeGreaterThan(5_000);
    expect(stub.urls.filter((u) => u.includes('query.bibliographic'))).toHaveLength(12);
    for (const r of results as Array<{ state: string; message?: string }>) {
      expect(r).toMatchObject({ state: 'unresolved', message: 'No confident match found.' });
    }
  });

  it('does not cut the later batches of a long page while the services keep answering', async () => {
    const stub = stubFetch(
      () => new Promise<Response>((resolve) => setTimeout(() => resolve(new Response(JSON.stringify({ status: 'ok', message: { items: [] } }))), 500)),
    );
    const { resolver } = resolverOver(stub.fetch);
    // Three batches of eight, one after another as the content script sends them: 4 s each, 12 s in all.
    for (let b = 0; b < 3; b++) {
      const refs: ReferenceInput[] = Array.from({ length: 8 }, (_, i) => ({
        ...BOOK_REF,
        n: b * 8 + i + 1,
        text: `${BOOK_REF.text} Volume ${b * 8 + i + 1}.`,
      }));
      const { at, results } = await timed(resolver.resolve(refs, 'tab 1'), 5_000);
      expect(at).toBeGreaterThan(3_500);
      for (const r of results as Array<{ state: string; message?: string }>) {
        expect(r).toMatchObject({ state: 'unresolved', message: 'No confident match found.' });
      }
    }
    expect(stub.urls.filter((u) => u.includes('query.bibliographic'))).toHaveLength(24);
  });
});

describe('failureSummary', () => {
  it('names services that failed alike together, keeps the first failure of each service, and stays within 120 characters', () => {
    expect(failureSummary(['PubMed did not answer in time', 'Crossref did not answer in time'])).toBe('PubMed and Crossref did not answer in time');
    expect(
      failureSummary(['PubMed unavailable (HTTP 500)', 'Crossref unavailable (HTTP 500)', 'Crossref unavailable, try again in 30 s', 'Europe PMC not asked (out of time)']),
    ).toBe('PubMed and Crossref unavailable (HTTP 500); Europe PMC not asked (out of time)');
    // PubMed Central is not PubMed.
    expect(failureSummary(['PubMed Central not asked (out of time)', 'PubMed not asked (out of time)'])).toBe(
      'PubMed Central and PubMed not asked (out of time)',
    );
    const long = failureSummary([`Crossref refused the request (HTTP 400: ${'x'.repeat(200)})`, 'PubMed did not answer in time']);
    expect(long).toHaveLength(120);
    expect(long.endsWith('…')).toBe(true);
    expect(failureSummary(['Lookup failed: boom'])).toBe('Lookup failed: boom');
  });
});
