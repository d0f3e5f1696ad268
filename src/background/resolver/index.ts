/**
 * Resolves a page's references, batching every service call across the batch and overlapping what can overlap:
 *  1. identifiers printed on the page;
 *  2. journal references without identifiers: ONE ECitMatch request, then ONE ESummary request confirming each PMID
 *     by author, year and title;
 *  3. the rest: Crossref query.bibliographic per reference, validated SBMV-style (src/core/match); a reference
 *     PubMed cannot take is searched at once, one PubMed did not match as soon as PubMed has said so;
 *  4. Crossref filter=doi batches for full citation metadata of every DOI known once PubMed has answered (queued
 *     behind the searches: a search result is already a full work);
 *  5. once the searches are done, in parallel: the PMC ID converter for PMIDs/PMCIDs of every DOI (and DOIs of every
 *     PMID) still missing one, and Europe PMC (OpenAlex with a key) for copies and flags.
 * A failing service leaves the other results intact; final results are cached per reference.
 * Each run has a deadline (net/deadline): a service that does not answer in time is given up, and its references
 * say so instead of staying pending; what was found is kept, and nothing failed is cached, so the next visit asks again.
 */
import type { CslItem } from '../../core/csl';
import { issuedYear } from '../../core/csl';
import { normalizeTitle, workKeys } from '../../core/identifiers';
import { matchReference, SEARCH_ROWS } from '../../core/match';
import { parseReference } from '../../core/parse';
import { withPrintedCsl } from '../../core/printed';
import { DEFAULT_SETTINGS, SERVICE_IDS, type ServiceSwitches, type Settings } from '../../core/settings';
import {
  cslFromPage,
  type CitedReference,
  type Flag,
  type Identifiers,
  type LinkedId,
  type OpenAccessCopy,
  type ReferenceInput,
  type ReferenceResult,
  withPrintedRest,
} from '../../core/reference';
import type { TtlCache } from '../net/cache';
import { Deadline, RESOLVE_DEADLINE, type DeadlineOptions } from '../net/deadline';
import { isServiceError, SERVICE_LABELS } from '../net/http';
import type { CrossrefClient } from '../services/crossref';
import type { CrossrefWork } from '../services/crossref';
import type { CitationQuery, NcbiClient, PubmedSummary } from '../services/ncbi';
import { enrich, enrichment, lookupSources, type EnrichClients, type EnrichSources } from './enrich';
import { confirmPubmed, cslFromCrossref, cslFromPubmed } from './metadata';
import type { Rejections } from './rejections';

export interface ResolverDeps {
  crossref: CrossrefClient;
  ncbi: NcbiClient;
  rejections: Rejections;
  /** Open-access and retraction sources; without them no copies or flags are looked up. */
  enrichment?: Omit<EnrichClients, 'crossrefWorks'>;
  /** Final results per reference fingerprint. */
  results?: TtlCache;
  /** The user's current settings, read once per resolve; switched-off services are skipped. Default: all on. */
  settings?: () => Pick<Settings, 'services'>;
  /** How long a resolve run waits for services (default RESOLVE_DEADLINE). */
  deadline?: Partial<DeadlineOptions>;
}

/** Working state of one reference while it is resolved. */
interface Work {
  ref: ReferenceInput;
  fingerprint: string;
  /** Results depend on the services asked, so each combination of switches has its own cache entry. */
  cacheKey: string;
  csl: CslItem;
  doi?: LinkedId;
  pmid?: LinkedId;
  pmcid?: LinkedId;
  rejected: Set<string>;
  /** The result remembered from an earlier lookup, when there is one. */
  cached?: ReferenceResult;
  /** The Crossref work of the DOI (the matched search result, or the filter=doi answer): its `updated-by` gives flags. */
  crossref?: CrossrefWork;
  /** Short messages from services that failed for this reference. */
  failures: string[];
  oa?: OpenAccessCopy;
  flags?: Flag[];
}

const RESULT_CACHE_VERSION = 1;

interface CachedResult {
  v: number;
  r: Omit<ReferenceResult, 'n'>;
}

