/**
 * Picks the one open-access copy shown next to a reference, from Unpaywall, Europe PMC, OpenAlex and a known PMCID.
 * Order: version first (published > accepted > unknown > submitted), then host (publisher > PMC / Europe PMC >
 * arXiv-like servers and other repositories > unknown host), then source order (Unpaywall's best location first).
 *
 * PMC versions: PMC holds publisher versions, author manuscripts (accepted) and a few preprints, and a PMCID alone
 * does not say which. Without evidence the PMC copy is "unknown" (ranked above a submitted preprint: it is at least
 * deposited with the article's record); an Unpaywall/OpenAlex location on the same PMC page, Europe PMC's
 * author-manuscript flag (when the record carries it) or a preprint record (source PPR) decide otherwise.
 */
import { normalizePmcid, pmcUrl } from '../../core/identifiers';
import type { OpenAccessCopy } from '../../core/reference';
import { safeHttpUrl } from '../../core/url';
import type { EuropePmcRecord } from '../services/europepmc';
import type { OpenAlexWork } from '../services/openalex';
import type { UnpaywallResult } from '../services/unpaywall';

type Version = OpenAccessCopy['version'];

/** Europe PMC's authMan/epmcAuthMan/nihAuthMan flags, when the client passes them on ("Y" -> true). */
export type EuropePmcOaRecord = EuropePmcRecord & { authorManuscript?: boolean };

export interface OpenAccessSources {
  unpaywall?: UnpaywallResult | null;
  europepmc?: EuropePmcOaRecord;
  openalex?: OpenAlexWork;
  /** The reference's PMCID ("PMC123"), from the page or a lookup. */
  pmcid?: string;
}

/** What the source says about where the copy lives. */
type DeclaredHost = 'publisher' | 'repository' | 'unknown';

interface Candidate {
  url: string;
  version: Version;
  host: string;
  hostRank: number;
}

const VERSION_RANK: Record<Version, number> = { published: 4, accepted: 3, unknown: 2, submitted: 1 };

const HOST_RANK = { publisher: 4, pmc: 3, repository: 2, unknown: 0 } as const;

/** Repositories and preprint servers worth naming; anything else is labelled by its host name. */
const KNOWN_SERVERS: Array<{ test: RegExp; label: string }> = [
  { test: /(^|\.)arxiv\.org$/, label: 'arXiv' },
  { test: /(^|\.)biorxiv\.org$/, label: 'bioRxiv' },
  { test: /(^|\.)medrxiv\.org$/, label: 'medRxiv' },
  { test: /(^|\.)zenodo\.org$/, label: 'Zenodo' },
];

export function bestOpenAccess(sources: OpenAccessSources): OpenAccessCopy | undefined {
  const candidates: Candidate[] = [];
  const add = (rawUrl: string | undefined, version: Version, declared: DeclaredHost) => {
    const c = candidate(rawUrl, version, declared);
    if (c) candidates.push(c);
  };

  const up = sources.unpaywall;
  if (up?.isOa) {
    const locations = up.best ? [up.best, ...up.locations] : up.locations;
    for (const loc of locations) add(loc.url, unpaywallVersion(loc.version), declaredHost(loc.hostType));
  }

  const oa = sources.openalex?.bestOa;
  if (oa) add(oa.url, unpaywallVersion(oa.version), openAlexHost(oa.hostType));

  const epmc = sources.europepmc;
  if (epmc) {
    const version = europePmcVersion(epmc);
    // HTML before PDF: a landing page is the friendlier link when both are equal.
    const free = epmc.fullTextUrls
      .filter((u) => u.availabilityCode === 'OA' || u.availabilityCode === 'F')
      .sort((a, b) => Number(a.documentStyle === 'pdf') - Number(b.documentStyle === 'pdf'));
    for (const u of free) {
      if (u.site === 'DOI') add(u.url, 'published', 'publisher');
      else if (u.site === 'Europe_PMC' || u.site === 'PubMedCentral') add(u.url, version, 'repository');
      else add(u.url, 'unknown', 'unknown');
    }
  }

  const pmcid = [sources.pmcid, epmc?.pmcid, sources.openalex?.pmcid]
    .map((id) => (id ? normalizePmcid(id) : undefined))
    .find((id) => id !== undefined);
  if (pmcid) add(pmcUrl(pmcid), epmc?.pmcid === pmcid ? europePmcVersion(epmc) : 'unknown', 'repository');

  let best: Candidate | undefined;
  for (const c of candidates) {
    // Strictly better only: equal candidates keep source order.
    if (!best || rank(c) > rank(best)) best = c;
  }
  return best && { url: best.url, version: best.version, host: best.host };
}

