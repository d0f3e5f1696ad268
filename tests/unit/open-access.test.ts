// @vitest-environment node
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ServiceError, type Http } from '../../src/background/net/http';
import { enrich, type EnrichClients } from '../../src/background/resolver/enrich';
import { flagsFor } from '../../src/background/resolver/flags';
import { bestOpenAccess } from '../../src/background/resolver/open-access';
import type { ClientDeps, ServiceSettings } from '../../src/background/services/common';
import { toWork, type CrossrefWork } from '../../src/background/services/crossref';
import { EuropePmcClient, parseSearch, type EuropePmcRecord } from '../../src/background/services/europepmc';
import { matchByDoi, OpenAlexClient, type OpenAlexWork } from '../../src/background/services/openalex';
import { parseUnpaywall, UnpaywallClient, type UnpaywallResult } from '../../src/background/services/unpaywall';

const FIXTURES = join(import.meta.dirname, '../fixtures/api-oa');
const json = (name: string): any => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));

/** Fixtures go through the clients' own parsers, so the inputs are exactly what the clients return. */
const unpaywall = (doi: string): UnpaywallResult => parseUnpaywall(json(`unpaywall-${doi.replace('/', '_')}.json`), doi);
const crossref = (name: string): CrossrefWork => toWork(json(name).message)!;
const openalex = (name: string): OpenAlexWork => {
  const body = json(name);
  const doi = String(body.doi).replace('https://doi.org/', '');
  return matchByDoi([body], [doi]).get(doi)!;
};
const RETRACTED_DOI = '10.1371/journal.pone.0311879';
const retractedRecord = (): EuropePmcRecord =>
  parseSearch(json('europepmc-EXT_ID-39466770-retracted-OA.json'), [RETRACTED_DOI]).get(RETRACTED_DOI)!;
const cancerRecord = (doi: string): EuropePmcRecord =>
  parseSearch(json('europepmc-query-cancer-core-3-records.json'), [doi]).get(doi)!;