/** A stable fingerprint of what the page shows for a reference (text and page identifiers). */
export function referenceFingerprint(ref: Pick<ReferenceInput, 'text' | 'ids'>): string {
  const s = `${normalizeTitle(ref.text)}|${ref.ids.doi ?? ''}|${ref.ids.pmid ?? ''}|${ref.ids.pmcid ?? ''}`;
  // FNV-1a, 2 × 32 bits: short keys, collisions negligible for cache use.
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return `${(h1 >>> 0).toString(36)}${(h2 >>> 0).toString(36)}:${s.length}`;
}

/**
 * Page CSL, completed by the reference parser where the adapter had no structure and the page gives no
 * identifier (identified works get their metadata from Crossref or PubMed instead; the parser model is costly to
 * load). `evenIdentified`: parse identified ones too (their metadata is not coming).
 */
function structuredCsl(ref: ReferenceInput, evenIdentified = false): CslItem {
  const page = cslFromPage(ref);
  const identified = !evenIdentified && !!(ref.ids.doi || ref.ids.pmid);
  const needsParse = !identified && (!page.title || !page.author?.length || !page['container-title'] || !page.issued);
  if (!needsParse) return page;
  const parsed = parseReference(ref.text).csl;
  const merged = { ...parsed, ...page } as CslItem;
  for (const k of Object.keys(page) as Array<keyof CslItem>) {
    const v = page[k];
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) (merged as unknown as Record<string, unknown>)[k] = parsed[k];
  }
  return merged;
}

const pageId = (value: string | undefined): LinkedId | undefined => (value ? { value, source: 'page' } : undefined);
/**
 * An identifier mapped from another one (PMID → DOI by PubMed, DOI → PMCID by the ID converter) was looked up, not
 * printed: it is exactly as certain as the identifier it came from (1 for one printed on the page).
 */
const derived = (value: string | undefined, from: LinkedId | undefined): LinkedId | undefined =>
  value && from ? { value, source: 'lookup', confidence: from.source === 'page' ? 1 : from.confidence } : undefined;

function firstAuthorForCitmatch(csl: CslItem): string | undefined {
  const a = csl.author?.[0];
  if (!a?.family) return undefined;
  const initials = (a.given ?? '').replace(/[^A-Za-z]/g, '').slice(0, 2);
  return `${a.family} ${initials}`.trim();
}

const firstPage = (page: string | undefined) => page?.split(/[-–—]/)[0]?.trim() || undefined;

/** Results not in the result cache (a service failed for them) kept in memory for citations, at most this many. */
const MAX_UNCACHED_RESULTS = 2000;

/** A page's next batch arrives this soon after the previous one ends (the content script sends them in turn). */
const NEXT_BATCH_MS = 2_000;

interface PageRun {
  deadline: Deadline;
  runs: number;
  releasedAt: number;
}

export class Resolver {
  /** One deadline per page, shared by its batches, so a page with silent services waits once, not once per batch. */
  private readonly pages = new Map<string, PageRun>();
  /** Recent results the result cache does not keep (failures are not cached), by cache key, oldest first. */
  private readonly uncached = new Map<string, ReferenceResult>();

  constructor(private readonly deps: ResolverDeps) {}

  /** `page` names the document the references come from (never sent anywhere); its batches share one deadline. */
  async resolve(refs: ReferenceInput[], page?: string): Promise<ReferenceResult[]> {
    // From the request on: the page's wait includes reading the cache and parsing.
    const deadline = this.acquireDeadline(page);
    try {
      const on = this.switches();
      const works = await this.prepare(refs.map(withPrintedCsl), on);
      const todo = works.filter((w) => !w.cached);
      for (const w of todo) w.csl = structuredCsl(w.ref);
      if (todo.length) await this.lookup(todo, on, deadline);
      const results = works.map((w) => w.cached ?? this.result(w, on));
      // Not awaited: the page gets its answer now; the write only matters for the next visit (and the cache's
      // memory layer has the results at once, for citations).
      void this.store(todo, results);
      this.keepUncached(todo, results);
      return results;
    } finally {
      this.releaseDeadline(page, deadline);
    }
  }

