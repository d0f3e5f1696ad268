/**
 * Unpaywall client: `lookup(doi)` -> open-access status and locations for one DOI (Unpaywall has no batch route;
 * `lookupMany` runs them through the rate limiter). Requires the user's email: without one nothing is sent and
 * the answer is null. Unknown DOIs (404) are null too.
 */
import { safeHttpUrl } from '../../core/url';
import { isNotFound, ServiceError } from '../net/http';
import { cachedLookup, doiKey, foundOnly, isObject, runBatches, str, type ClientDeps } from './common';
import { SERVICE_ORIGINS } from './hosts';

export interface OaLocation {
  /** PDF when known, else landing page. */
  url: string;
  urlForPdf?: string;
  urlForLandingPage?: string;
  /** 'publishedVersion' | 'acceptedVersion' | 'submittedVersion'. */
  version?: string;
  /** 'publisher' | 'repository'. */
  hostType?: string;
  license?: string;
  repositoryInstitution?: string;
}

export interface UnpaywallResult {
  doi: string;
  isOa: boolean;
  /** 'gold' | 'hybrid' | 'bronze' | 'green' | 'closed'. */
  oaStatus?: string;
  best: OaLocation | null;
  locations: OaLocation[];
}

export class UnpaywallClient {
  constructor(private readonly deps: ClientDeps) {}

  /** Unpaywall is used only when the user gave a contact email. */
  get enabled(): boolean {
    return !!this.deps.settings().email?.trim();
  }

  async lookup(doi: string, signal?: AbortSignal): Promise<UnpaywallResult | null> {
    const key = doiKey(doi);
    return (await this.lookupMany([key], signal)).get(key) ?? null;
  }

  /** Lower-cased DOI -> result, for the DOIs Unpaywall knows. Empty without an email. */
  async lookupMany(dois: string[], signal?: AbortSignal): Promise<Map<string, UnpaywallResult>> {
    const email = this.deps.settings().email?.trim();
    if (!email) return new Map();
    const wanted = [...new Set(dois.map(doiKey).filter((d) => d.startsWith('10.')))];
    const result = await cachedLookup(this.deps.cache, (d) => `unpaywall:doi:${d}`, wanted, (missing) =>
      runBatches(
        missing.map((d) => [d]),
        async ([d]) => {
          const found = new Map<string, UnpaywallResult>();
          const r = await this.fetchOne(d!, email, signal);
          if (r) found.set(d!, r);
          return found;
        },
      ),
    );
    return foundOnly(result);
  }

  private async fetchOne(doi: string, email: string, signal?: AbortSignal): Promise<UnpaywallResult | undefined> {
    try {
      const body = await this.deps.http.request('unpaywall', unpaywallUrl(doi, email), { signal });
      return parseUnpaywall(body, doi);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }
}

/** The DOI goes in the path with its slashes kept, everything else escaped ('#', '?', spaces...). */
export function unpaywallUrl(doi: string, email: string): string {
  const path = encodeURIComponent(doi).replace(/%2F/gi, '/');
  return `${SERVICE_ORIGINS.unpaywall}/v2/${path}?email=${encodeURIComponent(email)}`;
}

export function parseUnpaywall(body: unknown, doi: string): UnpaywallResult {
  if (!isObject(body) || typeof body.is_oa !== 'boolean') {
    throw new ServiceError('unpaywall', 'malformed', 'Unpaywall sent an unreadable response');
  }
  const locations = Array.isArray(body.oa_locations) ? body.oa_locations.map(toLocation).filter((l): l is OaLocation => !!l) : [];
  const result: UnpaywallResult = {
    doi: doiKey(str(body.doi) ?? doi),
    isOa: body.is_oa,
    best: toLocation(body.best_oa_location) ?? null,
    locations,
  };
  const status = str(body.oa_status);
  if (status) result.oaStatus = status;
  return result;
}

function toLocation(raw: unknown): OaLocation | undefined {
  if (!isObject(raw)) return undefined;
  const urlForPdf = safeHttpUrl(str(raw.url_for_pdf));
  const urlForLandingPage = safeHttpUrl(str(raw.url_for_landing_page));
  const url = safeHttpUrl(str(raw.url)) ?? urlForPdf ?? urlForLandingPage;
  if (!url) return undefined;
  const loc: OaLocation = { url };
  if (urlForPdf) loc.urlForPdf = urlForPdf;
  if (urlForLandingPage) loc.urlForLandingPage = urlForLandingPage;
  const version = str(raw.version);
  if (version) loc.version = version;
  const hostType = str(raw.host_type);
  if (hostType) loc.hostType = hostType;
  const license = str(raw.license);
  if (license) loc.license = license;
  const institution = str(raw.repository_institution);
  if (institution) loc.repositoryInstitution = institution;
  return loc;
}