describe('bestOpenAccess', () => {
  it('prefers a published copy over accepted and submitted ones, whatever the host (10.1038/nature12373)', () => {
    expect(bestOpenAccess({ unpaywall: unpaywall('10.1038/nature12373') })).toEqual({
      url: 'https://dash.harvard.edu/bitstream/1/12285462/1/Nanometer-Scale%20Thermometry.pdf',
      version: 'published',
      host: 'dash.harvard.edu',
    });
  });

  it('prefers accepted over submitted, and names arXiv when only the preprint is left (10.1103/physreve.88.012814)', () => {
    const up = unpaywall('10.1103/physreve.88.012814');
    expect(bestOpenAccess({ unpaywall: up })).toEqual({
      url: 'https://link.aps.org/accepted/10.1103/PhysRevE.88.012814',
      version: 'accepted',
      host: 'publisher',
    });
    const preprintOnly = { ...up, best: null, locations: up.locations.filter((l) => l.hostType === 'repository') };
    expect(bestOpenAccess({ unpaywall: preprintOnly })).toEqual({ url: 'http://arxiv.org/pdf/1304.0473', version: 'submitted', host: 'arXiv' });
  });

  it('prefers the publisher over PMC at the same version (10.1016/j.envint.2020.105730)', () => {
    const up = unpaywall('10.1016/j.envint.2020.105730');
    // Put the PMC copy first so source order alone would pick it.
    const reordered = { ...up, best: null, locations: [...up.locations].reverse() };
    expect(bestOpenAccess({ unpaywall: reordered })).toEqual({
      url: 'https://doi.org/10.1016/j.envint.2020.105730',
      version: 'published',
      host: 'publisher',
    });
  });

  it('labels a PMC repository copy "PMC" on the current PMC host (10.1016/j.tmaid.2020.101663, April 2020)', () => {
    const up = parseUnpaywall(json('unpaywall-10.1016_j.tmaid.2020.101663.recorded-2020-04-17.json'), '10.1016/j.tmaid.2020.101663');
    expect(bestOpenAccess({ unpaywall: up })).toEqual({
      url: 'https://pmc.ncbi.nlm.nih.gov/articles/PMC7151271/',
      version: 'published',
      host: 'PMC',
    });
  });

  it('names Europe PMC and keeps a PDF link as given', () => {
    const up = unpaywall('10.1038/nature12373');
    const epmcOnly = { ...up, best: null, locations: up.locations.filter((l) => l.url.includes('europepmc')) };
    expect(bestOpenAccess({ unpaywall: epmcOnly })).toEqual({
      url: 'http://europepmc.org/articles/pmc4221854?pdf=render',
      version: 'accepted',
      host: 'Europe PMC',
    });
  });

  it('skips the mislabelled "PubMed Central" submitted copy for the publisher PDF (10.1073/pnas.1414271111)', () => {
    expect(bestOpenAccess({ unpaywall: unpaywall('10.1073/pnas.1414271111') })).toEqual({
      url: 'https://www.pnas.org/content/pnas/111/45/E4832.full.pdf',
      version: 'published',
      host: 'publisher',
    });
  });

  it('uses OpenAlex best_oa_location (journal source = publisher)', () => {
    expect(bestOpenAccess({ openalex: openalex('openalex-doi-url-10.1073_pnas.1414271111.json') })).toEqual({
      url: 'https://doi.org/10.1073/pnas.1414271111',
      version: 'published',
      host: 'publisher',
    });
  });

  it('falls back to PMC from a PMCID: unknown version, above a submitted preprint, below a published copy', () => {
    expect(bestOpenAccess({ pmcid: 'PMC4234579' })).toEqual({
      url: 'https://pmc.ncbi.nlm.nih.gov/articles/PMC4234579/',
      version: 'unknown',
      host: 'PMC',
    });
    const physrev = unpaywall('10.1103/physreve.88.012814');
    const preprintOnly = { ...physrev, best: null, locations: physrev.locations.filter((l) => l.hostType === 'repository') };
    expect(bestOpenAccess({ unpaywall: preprintOnly, pmcid: 'PMC4234579' })?.host).toBe('PMC');
    expect(bestOpenAccess({ unpaywall: unpaywall('10.1073/pnas.1414271111'), pmcid: 'PMC4234579' })?.host).toBe('publisher');
  });

  it("takes the PMCID from OpenAlex's bare-digit ids when nothing else has one", () => {
    const work = openalex('openalex-doi-url-10.1073_pnas.1414271111.json');
    expect(bestOpenAccess({ openalex: { ...work, bestOa: undefined } })).toEqual({
      url: 'https://pmc.ncbi.nlm.nih.gov/articles/PMC4234579/',
      version: 'unknown',
      host: 'PMC',
    });
  });

  it('turns bare-digit PMC URLs into PMCID URLs and lets a known version of the same page win (10.1016/j.xgen.2025.100814)', () => {
    const up = unpaywall('10.1016/j.xgen.2025.100814');
    const pmcOnly = { ...up, best: null, locations: up.locations.filter((l) => l.hostType === 'repository') };
    expect(bestOpenAccess({ unpaywall: pmcOnly })).toEqual({
      url: 'https://pmc.ncbi.nlm.nih.gov/articles/PMC12008803/',
      version: 'submitted',
      host: 'PMC',
    });
    expect(bestOpenAccess({ unpaywall: up })?.host).toBe('publisher');
  });

  it('reads Europe PMC full-text links: open-access HTML before PDF, version from the author-manuscript flag', () => {
    const record = retractedRecord();
    expect(bestOpenAccess({ europepmc: record })).toEqual({
      url: 'https://europepmc.org/articles/PMC11516011',
      version: 'unknown',
      host: 'Europe PMC',
    });
    expect(bestOpenAccess({ europepmc: { ...record, authorManuscript: true } })?.version).toBe('accepted');
    expect(bestOpenAccess({ europepmc: { ...record, authorManuscript: false } })?.version).toBe('published');
    expect(bestOpenAccess({ europepmc: { ...record, source: 'PPR' } })?.version).toBe('submitted');
    const hpja = cancerRecord('10.1002/hpja.70059');
    expect(bestOpenAccess({ europepmc: hpja })?.url).toBe('https://europepmc.org/articles/PMC12120539');
  });

  it('treats a free ("F") DOI link from Europe PMC as the published version at the publisher', () => {
    expect(bestOpenAccess({ europepmc: cancerRecord('10.1016/s0140-6736(24)02716-8') })).toEqual({
      url: 'https://doi.org/10.1016/s0140-6736(24)02716-8',
      version: 'published',
      host: 'publisher',
    });
  });

  it('returns undefined for closed access everywhere', () => {
    const closed = unpaywall('10.1007/s40278-023-41815-2');
    expect(closed.isOa).toBe(false);
    expect(
      bestOpenAccess({
        unpaywall: closed,
        openalex: openalex('openalex-doi-url-10.1007_s40278-023-41815-2.json'),
        europepmc: cancerRecord('10.1111/bjhp.12807'),
      }),
    ).toBeUndefined();
    expect(bestOpenAccess({ unpaywall: null })).toBeUndefined();
    expect(bestOpenAccess({})).toBeUndefined();
  });

  it('drops non-http(s) URLs and takes the next copy', () => {
    const up = unpaywall('10.1103/physreve.88.012814');
    const hostile: UnpaywallResult = {
      ...up,
      best: { url: 'javascript:alert(1)', version: 'publishedVersion', hostType: 'publisher' },
      locations: [
        { url: 'data:text/html,<b>x</b>', version: 'publishedVersion', hostType: 'publisher' },
        { url: 'ftp://example.org/paper.pdf', version: 'publishedVersion', hostType: 'repository' },
        ...up.locations,
      ],
    };
    expect(bestOpenAccess({ unpaywall: hostile })?.url).toBe('https://link.aps.org/accepted/10.1103/PhysRevE.88.012814');
    expect(bestOpenAccess({ unpaywall: { ...hostile, locations: hostile.locations.slice(0, 2) } })).toBeUndefined();
  });

  it('ranks an unknown host below a repository at the same version, labelled by its host name', () => {
    const base = unpaywall('10.1038/nature12373');
    const result = (locations: UnpaywallResult['locations']) => bestOpenAccess({ unpaywall: { ...base, best: null, locations } });
    const unknown = { url: 'https://www.example.org/copy.pdf', version: 'acceptedVersion' };
    const repo = { url: 'https://eprints.example.ac.uk/1/paper.pdf', version: 'acceptedVersion', hostType: 'repository' };
    expect(result([unknown, repo])).toEqual({ url: repo.url, version: 'accepted', host: 'eprints.example.ac.uk' });
    expect(result([unknown])).toEqual({ url: unknown.url, version: 'accepted', host: 'example.org' });
  });
});