  private acquireDeadline(page: string | undefined): Deadline {
    const opts = { ...RESOLVE_DEADLINE, ...this.deps.deadline };
    if (page === undefined) return new Deadline(opts);
    const run = this.pages.get(page);
    if (run && (run.runs > 0 || Date.now() - run.releasedAt < NEXT_BATCH_MS)) {
      run.runs++;
      return run.deadline;
    }
    run?.deadline.dispose();
    const fresh: PageRun = { deadline: new Deadline(opts), runs: 1, releasedAt: 0 };
    this.pages.set(page, fresh);
    return fresh.deadline;
  }

  private releaseDeadline(page: string | undefined, deadline: Deadline): void {
    const run = page === undefined ? undefined : this.pages.get(page);
    if (!run || run.deadline !== deadline) {
      deadline.dispose();
      return;
    }
    run.runs--;
    run.releasedAt = Date.now();
    // A batch answered is progress: the next one is not cut for the time this one took (unless time already ran out).
    run.deadline.progress();
    if (run.runs > 0) return;
    setTimeout(() => {
      if (run.runs > 0 || this.pages.get(page!) !== run) return;
      run.deadline.dispose();
      this.pages.delete(page!);
    }, NEXT_BATCH_MS);
  }

  /** Steps 2-5 of the module comment for references not answered from the result cache. */
  private async lookup(todo: Work[], on: ServiceSwitches, d: Deadline): Promise<void> {
    const searches: Promise<void>[] = [];
    const search = (rest: Work[]) => {
      if (on.crossref && rest.length) searches.push(this.crossrefMatch(rest, d));
    };
    if (on.pubmed) {
      search(todo.filter((w) => !w.doi && !w.pmid && !this.citationQuery(w)));
      await this.pubmedMatch(todo, search, d);
    } else {
      search(todo);
    }
    // Queued after every search, so the DOIs the last searches find are looked up below while this one runs.
    const metadata = on.crossref ? this.metadata(todo.filter((w) => w.doi && !w.crossref), d) : Promise.resolve();
    await Promise.all(searches);
    const asked = new Set(todo.flatMap((w) => (w.doi ? [w.doi.value] : [])));
    const sources = this.lookupSources(todo, on, d);
    await Promise.all([on.pubmed ? this.crossIds(todo, d) : undefined, metadata, sources]);
    // DOIs only the ID converter knew (PubMed's summary normally gives them) get the same lookups.
    const late = todo.filter((w) => w.doi && !asked.has(w.doi.value));
    const lateSources = late.length
      ? Promise.all([on.crossref ? this.metadata(late, d) : undefined, this.lookupSources(late, on, d)]).then(([, s]) => s)
      : undefined;
    if (this.deps.enrichment) this.applyEnrichment(todo, mergeSources(await sources, await lateSources));
  }

  /**
   * Open-access copies with every source, Unpaywall included (its answers are cached; Europe PMC and OpenAlex
   * answers come from the cache of the first phase). Returns only references that gain a copy.
   */
  async openAccess(refs: Array<{ n: number; doi: string; pmcid?: string }>): Promise<Array<{ n: number; oa: OpenAccessCopy }>> {
    const clients = this.deps.enrichment;
    const on = this.switches();
    if (!clients?.unpaywall.enabled || !on.unpaywall || refs.length === 0) return [];
    const out = await enrich(refs, clients, { services: { unpaywall: true, europepmc: on.europepmc, openalex: on.openalex } });
    return refs.flatMap((r, i) => (out[i]?.oa ? [{ n: r.n, oa: out[i]!.oa! }] : []));
  }

