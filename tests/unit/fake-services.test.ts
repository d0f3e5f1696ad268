// @vitest-environment node
import { readFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  loadRecords,
  parseRecords,
  startFakeServices,
  type FakeRecord,
  type FakeServices,
} from '../fake-services/server.ts';
import { generate } from 'selfsigned';

const FIXTURES = new URL('../fixtures/api/', import.meta.url);
const SEED = new URL('../fixtures/fake-records/seed.json', import.meta.url);

function fixtureText(path: string): string {
  return readFileSync(new URL(path, FIXTURES), 'utf8');
}
function fixture<T = any>(path: string): T {
  return JSON.parse(fixtureText(path)) as T;
}
function keys(obj: unknown): string[] {
  return Object.keys(obj as object).sort();
}
function union(...objs: unknown[]): Set<string> {
  return new Set(objs.flatMap((o) => Object.keys(o as object)));
}
function outside(obj: unknown, allowed: Set<string>): string[] {
  return Object.keys(obj as object).filter((k) => !allowed.has(k));
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  json: () => any;
}

/** Sends the real service URL to the fake's port with the real Host header. */
function call(port: number, url: string, opts: { method?: string; body?: string; headers?: Record<string, string>; timeoutMs?: number; rawPath?: string } = {}): Promise<Reply> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.rawPath ?? `${u.pathname}${u.search}`, headers: { host: u.host, ...opts.headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode!, headers: res.headers, body, json: () => JSON.parse(body) });
        });
      },
    );
    if (opts.timeoutMs) req.setTimeout(opts.timeoutMs, () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end(opts.body);
  });
}

const records = loadRecords(SEED.pathname);
const byDoi = new Map(records.map((r) => [r.doi.toLowerCase(), r]));
const rec = (doi: string): FakeRecord => byDoi.get(doi.toLowerCase())!;

const MURTHY_REF = 'Murthy RK, Loi S, Okines A, et al. Tucatinib, Trastuzumab, and Capecitabine for HER2-Positive Metastatic Breast Cancer. N Engl J Med. 2020; 382: 597-609';
const SWAIN_REF = 'Swain SM, Baselga J, Kim S-B, et al. Pertuzumab, Trastuzumab, and Docetaxel in HER2-positive metastatic breast cancer A BS TR AC T. N Engl J Med. 2015; 372: 724-758';
const DELLINGER_REF = 'Dellinger BJ, CE J. Adenocarcinoma of the kidney with metastasis to the lung: cured by nephrectomy and lobectomy1. J Urol. 1939; 42: 269-276';