describe('flagsFor', () => {
  it('flags a correction from Crossref updated-by, linking the notice DOI (10.1371/journal.pone.0033693)', () => {
    expect(flagsFor({ crossref: crossref('crossref-doi-10.1371_journal.pone.0033693.json') })).toEqual([
      { kind: 'correction', label: 'Correction (2012)', url: 'https://doi.org/10.1371/annotation/c76da2c1-ccb8-4797-94c1-359d3ceceeda' },
    ]);
    expect(flagsFor({ crossref: crossref('crossref-doi-10.1073_pnas.1414271111.json') })).toEqual([
      { kind: 'correction', label: 'Correction (2015)', url: 'https://doi.org/10.1073/pnas.1507001112' },
    ]);
  });

  it('never flags a notice because of its update-to', () => {
    const original = crossref('crossref-doi-10.1371_journal.pone.0033693.json');
    const update = original['updated-by']![0]!;
    for (const type of ['correction', 'retraction', 'expression_of_concern']) {
      const notice: CrossrefWork = { DOI: update.DOI, type: 'journal-article', 'update-to': [{ ...update, DOI: original.DOI, type }] };
      expect(flagsFor({ crossref: notice })).toEqual([]);
    }
  });

  it('maps retraction and expression-of-concern updates, one flag per kind, retraction first', () => {
    const base = crossref('crossref-doi-10.1371_journal.pone.0033693.json');
    const correction = base['updated-by']![0]!;
    const work: CrossrefWork = {
      ...base,
      'updated-by': [
        correction,
        { DOI: '10.1371/journal.pone.0999999', type: 'expression_of_concern', source: 'publisher' },
        { DOI: '10.1371/journal.pone.0888888', type: 'retraction', source: 'retraction-watch' },
        { DOI: '10.1371/journal.pone.0777777', type: 'erratum' },
        { DOI: '10.1371/journal.pone.0666666', type: 'new_version' },
      ],
    };
    expect(flagsFor({ crossref: work })).toEqual([
      { kind: 'retracted', label: 'Retracted', url: 'https://doi.org/10.1371/journal.pone.0888888' },
      { kind: 'expression-of-concern', label: 'Expression of concern', url: 'https://doi.org/10.1371/journal.pone.0999999' },
      { kind: 'correction', label: 'Correction (2012)', url: 'https://doi.org/10.1371/annotation/c76da2c1-ccb8-4797-94c1-359d3ceceeda' },
    ]);
  });

  it('flags the Europe PMC retracted record, linking the retraction notice on PubMed (PMID 39466770)', () => {
    expect(flagsFor({ europepmc: retractedRecord() })).toEqual([
      { kind: 'retracted', label: 'Retracted', url: 'https://pubmed.ncbi.nlm.nih.gov/41926417/' },
    ]);
    const withoutLink = { ...retractedRecord(), commentCorrections: [] };
    expect(flagsFor({ europepmc: withoutLink })).toEqual([{ kind: 'retracted', label: 'Retracted' }]);
  });

  it('does not flag Europe PMC erratum notices ("Erratum for", "Published Erratum")', () => {
    const erratum = cancerRecord('10.1016/s0140-6736(24)02716-8');
    expect(erratum.commentCorrections.map((c) => c.type)).toEqual(['Erratum for']);
    expect(flagsFor({ europepmc: erratum })).toEqual([]);
  });

  it('maps Europe PMC "Erratum in" and "Expression of concern in" to notice links', () => {
    const record: EuropePmcRecord = {
      ...cancerRecord('10.1002/hpja.70059'),
      commentCorrections: [
        { type: 'Erratum in', id: '40000001', source: 'MED' },
        { type: 'Expression of concern in', id: 'PMC1234567', source: 'PMC' },
        { type: 'Comment in', id: '40000002', source: 'MED' },
      ],
    };
    expect(flagsFor({ europepmc: record })).toEqual([
      { kind: 'expression-of-concern', label: 'Expression of concern', url: 'https://europepmc.org/article/PMC/PMC1234567' },
      { kind: 'correction', label: 'Correction', url: 'https://pubmed.ncbi.nlm.nih.gov/40000001/' },
    ]);
  });

  it('flags OpenAlex is_retracted and keeps the linked flag when sources agree', () => {
    const work = openalex('openalex-doi-url-10.1073_pnas.1414271111.json');
    expect(flagsFor({ openalex: work })).toEqual([]);
    const retracted = { ...work, isRetracted: true };
    expect(flagsFor({ openalex: retracted })).toEqual([{ kind: 'retracted', label: 'Retracted' }]);
    expect(flagsFor({ openalex: retracted, europepmc: retractedRecord() })).toEqual([
      { kind: 'retracted', label: 'Retracted', url: 'https://pubmed.ncbi.nlm.nih.gov/41926417/' },
    ]);
  });

  it('gives no link for an update that names the work itself, so a linked source wins', () => {
    const self: CrossrefWork = { DOI: RETRACTED_DOI, 'updated-by': [{ DOI: RETRACTED_DOI.toUpperCase(), type: 'retraction' }] };
    expect(flagsFor({ crossref: self })).toEqual([{ kind: 'retracted', label: 'Retracted' }]);
    expect(flagsFor({ crossref: self, europepmc: retractedRecord() })[0]?.url).toBe('https://pubmed.ncbi.nlm.nih.gov/41926417/');
  });
});