  /**
   * The CSL items to cite the given references with, ids `ref-<n>`, without any network call: a result's metadata
   * while the resolver still has it (result cache, or memory for results the cache does not keep), else the
   * reference's own structure (parsed from its text where the page gave none) with the identifiers the page shows.
   * A result is used only when its identifiers are those the page shows (it may be older than a rejection).
   */
  async citationItems(pageRefs: CitedReference[]): Promise<CslItem[]> {
    const on = this.switches();
    // Keyed as resolved: a reference looked up by its identifiers alone keeps its printed rest apart.
    const keys = pageRefs.map((ref) => cacheKey(referenceFingerprint(ref), on));
    const cached = await this.cachedResults(keys);
    return pageRefs.map((ref, i) => {
      const shown = ref.shownIds ?? ref.ids;
      const known = cached[i] ?? this.uncached.get(keys[i]!);
      const fromPage = () => structuredCsl(withPrintedCsl(withPrintedRest(ref)), true);
      if (known && sameIds(known, shown)) {
        const item: CslItem = { ...known.csl, id: `ref-${ref.n}` };
        if (!ref.printedRest || item.title) return item;
        // Looked up by its identifiers alone, and no metadata came for it: what the page prints fills the gaps.
        const printed = fromPage() as unknown as Record<string, unknown>;
        for (const [field, value] of Object.entries(item)) if (value !== undefined) printed[field] = value;
        return printed as unknown as CslItem;
      }
      const csl = fromPage();
      for (const [field, id] of [['DOI', shown.doi], ['PMID', shown.pmid], ['PMCID', shown.pmcid]] as const) {
        if (id) csl[field] = id;
        else delete csl[field];
      }
      return csl;
    });
  }

  /** Resolves one reference again after the user rejected some of its identifiers. */
  async reject(ref: ReferenceInput, values: string[]): Promise<ReferenceResult> {
    await this.deps.rejections.add(referenceFingerprint(ref), values);
    await this.deps.results?.delete([cacheKey(referenceFingerprint(ref), this.switches())]);
    const [result] = await this.resolve([ref]);
    return result!;
  }

  /** The user's service switches; a missing or partial value counts as on. */
  private switches(): ServiceSwitches {
    return { ...DEFAULT_SETTINGS.services, ...this.deps.settings?.().services };
  }

  /** Working state of every reference; rejections and cached results come in one round of storage reads. */
  private async prepare(refs: ReferenceInput[], on: ServiceSwitches): Promise<Work[]> {
    const fingerprints = refs.map(referenceFingerprint);
    const keys = fingerprints.map((f) => cacheKey(f, on));
    const [rejected, cached] = await Promise.all([
      Promise.all(fingerprints.map((f) => this.deps.rejections.get(f))),
      this.cachedResults(keys),
    ]);
    return refs.map((ref, i) => {
      const w: Work = {
        ref,
        fingerprint: fingerprints[i]!,
        cacheKey: keys[i]!,
        csl: cslFromPage(ref),
        doi: pageId(ref.ids.doi),
        pmid: pageId(ref.ids.pmid),
        pmcid: pageId(ref.ids.pmcid),
        rejected: rejected[i]!,
        failures: [],
      };
      const hit = cached[i];
      if (hit && ![hit.doi, hit.pmid, hit.pmcid].some((id) => id && w.rejected.has(id.value))) {
        w.cached = { ...hit, n: ref.n, csl: { ...hit.csl, id: `ref-${ref.n}` } };
      }
      return w;
    });
  }

  /** The result cache's entries under `keys`, in order (undefined where missing or of an older format). */
  private async cachedResults(keys: string[]): Promise<Array<CachedResult['r'] | undefined>> {
    const hits = (await this.deps.results?.getMany<CachedResult>(keys)) ?? new Map<string, { value: CachedResult }>();
    return keys.map((key) => {
      const hit = hits.get(key)?.value;
      return hit?.v === RESULT_CACHE_VERSION ? hit.r : undefined;
    });
  }

  /** Remembers the results of this run that the result cache does not keep; forgets older runs' for the same keys. */
  private keepUncached(todo: Work[], results: ReferenceResult[]): void {
    const byN = new Map(results.map((r) => [r.n, r]));
    for (const w of todo) {
      this.uncached.delete(w.cacheKey);
      if (w.failures.length) this.uncached.set(w.cacheKey, byN.get(w.ref.n)!);
    }
    for (const key of this.uncached.keys()) {
      if (this.uncached.size <= MAX_UNCACHED_RESULTS) break;
      this.uncached.delete(key);
    }
  }