describe('fake services: shapes against real recordings', () => {
  let fake: FakeServices;
  let get: (url: string, opts?: Parameters<typeof call>[2]) => Promise<Reply>;

  beforeAll(async () => {
    fake = await startFakeServices({ records, port: 0 });
    get = (url, opts) => call(fake.port, url, opts);
  });
  afterAll(() => fake.close());

  describe('Crossref', () => {
    const singleKeys = union(
      fixture('crossref/works-doi-10.1371_journal.pone.0033693.json').message,
      fixture('crossref/works-doi-10.1073_pnas.1414271111.json').message,
      { 'update-to': [] }, // only quoted (rest-api-doc#205), never in a full recording
    );

    it('GET /works/{doi} answers the envelope and a message with only recorded keys', async () => {
      const r = await get('https://api.crossref.org/works/10.1056/NEJMoa1914609');
      expect(r.status).toBe(200);
      const real = fixture('crossref/works-doi-10.1371_journal.pone.0033693.json');
      const body = r.json();
      expect(keys(body)).toEqual(keys(real));
      expect(body['message-type']).toBe('work');
      expect(outside(body.message, singleKeys)).toEqual([]);
      for (const k of ['DOI', 'title', 'author', 'container-title', 'short-container-title', 'issued', 'volume', 'issue', 'page', 'type', 'URL', 'score']) {
        expect(body.message).toHaveProperty(k);
      }
      expect(body.message.title).toEqual(['Tucatinib, Trastuzumab, and Capecitabine for HER2-Positive Metastatic Breast Cancer']);
      expect(body.message['container-title']).toEqual(['New England Journal of Medicine']);
      expect(body.message.DOI).toBe('10.1056/nejmoa1914609');
      expect(body.message.score).toBe(1);
      expect(body.message.issued['date-parts']).toEqual([[2020, 2, 13]]);
      const realAuthorKeys = union(...real.message.author);
      for (const a of body.message.author) expect(outside(a, realAuthorKeys)).toEqual([]);
      expect(body.message.author[0]).toMatchObject({ given: 'Rashmi K.', family: 'Murthy', sequence: 'first' });
    });

    it('escapes "/" like Crossref and accepts a %2F-encoded DOI', async () => {
      expect(fixtureText('crossref/works-query-ecology-select-DOI+title.json')).toContain('"10.1093\\/obo');
      const raw = await get('https://api.crossref.org/works/10.1056/NEJMoa1914609');
      const encoded = await get('https://api.crossref.org/works/10.1056%2FNEJMoa1914609');
      expect(raw.body).toContain('"DOI":"10.1056\\/nejmoa1914609"');
      expect(encoded.status).toBe(200);
      expect(encoded.body).toBe(raw.body);
    });

    it('public pool headers without mailto, polite pool with mailto, as recorded', async () => {
      const publicRec = fixture('crossref/works-doi-404-10.1371_notarealdoi.headers.json').headers;
      const politeRec = fixture('crossref/works-doi-10.1002_jor.1100150407.headers.json').headers;
      const pub = await get('https://api.crossref.org/works/10.1056/NEJMoa1914609');
      const polite = await get('https://api.crossref.org/works/10.1056/NEJMoa1914609?mailto=team@reflens.test');
      const viaAgent = await get('https://api.crossref.org/works/10.1056/NEJMoa1914609', { headers: { 'user-agent': 'RefLens/0.1 (mailto:team@reflens.test)' } });
      for (const h of ['x-api-pool', 'x-rate-limit-limit', 'x-rate-limit-interval', 'x-concurrency-limit', 'access-control-allow-origin', 'access-control-expose-headers', 'server']) {
        expect(pub.headers[h], h).toBe(publicRec[h]);
        expect(polite.headers[h], h).toBe(politeRec[h]);
      }
      expect(viaAgent.headers['x-api-pool']).toBe('polite');
      expect(polite.headers['content-type']).toBe(politeRec['content-type']);
    });

    it('unknown DOI: 404 plain text "Resource not found."', async () => {
      const r = await get('https://api.crossref.org/works/10.1371/notarealdoi');
      expect(r.status).toBe(404);
      expect(r.body).toBe(fixtureText('crossref/works-doi-404-10.1371_notarealdoi.txt'));
      expect(r.headers['content-type']).toBe(fixture('crossref/works-doi-404-10.1371_notarealdoi.headers.json').headers['content-type']);
    });

    it('field queries on /works/{doi} give the recorded 400', async () => {
      const r = await get('https://api.crossref.org/works/10.1056/NEJMoa1914609?query.author=murthy');
      expect(r.status).toBe(400);
      expect(r.json()).toEqual(fixture('crossref/works-doi-400-query-param-not-allowed.json'));
    });

    it('query.bibliographic ranks the cited work first with a Crossref-scale float score', async () => {
      const r = await get(`https://api.crossref.org/works?query.bibliographic=${encodeURIComponent(MURTHY_REF)}&rows=5`);
      const real = fixture('crossref/works-query-ecology-rows2.json');
      const body = r.json();
      expect(keys(body.message)).toEqual(keys(real.message));
      expect(body.message.query).toEqual({ 'start-index': 0, 'search-terms': null });
      expect(body.message['items-per-page']).toBe(5);
      const items = body.message.items as Array<{ DOI: string; score: number }>;
      expect(items).toHaveLength(5);
      expect(items[0]!.DOI).toBe('10.1056/nejmoa1914609');
      // Near-duplicate (the authors' Reply, same journal/volume) comes second but clearly lower.
      expect(items[1]!.DOI).toBe('10.5555/reflens.d02');
      const scores = items.map((i) => i.score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      expect(scores[0]! / MURTHY_REF.length).toBeGreaterThan(0.5);
      expect(scores[0]!).toBeLessThan(1000);
      expect(scores[1]!).toBeLessThan(scores[0]! * 0.9);
      const itemKeys = union(...real.message.items, ...[...singleKeys].map((k) => ({ [k]: 1 })));
      for (const item of items) expect(outside(item, itemKeys)).toEqual([]);
    });

    it('query.bibliographic tolerates page errors and leaves the excluded work unmatched', async () => {
      const swain = (await get(`https://api.crossref.org/works?query.bibliographic=${encodeURIComponent(SWAIN_REF)}&rows=2`)).json();
      expect(swain.message.items[0].DOI).toBe('10.1056/nejmoa1413513');
      const dellinger = (await get(`https://api.crossref.org/works?query.bibliographic=${encodeURIComponent(DELLINGER_REF)}&rows=3`)).json();
      // Crossref's matcher keeps a candidate only when score / len(query) >= 0.4.
      expect(dellinger.message.items[0].score / DELLINGER_REF.length).toBeLessThan(0.4);
    });

    it('query= fills search-terms; select= keeps only the selected keys and drops score', async () => {
      const q = (await get('https://api.crossref.org/works?query=trastuzumab&rows=2')).json();
      expect(q.message.query['search-terms']).toBe('trastuzumab');
      const sel = (await get('https://api.crossref.org/works?query.bibliographic=cancer%20statistics%202020&rows=3&select=DOI,title')).json();
      const real = fixture('crossref/works-query.title-augmenting-rows1-select-DOI+title.json');
      expect(keys(sel)).toEqual(keys(real));
      for (const item of sel.message.items) expect(keys(item)).toEqual(keys(real.message.items[0]));
      expect(sel.message.items[0].DOI).toBe('10.3322/caac.21590');
    });

    it('filter=doi batch returns exactly the known DOIs, comma-joined or repeated', async () => {
      const a = await get('https://api.crossref.org/works?filter=doi:10.1056/NEJMoa1914609,doi:10.5555/reflens.s23,doi:10.9999/unknown&rows=10');
      const b = await get('https://api.crossref.org/works?filter=doi:10.1056/NEJMoa1914609&filter=doi:10.5555/reflens.s23&rows=10');
      for (const r of [a, b]) {
        const m = r.json().message;
        expect(m['total-results']).toBe(2);
        expect(m.items.map((i: { DOI: string }) => i.DOI).sort()).toEqual(['10.1056/nejmoa1914609', '10.5555/reflens.s23']);
        expect(m.items.every((i: { score: number }) => i.score === 0)).toBe(true);
      }
    });

    it('retraction and correction show as updated-by on the work and update-to on the notice', async () => {
      const work = (await get('https://api.crossref.org/works/10.5555/reflens.s23')).json().message;
      const pone = fixture('crossref/works-doi-10.1371_journal.pone.0033693.json').message;
      expect(work['updated-by']).toHaveLength(1);
      expect(keys(work['updated-by'][0])).toEqual(keys(pone['updated-by'][0]));
      expect(work['updated-by'][0]).toMatchObject({ DOI: '10.5555/reflens.n01', type: 'retraction', label: 'Retraction', source: 'publisher' });
      const notice = (await get('https://api.crossref.org/works/10.5555/reflens.n01')).json().message;
      expect(notice['update-to']).toEqual([expect.objectContaining({ DOI: '10.5555/reflens.s23', type: 'retraction' })]);
      const corrected = (await get('https://api.crossref.org/works/10.5555/reflens.s19')).json().message;
      expect(corrected['updated-by'][0]).toMatchObject({ DOI: '10.5555/reflens.n02', type: 'correction' });
    });

    it('rows above 1000 is a validation failure', async () => {
      const r = await get('https://api.crossref.org/works?query=x&rows=2000');
      expect(r.status).toBe(400);
      expect(r.json()).toMatchObject({ status: 'failed', 'message-type': 'validation-failure', message: [{ type: 'integer-not-valid' }] });
    });
  });

  describe('NCBI E-utilities', () => {
    it('ecitmatch echoes the input line with the PMID, as recorded', async () => {
      const real = fixtureText('ncbi/ecitmatch-1-citation.txt');
      const r = await get('https://eutils.ncbi.nlm.nih.gov/entrez/eutils/ecitmatch.cgi?db=pubmed&retmode=xml&bdata=n+engl+j+med|2020|382|597|murthy+rk|ref_1|');
      expect(r.status).toBe(200);
      expect(r.body).toBe('n engl j med|2020|382|597|murthy rk|ref_1|31825569\n');
      expect(r.body.split('|')).toHaveLength(real.split('|').length);
      expect(r.body.endsWith('\n')).toBe(real.endsWith('\n'));
    });

    it('ecitmatch answers one line per %0D-separated citation', async () => {
      const bdata = ['breast|2014|23|44|rossi+v|a|', 'j+urol|1939|42|269|dellinger+bj|b|', 'n+engl+j+med|2015|372|724|swain+sm|c|', 'n+engl+j+med|2020|382|||d|', 'cancer|2007|110|999|chia+sk|e|'].join('%0D');
      const r = await get(`https://eutils.ncbi.nlm.nih.gov/entrez/eutils/ecitmatch.cgi?db=pubmed&retmode=xml&bdata=${bdata}`);
      expect(r.body.split('\n').filter(Boolean)).toEqual([
        'breast|2014|23|44|rossi v|a|99000023',
        'j urol|1939|42|269|dellinger bj|b|NOT_FOUND;INVALID_JOURNAL',
        'n engl j med|2015|372|724|swain sm|c|25693012',
        expect.stringMatching(/^n engl j med\|2020\|382\|\|\|d\|AMBIGUOUS \(\d+ citations\)$/),
        'cancer|2007|110|999|chia sk|e|NOT_FOUND',
      ]);
    });

    it('esummary JSON has the recorded keys, string values and uids first', async () => {
      const real = fixture('ncbi/esummary-pubmed-json-28806736.json');
      const r = await get('https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esummary.fcgi?db=pubmed&id=99000037,31825569&retmode=json');
      const body = r.json();
      expect(body.header).toEqual(real.header);
      expect(body.result.uids).toEqual(['99000037', '31825569']);
      expect(r.body.indexOf('"uids"')).toBeLessThan(r.body.indexOf('"99000037": {'));
      const doc = body.result['99000037'];
      expect(keys(doc)).toEqual(keys(real.result['28806736']));
      for (const k of ['pubdate', 'source', 'fulljournalname', 'volume', 'issue', 'pages', 'title', 'uid']) expect(typeof doc[k], k).toBe('string');
      expect(doc.authors[0]).toEqual({ name: 'Prior L', authtype: 'Author', clusterid: '' });
      expect(keys(doc.articleids[0])).toEqual(keys(real.result['28806736'].articleids[0]));
      expect(doc.articleids).toEqual(expect.arrayContaining([
        { idtype: 'doi', idtypen: 3, value: '10.5555/reflens.s37' },
        { idtype: 'pmc', idtypen: 8, value: 'PMC99000001' },
      ]));
      expect(body.result['31825569'].pages).toBe('597-609');
      expect(body.result['31825569'].source).toBe('N Engl J Med');
    });

    it('esummary marks the retracted work and links its notice', async () => {
      const body = (await get('https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esummary.fcgi?db=pubmed&id=99000023,99000101&retmode=json')).json();
      expect(body.result['99000023'].pubtype).toContain('Retracted Publication');
      expect(body.result['99000023'].references).toEqual([expect.objectContaining({ reftype: 'Retraction in', pmid: '99000101' })]);
      expect(body.result['99000101'].pubtype).toContain('Retraction of Publication');
      const unknown = (await get('https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esummary.fcgi?db=pubmed&id=12&retmode=json')).json();
      expect(unknown.result.uids).toEqual(['12']);
      expect(unknown.result['12']).toHaveProperty('error');
    });

    it('esearch finds a PMID by [doi] in the recorded envelope', async () => {
      const real = fixture('ncbi/esearch-pubmed-json-term-eye.json');
      const body = (await get('https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi?db=pubmed&term=10.1056/NEJMoa1413513[doi]&retmode=json')).json();
      expect(body.header).toEqual(real.header);
      expect(outside(body.esearchresult, new Set(Object.keys(real.esearchresult)))).toEqual([]);
      expect(body.esearchresult).toMatchObject({ count: '1', idlist: ['25693012'] });
    });
  });

  describe('PMC ID converter', () => {
    it('old endpoint: recorded record shape, string "current", ISO-8859-1 content type', async () => {
      const real = fixture('ncbi/idconv-json-doi-10.1038_ng.590.json');
      const realHeaders = fixture('ncbi/idconv-json-doi-10.1038_ng.590.headers.json').headers;
      const r = await get('https://www.ncbi.nlm.nih.gov/pmc/utils/idconv/v1.0/?tool=reflens&email=team%40reflens.test&ids=10.5555%2Freflens.s37&format=json');
      expect(r.headers['content-type']).toBe(realHeaders['content-type']);
      const body = r.json();
      expect(keys(body)).toEqual(keys(real));
      expect(typeof body.request).toBe('string');
      expect(keys(body.records[0])).toEqual(keys(real.records[0]));
      expect(body.records[0]).toMatchObject({ pmcid: 'PMC99000001', pmid: '99000037', doi: '10.5555/reflens.s37' });
      expect(body.records[0].versions.at(-1).current).toBe('true');
    });

    it('old endpoint: idtype mismatch is the recorded 404 error', async () => {
      const real = fixture('ncbi/idconv-json-404-idtype-doi-with-pmid.json');
      const r = await get('https://www.ncbi.nlm.nih.gov/pmc/utils/idconv/v1.0/?ids=99000037&idtype=doi&format=json');
      expect(r.status).toBe(404);
      expect(keys(r.json())).toEqual(keys(real));
      expect(r.json().message).toBe('ID%20type%20%27doi%27%20mismatch%20for%20%2799000037%27');
    });

    it('new endpoint: requested-id per record, numeric pmid, up to 200 ids', async () => {
      const r = await get('https://pmc.ncbi.nlm.nih.gov/tools/idconv/api/v1/articles/?ids=99000043,PMC99000003,10.1056/NEJMoa1914609&format=json');
      expect(r.headers['content-type']).toBe('application/json; charset=ISO-8859-1');
      const body = r.json();
      expect(body.status).toBe('ok');
      expect(body.records).toEqual([
        { pmid: 99000043, pmcid: 'PMC99000002', doi: '10.5555/reflens.s43', 'requested-id': '99000043' },
        { pmid: 99000011, pmcid: 'PMC99000003', doi: '10.5555/reflens.s11', 'requested-id': 'PMC99000003' },
        { doi: '10.1056/NEJMoa1914609', 'requested-id': '10.1056/NEJMoa1914609' },
      ]);
      const ids = Array.from({ length: 201 }, (_, i) => String(99000001 + i)).join(',');
      const tooMany = await get(`https://pmc.ncbi.nlm.nih.gov/tools/idconv/api/v1/articles/?ids=${ids}&format=json`);
      expect(tooMany.status).toBe(400);
      expect(tooMany.json().status).toBe('error');
      const twoHundred = await get(`https://pmc.ncbi.nlm.nih.gov/tools/idconv/api/v1/articles/?ids=${ids.split(',').slice(0, 200).join(',')}&format=json`);
      expect(twoHundred.json().records).toHaveLength(200);
    });
  });

  describe('Europe PMC', () => {
    const realCore = fixture('europepmc/search-EXT_ID-39466770-SRC_MED-core-pageSize1-retracted-OA.json');
    const realCore2 = fixture('europepmc/search-query-cancer-resultType-core.json');
    const coreKeys = union(realCore.resultList.result[0], ...realCore2.resultList.result);

    it('DOI:"a" OR DOI:"b" core search: recorded envelope and result keys, Y/N flags', async () => {
      const q = encodeURIComponent('DOI:"10.5555/reflens.s23" OR DOI:"10.5555/reflens.s37" OR DOI:"10.9999/none"');
      const r = await get(`https://www.ebi.ac.uk/europepmc/webservices/rest/search?query=${q}&resultType=core&format=json&pageSize=100`);
      expect(r.headers['content-type']).toBe('application/json;charset=UTF-8');
      const body = r.json();
      expect(outside(body, union(realCore2))).toEqual([]);
      expect(keys(body.request)).toEqual(keys(realCore2.request));
      expect(body.hitCount).toBe(2);
      for (const res of body.resultList.result) {
        expect(outside(res, coreKeys)).toEqual([]);
        for (const flag of ['isOpenAccess', 'inEPMC', 'inPMC', 'hasPDF']) expect(['Y', 'N']).toContain(res[flag]);
        expect(outside(res.journalInfo, union(realCore.resultList.result[0].journalInfo))).toEqual([]);
      }
      const byId = new Map(body.resultList.result.map((x: { doi: string }) => [x.doi, x]));
      const retracted: any = byId.get('10.5555/reflens.s23');
      expect(retracted.pubTypeList.pubType).toContain('Retracted Publication');
      expect(retracted.commentCorrectionList.commentCorrection[0]).toMatchObject({ type: 'Retraction in', id: '99000101', source: 'MED' });
      expect(keys(retracted.commentCorrectionList.commentCorrection[0])).toEqual(keys(realCore.resultList.result[0].commentCorrectionList.commentCorrection[0]));
      const oa: any = byId.get('10.5555/reflens.s37');
      expect(oa).toMatchObject({ pmcid: 'PMC99000001', isOpenAccess: 'Y', inPMC: 'Y', license: 'cc by' });
      expect(oa.fullTextUrlList.fullTextUrl).toEqual(expect.arrayContaining([
        expect.objectContaining({ availabilityCode: 'OA', site: 'Europe_PMC', documentStyle: 'pdf' }),
      ]));
      for (const u of oa.fullTextUrlList.fullTextUrl) expect(keys(u)).toEqual(keys(realCore.resultList.result[0].fullTextUrlList.fullTextUrl[0]));
    });

    it('EXT_ID/SRC, PMCID and plain queries; lite and idlist shapes', async () => {
      const ext = (await get(`https://www.ebi.ac.uk/europepmc/webservices/rest/search?query=${encodeURIComponent('(EXT_ID:31825569 AND SRC:MED)')}&resultType=core&format=json`)).json();
      expect(ext.resultList.result.map((x: { doi: string }) => x.doi)).toEqual(['10.1056/nejmoa1914609']);
      const pmc = (await get(`https://www.ebi.ac.uk/europepmc/webservices/rest/search?query=PMCID:PMC99000002&format=json`)).json();
      const realLite = fixture('europepmc/search-query-cancer-resultType-lite.json');
      expect(outside(pmc.resultList.result[0], union(...realLite.resultList.result, { pmcid: 1, fullTextIdList: 1 }))).toEqual([]);
      expect(pmc.resultList.result[0].doi).toBe('10.5555/reflens.s43');
      const plain = (await get(`https://www.ebi.ac.uk/europepmc/webservices/rest/search?query=${encodeURIComponent('tucatinib capecitabine')}&resultType=idlist&format=json`)).json();
      const realIdlist = fixture('europepmc/search-query-cancer-resultType-idlist.json');
      for (const res of plain.resultList.result) expect(outside(res, union(...realIdlist.resultList.result))).toEqual([]);
      expect(plain.resultList.result.map((x: { pmid: string }) => x.pmid)).toContain('31825569');
    });

    it('no hits: the recorded empty shape; cursorMark pages', async () => {
      const real = fixture('europepmc/search-no-results.json');
      const none = (await get('https://www.ebi.ac.uk/europepmc/webservices/rest/search?query=asdkfjhasdkfjh&resultType=lite&synonym=FALSE&pageSize=25&format=json')).json();
      expect(none).toEqual({ ...real, request: { ...real.request, queryString: 'asdkfjhasdkfjh' } });
      const first = (await get(`https://www.ebi.ac.uk/europepmc/webservices/rest/search?query=breast&format=json&pageSize=5&resultType=idlist`)).json();
      expect(first.resultList.result).toHaveLength(5);
      const next = (await get(`https://www.ebi.ac.uk/europepmc/webservices/rest/search?query=breast&format=json&pageSize=5&resultType=idlist&cursorMark=${encodeURIComponent(first.nextCursorMark)}`)).json();
      const ids = (x: any) => x.resultList.result.map((y: { id: string }) => y.id);
      expect(ids(next).some((id: string) => ids(first).includes(id))).toBe(false);
    });
  });

  describe('OpenAlex', () => {
    const realList = fixture('openalex/works-filter-openalex-W3045921891+W3046863325-OR-per-page1.json');
    const workKeys = union(...realList.results, fixture('openalex/works-doi-url-10.1073_pnas.1414271111.json'));

    it('requires api_key: 401 with the recorded JSON body', async () => {
      const r = await get('https://api.openalex.org/works/https://doi.org/10.1056/NEJMoa1914609');
      expect(r.status).toBe(401);
      expect(r.json()).toEqual(fixture('openalex/rate-limit-401-invalid-api-key.json'));
    });

    it('single work by DOI URL: URL ids, PMCID digits only, recorded keys', async () => {
      const r = await get('https://api.openalex.org/works/https://doi.org/10.5555%2Freflens.s43?api_key=k');
      const w = r.json();
      expect(outside(w, workKeys)).toEqual([]);
      expect(w.doi).toBe('https://doi.org/10.5555/reflens.s43');
      expect(w.id).toMatch(/^https:\/\/openalex\.org\/W\d+$/);
      expect(w.ids).toMatchObject({ pmid: 'https://pubmed.ncbi.nlm.nih.gov/99000043', pmcid: 'https://www.ncbi.nlm.nih.gov/pmc/articles/99000002' });
      expect(w.authorships[0].author.display_name).toBe('I. Witzel');
      expect(w.open_access).toMatchObject({ is_oa: true, oa_status: 'gold' });
      expect(outside(w.best_oa_location, union(realList.results[0].best_oa_location))).toEqual([]);
      const byId = (await get(`https://api.openalex.org/works/${w.id.split('/').pop()}?api_key=k`)).json();
      expect(byId.doi).toBe(w.doi);
    });

    it('filter=doi:a|b|c answers in its own order, never the request order', async () => {
      const dois = ['10.1056/NEJMoa1914609', '10.5555/reflens.s23', 'https://doi.org/10.5555/reflens.s37', '10.9999/none'];
      const first = (await get(`https://api.openalex.org/works?filter=doi:${dois.join('|')}&api_key=k`)).json();
      expect(keys(first)).toEqual(keys(realList));
      expect(keys(first.meta)).toEqual(keys(realList.meta));
      expect(first.meta.count).toBe(3);
      const order = first.results.map((w: { doi: string }) => w.doi);
      const again = (await get(`https://api.openalex.org/works?filter=doi:${[...order].reverse().map((d: string) => d.replace('https://doi.org/', '')).join('|')}&api_key=k`)).json();
      expect(again.results.map((w: { doi: string }) => w.doi)).toEqual(order);
      const retracted = first.results.find((w: { doi: string }) => w.doi.endsWith('reflens.s23'));
      expect(retracted.is_retracted).toBe(true);
      const tooMany = await get(`https://api.openalex.org/works?filter=doi:${Array.from({ length: 101 }, (_, i) => `10.5555/x${i}`).join('|')}&api_key=k`);
      expect(tooMany.status).toBe(400);
    });

    it('unknown DOI: the recorded HTML 404', async () => {
      const r = await get('https://api.openalex.org/works/https://doi.org/10.1046%2Fj.1365-2699.2003.00795?api_key=k');
      expect(r.status).toBe(404);
      expect(r.body.trim()).toBe(fixtureText('openalex/works-doi-url-404-10.1046_j.1365-2699.2003.00795-select.html').trim());
      expect(r.headers['content-type']).toBe(fixture('openalex/works-doi-url-404.headers.json').headers['content-type']);
    });
  });

  describe('Unpaywall', () => {
    const real = fixture('unpaywall/v2-10.1073_pnas.1414271111.json');

    it('v2/{doi}: the 2025 key set, best location of the right version and host', async () => {
      const r = await get('https://api.unpaywall.org/v2/10.5555/reflens.s11?email=team@reflens.test');
      const body = r.json();
      expect(keys(body)).toEqual(keys(real));
      expect(keys(body.best_oa_location)).toEqual(keys(real.best_oa_location));
      expect(keys(body.z_authors[0])).toEqual(keys(real.z_authors[0]));
      expect(body).toMatchObject({ is_oa: true, oa_status: 'green', has_repository_copy: true });
      expect(body.best_oa_location).toMatchObject({ version: 'acceptedVersion', host_type: 'repository', is_best: true });
      const gold = (await get('https://api.unpaywall.org/v2/10.5555/reflens.s37?email=team@reflens.test')).json();
      expect(gold.best_oa_location).toMatchObject({ host_type: 'publisher', version: 'publishedVersion', license: 'cc-by' });
      expect(gold.oa_locations).toHaveLength(2);
      const closed = (await get('https://api.unpaywall.org/v2/10.1056/NEJMoa1914609?email=team@reflens.test')).json();
      expect(closed).toMatchObject({ is_oa: false, oa_status: 'closed', best_oa_location: null, oa_locations: [] });
    });

    it('unknown DOI is the quoted 404 JSON; missing or placeholder email is 422', async () => {
      const realNotFound = fixture('unpaywall/v2-404-10.1038_s41557-019-0236-7.oadoi-issue-119.json');
      const r = await get('https://api.unpaywall.org/v2/10.1038/s41557-019-0236-7?email=team@reflens.test');
      expect(r.status).toBe(404);
      expect(r.json()).toEqual(realNotFound);
      const missing = await get('https://api.unpaywall.org/v2/10.1056/NEJMoa1914609');
      expect(missing.status).toBe(422);
      expect(keys(missing.json())).toEqual(keys(realNotFound));
      expect((await get('https://api.unpaywall.org/v2/10.1056/NEJMoa1914609?email=test@example.com')).status).toBe(422);
    });

    it('v2/search: results with response, snippet and score', async () => {
      const realSearch = fixture('unpaywall/v2-search-effect_of_native_oxide_layers.json');
      const body = (await get('https://api.unpaywall.org/v2/search?query=cancer%20statistics&email=team@reflens.test')).json();
      expect(keys(body)).toEqual(keys(realSearch));
      expect(keys(body.results[0])).toEqual(keys(realSearch.results[0]));
      expect(body.results[0].snippet).toContain('<b>');
    });
  });
});

describe('fake services: rate limits', () => {
  let fake: FakeServices;
  beforeAll(async () => {
    fake = await startFakeServices({ records, port: 0, rateLimits: true });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('Crossref public pool: the 6th request in a second gets the HTML 429 with Retry-After', async () => {
    const statuses: number[] = [];
    let last: Reply | undefined;
    for (let i = 0; i < 6; i++) {
      last = await call(fake.port, 'https://api.crossref.org/works/10.1056/NEJMoa1914609');
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(last!.headers['content-type']).toBe('text/html');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(last!.body.trim()).toBe(fixtureText('crossref/429-too-many-requests.rest-api-doc-issue-159.html').trim());
    expect(fake.stats().rateLimited).toEqual({ crossref: 1 });
  });

  it('NCBI: 3/s without api_key, 10/s with; 429 JSON as NCBI sends it', async () => {
    const url = 'https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esummary.fcgi?db=pubmed&id=31825569&retmode=json';
    const anon = await Promise.all(Array.from({ length: 4 }, () => call(fake.port, url)));
    expect(anon.map((r) => r.status).sort()).toEqual([200, 200, 200, 429]);
    const limited = anon.find((r) => r.status === 429)!;
    expect(limited.json()).toEqual({ error: 'API rate limit exceeded', 'api-key': '127.0.0.1', count: '4', limit: '3' });
    expect(limited.headers['retry-after']).toBe('1');
    expect(limited.headers['x-ratelimit-limit']).toBe('3');
    const keyed = await Promise.all(Array.from({ length: 11 }, () => call(fake.port, `${url}&api_key=abc`)));
    expect(keyed.filter((r) => r.status === 429)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1050));
    expect((await call(fake.port, url)).status).toBe(200);
  });
});

describe('fake services: rate-limit overrides', () => {
  it('an override sets a limit where the real service documents none', async () => {
    const fake = await startFakeServices({ records, port: 0, rateLimits: { europepmc: { limit: 2, windowMs: 1000 } } });
    try {
      const url = 'https://www.ebi.ac.uk/europepmc/webservices/rest/search?query=PMID:31825569&format=json';
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await call(fake.port, url)).status);
      expect(statuses).toEqual([200, 200, 429]);
      expect(fake.stats().rateLimited).toEqual({ europepmc: 1 });
    } finally {
      await fake.close();
    }
  });
});

describe('fake services: Crossref concurrency limit', () => {
  it('polite pool allows 3 requests in flight, the 4th gets 429', async () => {
    const fake = await startFakeServices({ records, port: 0, rateLimits: true, latencyMs: 300 });
    try {
      const url = 'https://api.crossref.org/works/10.1056/NEJMoa1914609?mailto=team@reflens.test';
      const replies = await Promise.all(Array.from({ length: 4 }, () => call(fake.port, url)));
      expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 200, 429]);
      expect(fake.stats().peakConcurrency['crossref:polite']).toBe(3);
      const publicReplies = await Promise.all(Array.from({ length: 2 }, () => call(fake.port, 'https://api.crossref.org/works/10.1056/NEJMoa1914609')));
      expect(publicReplies.map((r) => r.status).sort()).toEqual([200, 429]);
    } finally {
      await fake.close();
    }
  });
});

