/**
 * Open-access copies and retraction/correction flags for a page's resolved references, in as few requests as the
 * services allow: Europe PMC in batches of up to 50 DOIs, OpenAlex in batches of up to 100 (only with an API key),
 * Unpaywall one DOI per call (only with an email; the client's rate limiter paces them). Each batch fails on its
 * own: the works in it get a short message, every other answer is kept.
 * The page's own article is never looked up (nothing about the user's browsing is sent) and never flagged.
 */
import type { Flag, OpenAccessCopy } from '../../core/reference';
import { isServiceError, SERVICE_LABELS } from '../net/http';
import { doiKey } from '../services/common';
import type { CrossrefWork } from '../services/crossref';
import type { EuropePmcClient, EuropePmcRecord } from '../services/europepmc';
import type { OpenAlexClient, OpenAlexWork } from '../services/openalex';
import type { UnpaywallClient, UnpaywallResult } from '../services/unpaywall';
import { flagsFor } from './flags';
import { bestOpenAccess } from './open-access';

export interface EnrichInput {
  /** Normalised DOI (any case). */
  doi?: string;
  /** "PMC123". */
  pmcid?: string;
  /** The article the page itself shows, when it is in the list: no lookups, no flags. */
  isOwnArticle?: boolean;
}

export interface EnrichClients {
  unpaywall: Pick<UnpaywallClient, 'lookupMany' | 'enabled'>;
  europepmc: Pick<EuropePmcClient, 'byDois'>;
  openalex: Pick<OpenAlexClient, 'byDois' | 'enabled'>;
  /** Crossref works the resolver already fetched, by lower-cased DOI (their `updated-by` gives flags). */
  crossrefWorks?: Map<string, CrossrefWork>;
}

export interface EnrichOptions {
  /** The user's per-service switches. */
  services: { unpaywall: boolean; europepmc: boolean; openalex: boolean };
  signal?: AbortSignal;
}

export interface Enrichment {
  oa?: OpenAccessCopy;
  flags: Flag[];
  /** Short messages from services that failed for this work. */
  failures: string[];
}

/** The clients' own per-request limits: one chunk here is one request there. */
export const EUROPE_PMC_BATCH = 50;
export const OPENALEX_BATCH = 100;

type Service = 'unpaywall' | 'europepmc' | 'openalex';

export async function enrich(works: EnrichInput[], clients: EnrichClients, opts: EnrichOptions): Promise<Enrichment[]> {
  const sources = await lookupSources(enrichDois(works), clients, opts);
  return works.map((w) => enrichment(w, sources, clients.crossrefWorks));
}

/** What the open-access services answered for a set of DOIs, and the failures per DOI. */
export interface EnrichSources {
  europepmc: Map<string, EuropePmcRecord>;
  openalex: Map<string, OpenAlexWork>;
  unpaywall: Map<string, UnpaywallResult>;
  failedDois: Map<string, string[]>;
}

/** The DOIs worth looking up: not the page's own article, lower case, unique. */
export function enrichDois(works: EnrichInput[]): string[] {
  return [...new Set(works.filter((w) => !w.isOwnArticle && w.doi).map((w) => doiKey(w.doi!)))].filter((d) => d.startsWith('10.'));
}

/**
 * Asks every switched-on source about the DOIs (the requests only need DOIs, so a caller can run this while it
 * still learns PMCIDs, then call `enrichment` per work).
 */
export async function lookupSources(dois: string[], clients: EnrichClients, opts: EnrichOptions): Promise<EnrichSources> {
  const failedDois = new Map<string, string[]>();
  const fail = (service: Service, batch: string[], err: unknown) => {
    const message = failureMessage(service, err);
    for (const d of batch) {
      const list = failedDois.get(d) ?? [];
      if (!list.includes(message)) list.push(message);
      failedDois.set(d, list);
    }
  };

  const lookup = async <V>(service: Service, batches: string[][], fetch: (batch: string[]) => Promise<Map<string, V>>) => {
    const found = new Map<string, V>();
    await Promise.all(
      batches.map(async (batch) => {
        try {
          for (const [k, v] of await fetch(batch)) found.set(doiKey(k), v);
        } catch (err) {
          fail(service, batch, err);
        }
      }),
    );
    return found;
  };

  const { signal } = opts;
  const [europepmc, openalex, unpaywall] = await Promise.all([
    opts.services.europepmc && dois.length
      ? lookup<EuropePmcRecord>('europepmc', chunks(dois, EUROPE_PMC_BATCH), (b) => clients.europepmc.byDois(b, signal))
      : new Map<string, EuropePmcRecord>(),
    opts.services.openalex && clients.openalex.enabled && dois.length
      ? lookup<OpenAlexWork>('openalex', chunks(dois, OPENALEX_BATCH), (b) => clients.openalex.byDois(b, signal))
      : new Map<string, OpenAlexWork>(),
    opts.services.unpaywall && clients.unpaywall.enabled && dois.length
      ? lookup<UnpaywallResult>('unpaywall', chunks(dois, 1), (b) => clients.unpaywall.lookupMany(b, signal))
      : new Map<string, UnpaywallResult>(),
  ]);
  return { europepmc, openalex, unpaywall, failedDois };
}

/** Best copy, flags and failures of one work from the sources' answers (and Crossref works already fetched). */
export function enrichment(w: EnrichInput, sources: EnrichSources, crossrefWorks?: Map<string, CrossrefWork>): Enrichment {
  if (w.isOwnArticle) return { flags: [], failures: [] };
  const doi = w.doi ? doiKey(w.doi) : undefined;
  const found = {
    europepmc: doi ? sources.europepmc.get(doi) : undefined,
    openalex: doi ? sources.openalex.get(doi) : undefined,
  };
  const out: Enrichment = {
    flags: flagsFor({ ...found, crossref: doi ? crossrefWorks?.get(doi) : undefined }),
    failures: doi ? [...(sources.failedDois.get(doi) ?? [])] : [],
  };
  const oa = bestOpenAccess({ ...found, unpaywall: doi ? sources.unpaywall.get(doi) : undefined, pmcid: w.pmcid });
  if (oa) out.oa = oa;
  return out;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function failureMessage(service: Service, err: unknown): string {
  if (isServiceError(err)) return err.message;
  const detail = err instanceof Error ? err.message : String(err);
  return `${SERVICE_LABELS[service]} lookup failed${detail ? `: ${detail}` : ''}`;
}