function rank(c: Candidate): number {
  return VERSION_RANK[c.version] * 10 + c.hostRank;
}

function candidate(rawUrl: string | undefined, version: Version, declared: DeclaredHost): Candidate | undefined {
  const safe = safeHttpUrl(rawUrl);
  if (!safe) return undefined;
  const url = canonicalPmcUrl(safe) ?? safe;
  const { hostname, pathname } = new URL(url);
  const name = hostname.toLowerCase().replace(/^www\./, '');
  if (name === 'pmc.ncbi.nlm.nih.gov' || (name === 'ncbi.nlm.nih.gov' && pathname.startsWith('/pmc/'))) {
    return { url, version, host: 'PMC', hostRank: HOST_RANK.pmc };
  }
  if (name === 'europepmc.org' || (name === 'ebi.ac.uk' && pathname.startsWith('/europepmc/'))) {
    return { url, version, host: 'Europe PMC', hostRank: HOST_RANK.pmc };
  }
  const server = KNOWN_SERVERS.find((s) => s.test.test(name));
  if (server) return { url, version, host: server.label, hostRank: HOST_RANK.repository };
  // A DOI link resolves to the publisher, whatever the source called it.
  if (declared === 'publisher' || name === 'doi.org' || name === 'dx.doi.org') {
    return { url, version, host: 'publisher', hostRank: HOST_RANK.publisher };
  }
  return { url, version, host: name, hostRank: declared === 'repository' ? HOST_RANK.repository : HOST_RANK.unknown };
}

/**
 * PMC article landing pages on the current host with the PMC prefix (Unpaywall still gives www.ncbi.nlm.nih.gov/pmc/
 * URLs, sometimes with bare digits as OpenAlex does). PDFs and other pages are left alone.
 */
function canonicalPmcUrl(url: string): string | undefined {
  const u = new URL(url);
  const host = u.hostname.toLowerCase();
  const m =
    host === 'pmc.ncbi.nlm.nih.gov'
      ? /^\/articles\/((?:PMC)?\d+)\/?$/i.exec(u.pathname)
      : host === 'www.ncbi.nlm.nih.gov' || host === 'ncbi.nlm.nih.gov'
        ? /^\/pmc\/articles\/((?:PMC)?\d+)\/?$/i.exec(u.pathname)
        : null;
  const pmcid = m?.[1] ? normalizePmcid(m[1]) : undefined;
  return pmcid ? pmcUrl(pmcid) : undefined;
}

/** Unpaywall and OpenAlex share the names publishedVersion / acceptedVersion / submittedVersion. */
function unpaywallVersion(v: string | undefined): Version {
  switch (v) {
    case 'publishedVersion':
      return 'published';
    case 'acceptedVersion':
      return 'accepted';
    case 'submittedVersion':
      return 'submitted';
    default:
      return 'unknown';
  }
}

function declaredHost(hostType: string | undefined): DeclaredHost {
  return hostType === 'publisher' ? 'publisher' : hostType === 'repository' ? 'repository' : 'unknown';
}

/** OpenAlex source types: journal, conference, book series and e-book platforms are the publisher's own. */
function openAlexHost(sourceType: string | undefined): DeclaredHost {
  if (!sourceType) return 'unknown';
  if (sourceType === 'repository') return 'repository';
  return ['journal', 'conference', 'book series', 'ebook platform'].includes(sourceType) ? 'publisher' : 'unknown';
}

function europePmcVersion(r: EuropePmcOaRecord): Version {
  if (r.source === 'PPR') return 'submitted';
  if (r.authorManuscript === true) return 'accepted';
  if (r.authorManuscript === false) return 'published';
  return 'unknown';
}
