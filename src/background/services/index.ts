/**
 * Wires the network layer and every client together for the background: one Scheduler, one Http, one TtlCache.
 * `createServices({ settings: () => currentSettings, storage: browser.storage.local })`; the rate limits follow
 * the settings (Crossref polite pool with an email, NCBI 10/s with a key) on every call.
 */
import { TtlCache, type KeyValueStorage } from '../net/cache';
import { Http, type HttpOptions } from '../net/http';
import { Scheduler } from '../net/scheduler';
import type { ClientDeps, ServiceSettings } from './common';
import { CrossrefClient } from './crossref';
import { EuropePmcClient } from './europepmc';
import { NcbiClient } from './ncbi';
import { OpenAlexClient } from './openalex';
import { UnpaywallClient } from './unpaywall';

export interface Services {
  http: Http;
  cache?: TtlCache;
  crossref: CrossrefClient;
  ncbi: NcbiClient;
  europepmc: EuropePmcClient;
  unpaywall: UnpaywallClient;
  openalex: OpenAlexClient;
}

export interface CreateServicesOptions {
  settings: () => ServiceSettings;
  /** browser.storage.local in the extension; omit for no persistent cache. */
  storage?: KeyValueStorage;
  http?: Omit<HttpOptions, 'scheduler'>;
}

export function createServices(options: CreateServicesOptions): Services {
  const scheduler = new Scheduler();
  const http = new Http({ ...options.http, scheduler });
  const settings = () => {
    const s = options.settings();
    // Cheap when unchanged; resets a pool to its documented limits when the email or NCBI key was added/removed.
    scheduler.configure({ crossrefPolite: !!s.email?.trim(), ncbiApiKey: !!s.ncbiApiKey?.trim() });
    return s;
  };
  const deps: ClientDeps = { http, settings };
  if (options.storage) deps.cache = new TtlCache(options.storage);
  return {
    http,
    ...(deps.cache ? { cache: deps.cache } : {}),
    crossref: new CrossrefClient(deps),
    ncbi: new NcbiClient(deps),
    europepmc: new EuropePmcClient(deps),
    unpaywall: new UnpaywallClient(deps),
    openalex: new OpenAlexClient(deps),
  };
}

export type { ServiceSettings } from './common';
export type { Candidate, CrossrefWork, CrossrefAuthor, CrossrefDate, CrossrefUpdate } from './crossref';
export type { CitationQuery, IdRecord, PubmedSummary } from './ncbi';
export type { EuropePmcRecord, FullTextUrl, CommentCorrection } from './europepmc';
export type { UnpaywallResult, OaLocation } from './unpaywall';
export type { OpenAlexWork, OpenAlexOa } from './openalex';
export { ServiceError, isServiceError, isNotFound, type ServiceStatus } from '../net/http';