  private async store(todo: Work[], results: ReferenceResult[]): Promise<void> {
    if (!this.deps.results) return;
    const clean = new Set(todo.filter((w) => w.failures.length === 0).map((w) => w.ref.n));
    const entries = results
      .filter((r) => clean.has(r.n))
      .map((r) => {
        const w = todo.find((x) => x.ref.n === r.n)!;
        const { n: _n, ...rest } = r;
        return { key: w.cacheKey, value: { v: RESULT_CACHE_VERSION, r: rest } };
      });
    if (entries.length) await this.deps.results.setMany(entries);
  }

  private note(works: Work[], err: unknown): void {
    const message = referenceMessage(isServiceError(err) ? err.message : `Lookup failed: ${(err as Error)?.message ?? err}`);
    for (const w of works) if (!w.failures.includes(message)) w.failures.push(message);
  }

  /** One service call under the run's deadline; an answer shows the run is not stalled. */
  private async ask<T>(d: Deadline, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const value = await call(d.signal);
    d.progress();
    return value;
  }

  /** The ECitMatch query of a reference without identifiers, when its structure allows one. */
  private citationQuery(w: Work): CitationQuery | undefined {
    if (w.doi || w.pmid) return undefined;
    const q: CitationQuery = {
      key: String(w.ref.n),
      journal: w.csl['container-title-short'] ?? w.csl['container-title'] ?? '',
      year: issuedYear(w.csl),
      volume: w.csl.volume,
      firstPage: firstPage(w.csl.page),
      author: firstAuthorForCitmatch(w.csl),
    };
    return q.journal && q.year && (q.volume || q.firstPage) && q.author ? q : undefined;
  }

  /**
   * ECitMatch for journal references without identifiers, confirmed by ESummary (which also serves page PMIDs).
   * References PubMed does not confirm are handed to `search` as early as possible; resolves once PubMed has answered.
   */
  private async pubmedMatch(works: Work[], search: (rest: Work[]) => void, d: Deadline): Promise<void> {
    const queries = works.flatMap((w) => {
      const q = this.citationQuery(w);
      return q ? [{ w, q }] : [];
    });
    const proposed = new Map<Work, string>();
    if (queries.length) {
      try {
        const answers = await this.ask(d, (signal) => this.deps.ncbi.ecitmatch(queries.map(({ q }) => q), signal));
        for (const { w, q } of queries) {
          const pmid = answers.get(q.key);
          if (pmid && !w.rejected.has(pmid)) proposed.set(w, pmid);
        }
      } catch (err) {
        this.note(queries.map(({ w }) => w), err);
      }
      search(queries.map(({ w }) => w).filter((w) => !proposed.has(w)));
    }

    const pagePmidsWithoutDoi = works.filter((w) => w.pmid && !w.doi);
    const toSummarise = [...new Set([...proposed.values(), ...pagePmidsWithoutDoi.map((w) => w.pmid!.value)])];
    let summaries = new Map<string, PubmedSummary>();
    if (toSummarise.length) {
      try {
        summaries = await this.ask(d, (signal) => this.deps.ncbi.esummary(toSummarise, signal));
      } catch (err) {
        this.note([...proposed.keys(), ...pagePmidsWithoutDoi], err);
      }
    }
    const unconfirmed: Work[] = [];
    for (const [w, pmid] of proposed) {
      const s = summaries.get(pmid);
      const confidence = s ? confirmPubmed(s, w.csl) : 0;
      if (!s || confidence === 0) {
        unconfirmed.push(w);
        continue;
      }
      w.pmid = { value: pmid, source: 'lookup', confidence: round(confidence) };
      this.adoptPubmed(w, s);
    }
    for (const w of pagePmidsWithoutDoi) {
      const s = summaries.get(w.pmid!.value);
      if (s) this.adoptPubmed(w, s);
    }
    search(unconfirmed);
  }

  private adoptPubmed(w: Work, s: PubmedSummary): void {
    if (s.doi && !w.doi && !w.rejected.has(s.doi.toLowerCase())) w.doi = derived(s.doi.toLowerCase(), w.pmid);
    if (s.pmcid && !w.pmcid) w.pmcid = derived(s.pmcid, w.pmid);
    w.csl = cslFromPubmed(s, w.csl);
  }