const doiN = (i: number) => `10.5555/test.${String(i).padStart(4, '0')}`;

interface Calls {
  europepmc: string[][];
  openalex: string[][];
  unpaywall: string[][];
}

/** Stub clients answering from fixture records (re-keyed to the asked DOI); they record every call. */
function stubClients(
  over: { failEuropePmc?: (batch: string[]) => boolean; failOpenAlex?: (batch: string[]) => boolean; enabled?: boolean } = {},
  crossrefWorks?: Map<string, CrossrefWork>,
): { clients: EnrichClients; calls: Calls } {
  const calls: Calls = { europepmc: [], openalex: [], unpaywall: [] };
  const epmc = retractedRecord();
  // Closed in OpenAlex (no best_oa_location, no PMCID), so Unpaywall's copy decides the link.
  const oa = openalex('openalex-doi-url-10.1007_s40278-023-41815-2.json');
  const up = unpaywall('10.1103/physreve.88.012814');
  const clients: EnrichClients = {
    europepmc: {
      byDois: async (dois) => {
        calls.europepmc.push(dois);
        if (over.failEuropePmc?.(dois)) throw new ServiceError('europepmc', 'http', 'Europe PMC unavailable (HTTP 503)', { status: 503 });
        return new Map(dois.map((d) => [d, { ...epmc, doi: d }]));
      },
    },
    openalex: {
      enabled: over.enabled ?? true,
      byDois: async (dois) => {
        calls.openalex.push(dois);
        if (over.failOpenAlex?.(dois)) throw new Error('socket hang up');
        return new Map(dois.map((d) => [d, { ...oa, doi: d, isRetracted: true }]));
      },
    },
    unpaywall: {
      enabled: over.enabled ?? true,
      lookupMany: async (dois) => {
        calls.unpaywall.push(dois);
        return new Map(dois.map((d) => [d, { ...up, doi: d }]));
      },
    },
  };
  if (crossrefWorks) clients.crossrefWorks = crossrefWorks;
  return { clients, calls };
}