describe('fake services: faults, stats and control endpoints', () => {
  let fake: FakeServices;
  const crossrefUrl = 'https://api.crossref.org/works/10.1056/NEJMoa1914609';
  beforeAll(async () => {
    fake = await startFakeServices({ records, port: 0 });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.setFaults({});
    fake.reset();
  });

  it('status500 for the next n requests, then normal answers', async () => {
    fake.setFaults({ crossref: { status500: { times: 2 } } });
    const replies = [await call(fake.port, crossrefUrl), await call(fake.port, crossrefUrl), await call(fake.port, crossrefUrl)];
    expect(replies.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(replies[0]!.json()).toMatchObject({ status: 'error', 'message-type': 'exception' });
    expect(fake.stats().faults).toEqual({ 'crossref:status500': 2 });
  });

  it('malformedJson, htmlError, rate429 with retryAfter, emptyResults', async () => {
    fake.setFaults({ openalex: { malformedJson: true }, unpaywall: { htmlError: true }, ncbi: { rate429: { retryAfter: 7 } }, europepmc: { emptyResults: true }, crossref: { emptyResults: true } });
    const broken = await call(fake.port, 'https://api.openalex.org/works?filter=doi:10.1056/NEJMoa1914609&api_key=k');
    expect(broken.status).toBe(200);
    expect(() => broken.json()).toThrow();
    const html = await call(fake.port, 'https://api.unpaywall.org/v2/10.1056/NEJMoa1914609?email=team@reflens.test');
    expect(html.status).toBe(502);
    expect(html.headers['content-type']).toBe('text/html');
    const limited = await call(fake.port, 'https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esummary.fcgi?db=pubmed&id=31825569&retmode=json');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('7');
    const empty = (await call(fake.port, 'https://www.ebi.ac.uk/europepmc/webservices/rest/search?query=DOI:%2210.1056/NEJMoa1914609%22&format=json')).json();
    expect(empty.hitCount).toBe(0);
    expect((await call(fake.port, crossrefUrl)).body).toBe('Resource not found.');
  });

  it('down resets the connection; hang never answers', async () => {
    fake.setFaults({ crossref: { down: true }, openalex: { hang: true } });
    await expect(call(fake.port, crossrefUrl)).rejects.toThrow(/ECONNRESET|socket hang up/);
    await expect(call(fake.port, 'https://api.openalex.org/works/W1?api_key=k', { timeoutMs: 200 })).rejects.toThrow('client timeout');
    expect(fake.stats().byStatus).toMatchObject({ reset: 1, hang: 1 });
  });

  it('down closes a TLS connection without an answer too (the e2e harness serves HTTPS and turns a throwing handler into a 500)', async () => {
    fake.setFaults({ crossref: { down: true } });
    const pems = await generate([{ name: 'commonName', value: 'api.crossref.org' }], { keySize: 2048 });
    const tlsServer = createHttpsServer({ key: pems.private, cert: pems.cert }, async (req, res) => {
      try {
        await fake.handler(req, res);
      } catch (err) {
        res.writeHead(500).end(String(err));
      }
    });
    await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
    try {
      const { port } = tlsServer.address() as AddressInfo;
      const answer = new Promise<number>((resolve, reject) => {
        const req = httpsRequest(
          { host: '127.0.0.1', port, path: '/works/10.1056/NEJMoa1914609', headers: { host: 'api.crossref.org' }, rejectUnauthorized: false, agent: false },
          (res) => resolve(res.statusCode!),
        );
        req.on('error', reject);
        req.end();
      });
      await expect(answer).rejects.toThrow(/ECONNRESET|socket hang up/);
    } finally {
      await new Promise((r) => tlsServer.close(r));
    }
  });

  it('"all" applies to every service without its own setting; probabilities are seeded', async () => {
    fake.setFaults({ all: { status500: true }, crossref: { status500: false } });
    expect((await call(fake.port, crossrefUrl)).status).toBe(200);
    expect((await call(fake.port, 'https://api.unpaywall.org/v2/10.1056/NEJMoa1914609?email=team@reflens.test')).status).toBe(500);
    const run = async (): Promise<number[]> => {
      fake.setFaults({ crossref: { status500: { probability: 0.5 } } });
      const out: number[] = [];
      for (let i = 0; i < 12; i++) out.push((await call(fake.port, crossrefUrl)).status);
      return out;
    };
    const a = await run();
    expect(await run()).toEqual(a);
    expect(a).toContain(500);
    expect(a).toContain(200);
  });

  it('control endpoints: POST /__fake/faults, GET /__fake/stats, POST /__fake/reset', async () => {
    const set = await call(fake.port, 'http://localhost/__fake/faults', { method: 'POST', body: JSON.stringify({ crossref: { status500: { times: 1 } } }) });
    expect(set.status).toBe(200);
    expect((await call(fake.port, crossrefUrl)).status).toBe(500);
    expect((await call(fake.port, crossrefUrl)).status).toBe(200);
    await call(fake.port, 'https://api.crossref.org/works?query.bibliographic=cancer&rows=1');
    await call(fake.port, 'https://eutils.ncbi.nlm.nih.gov/entrez/eutils/ecitmatch.cgi?db=pubmed&retmode=xml&bdata=x|||||k|');
    const stats = (await call(fake.port, 'http://api.crossref.org/__fake/stats')).json();
    expect(stats.total).toBe(4);
    expect(stats.byService).toEqual({ crossref: 3, ncbi: 1 });
    expect(stats.byRoute).toEqual({ 'crossref works/doi': 2, 'crossref works/query.bibliographic': 1, 'ncbi ecitmatch': 1 });
    expect(stats.log[0]).toMatchObject({ service: 'crossref', route: 'works/doi', status: 500, fault: 'status500', path: '/works/10.1056/NEJMoa1914609' });
    const bad = await call(fake.port, 'http://localhost/__fake/faults', { method: 'POST', body: '{"crossref":{"explode":true}}' });
    expect(bad.status).toBe(400);
    expect((await call(fake.port, 'http://localhost/__fake/reset', { method: 'POST' })).status).toBe(200);
    expect(fake.stats().total).toBe(0);
  });
});

describe('fake services: mounting and routing', () => {
  it('handler mode mounts in a server that routes by Host header', async () => {
    const fake = await startFakeServices({ records, server: 'handler' });
    expect(fake.port).toBe(0);
    const host: Server = createServer((req, res) => {
      if (req.headers.host?.startsWith('example.org')) {
        res.end('page');
        return;
      }
      fake.handler(req, res);
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    const port = (host.address() as AddressInfo).port;
    try {
      expect((await call(port, 'https://example.org/')).body).toBe('page');
      expect((await call(port, 'https://api.crossref.org/works/10.1056/NEJMoa1914609')).status).toBe(200);
      expect(fake.stats().byService).toEqual({ crossref: 1 });
    } finally {
      await fake.close();
      await new Promise<void>((resolve) => host.close(() => resolve()));
    }
  });

  it('own server also routes proxy-style absolute URLs and /<host>/ path prefixes', async () => {
    const fake = await startFakeServices({ records, port: 0 });
    try {
      const proxied = await call(fake.port, 'http://127.0.0.1/', { rawPath: 'http://api.crossref.org/works/10.1056/NEJMoa1914609' });
      expect(proxied.status).toBe(200);
      const prefixed = await call(fake.port, 'http://127.0.0.1/api.unpaywall.org/v2/10.1056/NEJMoa1914609?email=team@reflens.test');
      expect(prefixed.json().doi).toBe('10.1056/nejmoa1914609');
      const unknown = await call(fake.port, 'https://example.org/whatever');
      expect(unknown.status).toBe(404);
    } finally {
      await fake.close();
    }
  });
});

describe('fake services: derived notices', () => {
  it('an expression of concern links work and notice in every service', async () => {
    const work: FakeRecord = {
      doi: '10.5555/eoc.work', pmid: '99100001', title: 'A worrying trial', authors: [{ family: 'Doe', given: 'J.' }],
      container: 'Journal of Tests', containerShort: 'J Tests', year: 2020, volume: '1', page: '1-9',
      expressionOfConcern: { noticeDoi: '10.5555/eoc.notice', date: '2021-03-04' },
    };
    const notice: FakeRecord = { doi: '10.5555/eoc.notice', pmid: '99100002', title: 'Expression of concern: A worrying trial', authors: [], container: 'Journal of Tests', containerShort: 'J Tests', year: 2021, volume: '2', page: '10' };
    const fake = await startFakeServices({ records: [work, notice], port: 0 });
    try {
      const cr = (await call(fake.port, 'https://api.crossref.org/works/10.5555/eoc.work')).json().message;
      expect(cr['updated-by']).toEqual([expect.objectContaining({ DOI: '10.5555/eoc.notice', type: 'expression_of_concern', updated: expect.objectContaining({ 'date-parts': [[2021, 3, 4]] }) })]);
      const pm = (await call(fake.port, 'https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esummary.fcgi?db=pubmed&id=99100001,99100002&retmode=json')).json();
      expect(pm.result['99100001'].pubtype).not.toContain('Retracted Publication');
      expect(pm.result['99100002'].pubtype).toContain('Expression of Concern');
      const ep = (await call(fake.port, 'https://www.ebi.ac.uk/europepmc/webservices/rest/search?query=EXT_ID:99100001&resultType=core&format=json')).json();
      expect(ep.resultList.result[0].commentCorrectionList.commentCorrection[0]).toMatchObject({ type: 'Expression of concern in', id: '99100002' });
      const oa = (await call(fake.port, 'https://api.openalex.org/works/doi:10.5555/eoc.work?api_key=k')).json();
      expect(oa.is_retracted).toBe(false);
      const preflight = await call(fake.port, 'https://api.crossref.org/works/10.5555/eoc.work', { method: 'OPTIONS', headers: { 'access-control-request-headers': 'x-test' } });
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('*');
    } finally {
      await fake.close();
    }
  });
});

describe('fake records', () => {
  it('parses JSON arrays and JSON Lines and rejects bad records with their position', () => {
    const one = { doi: '10.5555/a', title: 'T', authors: [{ family: 'F' }], container: 'C', year: 2000 };
    expect(parseRecords(JSON.stringify([one]))).toHaveLength(1);
    expect(parseRecords(`${JSON.stringify(one)}\n\n${JSON.stringify({ ...one, doi: '10.5555/b' })}\n`)).toHaveLength(2);
    expect(() => parseRecords(JSON.stringify([one, one]))).toThrow(/\[1\].*duplicate doi:10.5555\/a/);
    expect(() => parseRecords(JSON.stringify([{ ...one, doi: 'nope' }]))).toThrow(/\[0\].*not a DOI/);
    expect(() => parseRecords(JSON.stringify([{ ...one, oa: { url: 'ftp://x', version: 'publishedVersion', hostType: 'publisher' } }]))).toThrow(/oa\[0\]\.url/);
  });

  it('seed set: 50 cited works (Dellinger 1939 left out), one retraction, one correction, distractors', () => {
    const cited = records.filter((r) => !/^10\.5555\/reflens\.[dn]/.test(r.doi));
    expect(cited).toHaveLength(50);
    expect(records.some((r) => /kidney/i.test(r.title))).toBe(false);
    expect(cited.filter((r) => r.retracted)).toHaveLength(1);
    expect(cited.filter((r) => r.correctedBy)).toHaveLength(1);
    expect(records.filter((r) => r.doi.startsWith('10.5555/reflens.d')).length).toBeGreaterThanOrEqual(40);
    expect(rec('10.1056/NEJMoa1914609').pmid).toBe('31825569');
    const notices = new Set(records.flatMap((r) => [r.retracted?.noticeDoi, r.correctedBy?.noticeDoi]).filter(Boolean));
    for (const doi of notices) expect(byDoi.has(doi!)).toBe(true);
    for (const r of records.filter((x) => x.doi.startsWith('10.5555/'))) {
      if (r.pmid) expect(Number(r.pmid)).toBeGreaterThan(99_000_000);
      if (r.pmcid) expect(r.pmcid).toMatch(/^PMC99\d{6}$/);
    }
  });
});