  /** Crossref bibliographic search for references still without DOI or PMID, one request each (rate-limited). */
  private async crossrefMatch(works: Work[], d: Deadline): Promise<void> {
    const open = works.filter((w) => !w.doi && !w.pmid && w.ref.text.length >= 20);
    await Promise.all(
      open.map(async (w) => {
        try {
          const items = (await this.ask(d, (signal) => this.deps.crossref.searchBibliographic(w.ref.text, SEARCH_ROWS, signal))).filter(
            (it) => !w.rejected.has(it.DOI.toLowerCase()),
          );
          const m = matchReference(w.ref.text, items);
          if (m.doi) {
            w.doi = { value: m.doi.toLowerCase(), source: 'lookup', confidence: round(m.confidence) };
            w.crossref = m.candidate as CrossrefWork;
            w.csl = cslFromCrossref(w.crossref, w.csl);
          }
        } catch (err) {
          this.note([w], err);
        }
      }),
    );
  }

  /** PMC ID converter: PMID/PMCID for DOIs, DOI/PMCID for PMIDs (one request per 200 ids). */
  private async crossIds(works: Work[], d: Deadline): Promise<void> {
    const needing = works.filter((w) => (w.doi && (!w.pmid || !w.pmcid)) || (w.pmid && (!w.doi || !w.pmcid)));
    const ids = [...new Set(needing.map((w) => (w.doi ?? w.pmid)!.value))];
    if (ids.length === 0) return;
    try {
      const records = await this.ask(d, (signal) => this.deps.ncbi.idconv(ids, signal));
      const byId = new Map(records.map((r) => [r.requestedId.toLowerCase(), r]));
      for (const w of needing) {
        const from = (w.doi ?? w.pmid)!;
        const r = byId.get(from.value.toLowerCase());
        if (!r) continue;
        if (r.pmid && !w.pmid && !w.rejected.has(r.pmid)) w.pmid = derived(r.pmid, from);
        if (r.doi && !w.doi && !w.rejected.has(r.doi.toLowerCase())) w.doi = derived(r.doi.toLowerCase(), from);
        if (r.pmcid && !w.pmcid) w.pmcid = derived(r.pmcid, from);
      }
    } catch (err) {
      this.note(needing, err);
    }
  }

  /** Full metadata for citations from Crossref, for the given works' DOIs (batched filter=doi requests). */
  private async metadata(withDoi: Work[], d: Deadline): Promise<void> {
    if (withDoi.length === 0) return;
    try {
      const found = await this.ask(d, (signal) => this.deps.crossref.worksByDoi([...new Set(withDoi.map((w) => w.doi!.value))], signal));
      for (const w of withDoi) {
        const work = found.get(w.doi!.value);
        if (!work) continue;
        w.crossref = work;
        w.csl = cslFromCrossref(work, w.csl);
      }
    } catch (err) {
      // Citations fall back to the page's own data; identifiers are unaffected.
      this.note(withDoi, err);
    }
  }

  /** Europe PMC (and OpenAlex with a key) for every DOI the works have now; Unpaywall is the second phase. */
  private lookupSources(works: Work[], on: ServiceSwitches, d: Deadline): Promise<EnrichSources> | undefined {
    const clients = this.deps.enrichment;
    const dois = [...new Set(works.flatMap((w) => (w.doi ? [w.doi.value] : [])))];
    if (!clients || dois.length === 0) return undefined;
    const services = { unpaywall: false, europepmc: on.europepmc, openalex: on.openalex };
    return lookupSources(dois, { ...clients }, { services, signal: d.signal });
  }

  /** Best legal open-access copy and retraction/correction flags of every identified work. */
  private applyEnrichment(works: Work[], sources: EnrichSources): void {
    const crossrefWorks = new Map(works.flatMap((w) => (w.doi && w.crossref ? [[w.doi.value, w.crossref] as const] : [])));
    for (const w of works) {
      if (!w.doi && !w.pmcid) continue;
      const e = enrichment({ doi: w.doi?.value, pmcid: w.pmcid?.value }, sources, crossrefWorks);
      if (e.oa) w.oa = e.oa;
      if (e.flags.length) w.flags = e.flags;
      for (const f of e.failures.map(referenceMessage)) if (!w.failures.includes(f)) w.failures.push(f);
    }
  }