const ALL_ON = { services: { unpaywall: true, europepmc: true, openalex: true } };

describe('enrich', () => {
  it('batches: ≤50 DOIs per Europe PMC call, ≤100 per OpenAlex call, one Unpaywall call per DOI; duplicates asked once', async () => {
    const works = [
      ...Array.from({ length: 120 }, (_, i) => ({ doi: doiN(i) })),
      { doi: doiN(3).toUpperCase() },
      { pmcid: 'PMC4234579' },
      {},
    ];
    const { clients, calls } = stubClients();
    const out = await enrich(works, clients, ALL_ON);
    expect(calls.europepmc.map((b) => b.length)).toEqual([50, 50, 20]);
    expect(calls.openalex.map((b) => b.length)).toEqual([100, 20]);
    expect(calls.unpaywall).toHaveLength(120);
    expect(calls.unpaywall.every((b) => b.length === 1)).toBe(true);
    expect(new Set(calls.europepmc.flat()).size).toBe(120);
    expect(out).toHaveLength(works.length);
    expect(out[0]!.oa).toEqual({ url: 'https://link.aps.org/accepted/10.1103/PhysRevE.88.012814', version: 'accepted', host: 'publisher' });
    expect(out[120]!.flags).toEqual(out[3]!.flags);
    expect(out[0]!.flags).toEqual([{ kind: 'retracted', label: 'Retracted', url: 'https://pubmed.ncbi.nlm.nih.gov/41926417/' }]);
    expect(out[121]).toEqual({ oa: { url: 'https://pmc.ncbi.nlm.nih.gov/articles/PMC4234579/', version: 'unknown', host: 'PMC' }, flags: [], failures: [] });
    expect(out[122]).toEqual({ flags: [], failures: [] });
  });

  it('keeps the other services’ answers when one fails, and reports the failure only for the failed batch', async () => {
    const works = Array.from({ length: 150 }, (_, i) => ({ doi: doiN(i) }));
    const crossrefWorks = new Map([[doiN(0), { ...crossref('crossref-doi-10.1371_journal.pone.0033693.json'), DOI: doiN(0) }]]);
    const { clients } = stubClients(
      { failEuropePmc: () => true, failOpenAlex: (batch) => batch.includes(doiN(120)) },
      crossrefWorks,
    );
    const out = await enrich(works, clients, ALL_ON);
    // Europe PMC down everywhere; OpenAlex's second batch (DOIs 100-149) failed; Unpaywall and Crossref answered.
    expect(out[0]!.failures).toEqual(['Europe PMC unavailable (HTTP 503)']);
    expect(out[0]!.flags.map((f) => f.kind)).toEqual(['retracted', 'correction']);
    expect(out[0]!.oa?.version).toBe('accepted');
    expect(out[99]!.flags).toEqual([{ kind: 'retracted', label: 'Retracted' }]);
    expect(out[120]!.failures).toEqual(['Europe PMC unavailable (HTTP 503)', 'OpenAlex lookup failed: socket hang up']);
    expect(out[120]!.flags).toEqual([]);
    expect(out[120]!.oa?.host).toBe('publisher');
  });

  it('never looks up or flags the page’s own article', async () => {
    const retracted = { DOI: doiN(1), 'updated-by': [{ DOI: '10.5555/notice', type: 'retraction' }] };
    const { clients, calls } = stubClients({}, new Map([[doiN(1), retracted]]));
    const out = await enrich([{ doi: doiN(1), pmcid: 'PMC11516011', isOwnArticle: true }, { doi: doiN(2) }], clients, ALL_ON);
    expect(out[0]).toEqual({ flags: [], failures: [] });
    expect(out[1]!.flags.map((f) => f.kind)).toEqual(['retracted']);
    const asked = [...calls.europepmc, ...calls.openalex, ...calls.unpaywall].flat();
    expect(asked).not.toContain(doiN(1));
    expect(asked).toContain(doiN(2));
  });

  it('sends nothing for services switched off, or without an email / API key', async () => {
    const works = [{ doi: doiN(1), pmcid: 'PMC7151271' }];
    const off = stubClients();
    const out = await enrich(works, off.clients, { services: { unpaywall: false, europepmc: false, openalex: false } });
    expect(off.calls).toEqual({ europepmc: [], openalex: [], unpaywall: [] });
    expect(out[0]).toEqual({ oa: { url: 'https://pmc.ncbi.nlm.nih.gov/articles/PMC7151271/', version: 'unknown', host: 'PMC' }, flags: [], failures: [] });

    const noCredentials = stubClients({ enabled: false });
    await enrich(works, noCredentials.clients, ALL_ON);
    expect(noCredentials.calls.unpaywall).toEqual([]);
    expect(noCredentials.calls.openalex).toEqual([]);
    expect(noCredentials.calls.europepmc).toEqual([[doiN(1)]]);
  });

  it('with the real clients: ceil(N/50) Europe PMC requests, ceil(N/100) OpenAlex requests, N Unpaywall requests', async () => {
    const requests: Array<{ service: string; url: string }> = [];
    const epmcRaw = json('europepmc-EXT_ID-39466770-retracted-OA.json').resultList.result[0];
    const oaRaw = json('openalex-doi-url-10.1007_s40278-023-41815-2.json');
    const upRaw = json('unpaywall-10.1103_physreve.88.012814.json');
    const http = {
      request: async (service: string, url: string) => {
        requests.push({ service, url });
        const u = new URL(url);
        if (service === 'europepmc') {
          const dois = [...(u.searchParams.get('query') ?? '').matchAll(/DOI:"([^"]+)"/g)].map((m) => m[1]);
          return { hitCount: dois.length, resultList: { result: dois.map((doi) => ({ ...epmcRaw, doi })) } };
        }
        if (service === 'openalex') {
          const dois = (u.searchParams.get('filter') ?? '').replace(/^doi:/, '').split('|');
          return { meta: { count: dois.length }, results: dois.map((d) => ({ ...oaRaw, doi: `https://doi.org/${d}` })) };
        }
        const doi = decodeURIComponent(u.pathname.replace(/^\/v2\//, ''));
        return { ...upRaw, doi };
      },
    } as unknown as Http;
    const real = (settings: ServiceSettings) => {
      const deps: ClientDeps = { http, settings: () => settings };
      return { unpaywall: new UnpaywallClient(deps), europepmc: new EuropePmcClient(deps), openalex: new OpenAlexClient(deps) };
    };
    const n = 137;
    const works = Array.from({ length: n }, (_, i) => ({ doi: doiN(i) }));

    const out = await enrich(works, real({ email: 'reader@example.org', openalexApiKey: 'k' }), ALL_ON);
    const count = (s: string) => requests.filter((r) => r.service === s).length;
    expect(count('europepmc')).toBe(Math.ceil(n / 50));
    expect(count('openalex')).toBe(Math.ceil(n / 100));
    expect(count('unpaywall')).toBe(n);
    expect(out.every((r) => r.flags[0]?.kind === 'retracted' && r.oa?.version === 'accepted' && r.failures.length === 0)).toBe(true);

    requests.length = 0;
    await enrich(works, real({ email: '', openalexApiKey: '' }), ALL_ON);
    expect(requests.map((r) => r.service)).toEqual(['europepmc', 'europepmc', 'europepmc']);
  });
});