  private result(w: Work, on: ServiceSwitches): ReferenceResult {
    const csl: CslItem = { ...w.csl, id: `ref-${w.ref.n}` };
    if (w.doi) csl.DOI = w.doi.value;
    if (w.pmid) csl.PMID = w.pmid.value;
    if (w.pmcid) csl.PMCID = w.pmcid.value;
    const ids = { doi: w.doi?.value, pmid: w.pmid?.value, pmcid: w.pmcid?.value };
    const found = !!(w.doi || w.pmid);
    const result: ReferenceResult = {
      n: w.ref.n,
      state: found ? 'resolved' : w.failures.length ? 'error' : 'unresolved',
      csl,
      workKeys: workKeys(ids, csl),
    };
    if (w.doi) result.doi = w.doi;
    if (w.pmid) result.pmid = w.pmid;
    if (w.pmcid) result.pmcid = w.pmcid;
    if (w.oa) result.oa = w.oa;
    if (w.flags) result.flags = w.flags;
    const failed = w.failures.length ? failureSummary(w.failures) : undefined;
    if (!found) result.message = failed ?? (on.crossref ? 'No confident match found.' : 'No confident match found (Crossref lookups are switched off).');
    else if (failed) result.message = failed;
    return result;
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Whether a result has exactly the DOI, PMID and PMCID the page shows. */
const sameIds = (r: Pick<ReferenceResult, 'doi' | 'pmid' | 'pmcid'>, shown: Identifiers) =>
  r.doi?.value === shown.doi && r.pmid?.value === shown.pmid && r.pmcid?.value === shown.pmcid;

function mergeSources(...all: Array<EnrichSources | undefined>): EnrichSources {
  const out: EnrichSources = { europepmc: new Map(), openalex: new Map(), unpaywall: new Map(), failedDois: new Map() };
  for (const s of all) {
    if (!s) continue;
    for (const k of ['europepmc', 'openalex', 'unpaywall', 'failedDois'] as const) {
      for (const [d, v] of s[k] as Map<string, unknown>) (out[k] as Map<string, unknown>).set(d, v);
    }
  }
  return out;
}

/**
 * A failure as the reference shows it. This reference is not looked up again by itself (a reload does that), so a
 * "…, retrying in 30 s" from a service's pause becomes what it means here: the service is not asked before then.
 */
function referenceMessage(message: string): string {
  return message.replace(/,? retrying in ([^,;]*)$/, ', try again in $1');
}

/** The status line's limit: one short line under the reference. */
export const MAX_MESSAGE_LENGTH = 120;
const LABELS = Object.values(SERVICE_LABELS).sort((a, b) => b.length - a.length);

/**
 * Every failure of a reference in one short line: the first one of each service (the lookup that mattered most),
 * services that failed the same way named together ("PubMed and Crossref did not answer in time"), different
 * failures joined with "; " while they fit.
 */
export function failureSummary(failures: string[]): string {
  const groups = new Map<string, string[]>();
  const named = new Set<string>();
  for (const f of failures) {
    const label = LABELS.find((l) => f.startsWith(`${l} `));
    if (label && named.has(label)) continue;
    const what = label ? f.slice(label.length + 1) : f;
    const names = groups.get(what) ?? [];
    if (label) {
      named.add(label);
      names.push(label);
    }
    groups.set(what, names);
  }
  const parts = [...groups].map(([what, names]) => (names.length ? `${listOf(names)} ${what}` : what));
  let line = parts[0]!;
  for (const p of parts.slice(1)) {
    if (line.length + 2 + p.length > MAX_MESSAGE_LENGTH) break;
    line += `; ${p}`;
  }
  return line.length > MAX_MESSAGE_LENGTH ? `${line.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : line;
}

const listOf = (names: string[]) => (names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`);

/** `ref:<fingerprint>` with every service on (the key results had before the switches existed), else with the off ones named. */
function cacheKey(fingerprint: string, on: ServiceSwitches): string {
  const off = SERVICE_IDS.filter((id) => !on[id]);
  return off.length ? `ref:${fingerprint}|off:${off.join(',')}` : `ref:${fingerprint}`;
}
