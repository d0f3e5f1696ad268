/**
 * Generated article pages in the Elsevier health / Atypon "core" reference markup (the same item shape as
 * tests/fixtures/pages/elsevier-health/clinical-breast-cancer/index.html), served under real thelancet.com URLs,
 * with matching fake-service records (tests/fake-services/records.ts). Used by tests/e2e/hostile.test.ts with
 * the payloads of tests/fixtures/hostile/payloads.json, and by scripts/bench.ts without payloads.
 *
 * All bibliographic data here is invented: DOIs use Crossref's test prefix 10.5555, PMIDs start at 97000000.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { mulberry32 } from '../fake-services/faults';
import type { FakeRecord } from '../fake-services/records';
import { REPO_ROOT, type RequestHandler } from './harness';

export const PAYLOADS_FILE = join(REPO_ROOT, 'tests/fixtures/hostile/payloads.json');
export const HOSTILE_URL = 'https://www.thelancet.com/journals/lancet/article/PIIS0140-6736(99)99999-9/fulltext';
export const BIG_LIST_URL = 'https://www.thelancet.com/journals/lancet/article/PIIS0140-6736(99)99998-7/fulltext';

export type PayloadKind =
  | 'ref-text' // escaped into a reference's author, title or journal text
  | 'ref-markup' // verbatim markup that is inert as served (template, noscript, comment, attribute)
  | 'page-href' // href of the reference's DOI/PubMed/Scholar link buttons (entities decoded by the parser)
  | 'doi' // a DOI in the page link, the page text and the services' records
  | 'api-title' // the record's title (Crossref/PubMed/Europe PMC/OpenAlex titles)
  | 'oa-pdf-url' // the record's free-copy PDF URL (Unpaywall url_for_pdf, OpenAlex pdf_url, Crossref link)
  | 'api-url' // written over every URL field of the services' answers about one work
  | 'json-keys' // keys added to every object of every JSON answer (prototype pollution)
  | 'huge-text' // value repeated `repeat` times as a reference title
  | 'huge-api-title' // value repeated `repeat` times as a record title
  | 'deep-markup' // `depth` nested `value` elements around a title
  | 'big-list'; // a list of `count` references

export interface Payload {
  id: string;
  kind: PayloadKind;
  value: string;
  repeat?: number;
  depth?: number;
  count?: number;
}

export function loadPayloads(file = PAYLOADS_FILE): Payload[] {
  return JSON.parse(readFileSync(file, 'utf8')) as Payload[];
}

export interface PageLink {
  /** Attribute text as written in the HTML (`&` and entities are left for the parser). */
  rawHref: string;
  label: 'Crossref' | 'PubMed' | 'Google Scholar';
}

/** One reference item; text fields are escaped, `*Html` fields go in verbatim. */
export interface GeneratedRef {
  authors: string[];
  title: string;
  titleHtml?: string;
  journal: string;
  year: number;
  volume: string;
  pages: string;
  links: PageLink[];
  extraHtml?: string;
  /** Payload carried by this item, if any. */
  payloadId?: string;
}

export interface GeneratedPage {
  url: string;
  html: string;
  records: FakeRecord[];
  refs: GeneratedRef[];
}

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttr = (s: string) => escapeText(s).replace(/"/g, '&quot;');
/** Quotes only: the parser still decodes character references in the payload, as it would on a real page. */
const rawAttr = (s: string) => s.replace(/"/g, '&quot;');

const SURNAMES = ['Murthy', 'Loi', 'Okines', 'Slamon', 'Baselga', 'Swain', 'Cortés', 'Giordano', 'Hurvitz', 'Kim',
  'Nguyen', 'Schneeweiss', 'Piccart', 'Dawson', 'Lambertini', 'Rossi', 'Tolaney', 'Verma', 'Modi', 'Krop', 'Wildiers',
  'Müller', 'Østergaard', 'D\'Angelo', 'Ben-Aharon', 'Yamamoto', 'Chen', 'Zhang', 'García-Sáenz', 'O\'Shaughnessy'];
const INITIALS = ['RK', 'S', 'A', 'DJ', 'J', 'SM', 'SH', 'S-B', 'TG', 'GN', 'M', 'CH', 'EP', 'L', 'HJ', 'K'];
const TITLE_WORDS = ['trastuzumab', 'pertuzumab', 'emtansine', 'deruxtecan', 'tucatinib', 'lapatinib', 'capecitabine',
  'survival', 'metastatic', 'HER2-positive', 'breast', 'cancer', 'randomised', 'phase', 'trial', 'outcomes', 'cohort',
  'brain', 'metastases', 'adjuvant', 'neoadjuvant', 'therapy', 'patients', 'long-term', 'follow-up', 'analysis',
  'population-based', 'treatment', 'resistance', 'biomarkers', 'receptor', 'amplification', 'oligometastatic', 'cure'];
const JOURNALS: Array<[string, string]> = [
  ['New England Journal of Medicine', 'N Engl J Med'],
  ['Lancet Oncology', 'Lancet Oncol'],
  ['Journal of Clinical Oncology', 'J Clin Oncol'],
  ['Annals of Oncology', 'Ann Oncol'],
  ['Breast Cancer Research and Treatment', 'Breast Cancer Res Treat'],
  ['Clinical Breast Cancer', 'Clin Breast Cancer'],
  ['JAMA Oncology', 'JAMA Oncol'],
  ['Cancer', 'Cancer'],
];

/** Realistic references with their records: most print DOI and PubMed buttons, some only a Scholar look-up. */
export function realisticReferences(count: number, seed = 7, tag = 'gen'): { refs: GeneratedRef[]; records: FakeRecord[] } {
  const rnd = mulberry32(seed); // the same page for the same seed
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const refs: GeneratedRef[] = [];
  const records: FakeRecord[] = [];
  for (let i = 1; i <= count; i++) {
    const authors = Array.from({ length: 2 + Math.floor(rnd() * 5) }, () => [pick(SURNAMES), pick(INITIALS)] as const);
    const words = Array.from({ length: 8 + Math.floor(rnd() * 10) }, () => pick(TITLE_WORDS));
    const title = `${words[0]![0]!.toUpperCase()}${words.join(' ').slice(1)} (${tag} ${i})`;
    const [journal, short] = pick(JOURNALS);
    const year = 1995 + Math.floor(rnd() * 29);
    const volume = String(10 + Math.floor(rnd() * 380));
    const first = 1 + Math.floor(rnd() * 900);
    const pages = `${first}-${first + 4 + Math.floor(rnd() * 12)}`;
    const doi = `10.5555/reflens.${tag}.${i}`;
    const pmid = String(97_000_000 + seed * 10_000 + i);
    const shown = authors.length > 4 ? [...authors.slice(0, 3).map(([f, g]) => `${f} ${g}`), 'et al.'] : authors.map(([f, g]) => `${f} ${g}`);
    const links: PageLink[] = i % 10 === 0
      ? []
      : [
          { rawHref: escapeAttr(`https://doi.org/${doi}`), label: 'Crossref' },
          { rawHref: escapeAttr(`https://pubmed.ncbi.nlm.nih.gov/${pmid}/`), label: 'PubMed' },
        ];
    const q = new URLSearchParams({ title, publication_year: String(year), journal: short, volume, pages });
    links.push({ rawHref: escapeAttr(`https://scholar.google.com/scholar_lookup?${q}`), label: 'Google Scholar' });
    refs.push({ authors: shown, title: `${title}.`, journal: `${short}.`, year, volume, pages, links });
    records.push({
      doi,
      pmid,
      title,
      authors: authors.map(([family, given]) => ({ family, given: given.replace(/\p{Lu}/gu, '$&. ').trim() })),
      container: journal,
      containerShort: short,
      year,
      volume,
      page: pages,
    });
  }
  return { refs, records };
}

function itemHtml(ref: GeneratedRef, n: number): string {
  const authors = ref.authors.map((a) => `<li>${escapeText(a)}</li>`).join('');
  const title = ref.titleHtml ?? escapeText(ref.title);
  const links = ref.links
    .map((l) => {
      const cls = l.label === 'Crossref' ? 'crossref' : l.label === 'PubMed' ? 'pubmed' : 'google-scholar';
      return `<div class="core-xlink-${cls}"><a href="${l.rawHref}" target="_blank">${l.label}</a></div>`;
    })
    .join('');
  return `<div role="listitem" data-has="label"><div id="bib${n}" class="citations"><div id="sref${n}" class="citation">
<div class="citation-content"><div class="label"><a href="#body-ref-sref${n}" title="View in article">${n}.</a></div>
<ul class="rlist--inline loa">${authors}</ul>
<div><strong>${title}</strong></div>
<div><em>${escapeText(ref.journal)}</em> ${ref.year}; <strong>${escapeText(ref.volume)}</strong>: ${escapeText(ref.pages)}</div>${ref.extraHtml ?? ''}
</div>
<div class="external-links">${links}</div>
</div></div></div>`;
}

/** A full Atypon-core article page around the given reference items. `headScript` is the page's own (trusted) script. */
export function renderElsevierPage(opts: { url: string; title: string; refs: GeneratedRef[]; bodyScript?: string }): string {
  const items = opts.refs.map((r, i) => itemHtml(r, i + 1)).join('\n');
  return `<!-- reflens-fixture-url: ${opts.url} -->
<!DOCTYPE html>
<html lang="en" class="pb-page">
<head><meta charset="UTF-8"><title>${escapeText(opts.title)} - The Lancet</title>
<meta name="citation_journal_title" content="The Lancet">
<link rel="canonical" href="${escapeAttr(opts.url)}">
<style>body{font:16px/1.5 Georgia,serif;max-width:860px;margin:0 auto}section#references [role="listitem"]{display:flex;gap:10px;padding:8px 0;border-bottom:1px solid #eee}</style>
</head>
<body>
<main class="content"><article><h1>${escapeText(opts.title)}</h1>
<section id="sec1"><h2>Introduction</h2><p>Generated article body for RefLens tests.</p></section>
<section id="references" class="core-reference-list"><h2>References</h2>
<div id="bibliography" role="doc-bibliography"><div><div role="list">
${items}
</div></div></div></section></article></main>
${opts.bodyScript ? `<script>${opts.bodyScript}</script>` : ''}
</body></html>
`;
}

/** Records of the works whose answers `hostileApi` rewrites with an api-url payload, by lower-cased DOI. */
export interface HostilePage extends GeneratedPage {
  apiUrlByDoi: Map<string, string>;
  jsonKeys: string[];
}

/** The page of every payload except the big list: one reference per payload, plus plain references around them. */
export function hostilePage(payloads: Payload[], url = HOSTILE_URL): HostilePage {
  const usable = payloads.filter((p) => p.kind !== 'big-list');
  const { refs: plain, records } = realisticReferences(usable.length + 10, 11, 'hostile');
  const refs: GeneratedRef[] = [];
  const apiUrlByDoi = new Map<string, string>();
  const jsonKeys: string[] = [];
  let deepScript = '';
  usable.forEach((p, i) => {
    const ref: GeneratedRef = { ...plain[i]!, payloadId: p.id };
    const record = records[i]!;
    const recordDoi = record.doi;
    const doiLink: PageLink = { rawHref: escapeAttr(`https://doi.org/${recordDoi}`), label: 'Crossref' };
    switch (p.kind) {
      case 'ref-text': {
        const where = i % 3;
        if (where === 0) ref.title = `${p.value} ${ref.title}`;
        else if (where === 1) ref.authors = [ref.authors[0]!, p.value, ...ref.authors.slice(1)];
        else ref.journal = `${p.value} ${ref.journal}`;
        break;
      }
      case 'ref-markup':
        ref.extraHtml = `<div>${p.value}</div>`;
        break;
      case 'page-href':
        ref.links = [
          { rawHref: rawAttr(p.value), label: 'Crossref' },
          { rawHref: rawAttr(p.value), label: 'PubMed' },
          { rawHref: rawAttr(p.value), label: 'Google Scholar' },
        ];
        ref.extraHtml = `<div>Available at <a href="${rawAttr(p.value)}">${escapeText(p.value)}</a></div>`;
        break;
      case 'doi':
        record.doi = p.value;
        ref.links = [{ rawHref: escapeAttr(`https://doi.org/${p.value}`), label: 'Crossref' }];
        ref.extraHtml = `<div>doi:${escapeText(p.value)}</div>`;
        break;
      case 'api-title':
        record.title = p.value;
        ref.links = [doiLink];
        break;
      case 'huge-api-title':
        record.title = p.value.repeat(p.repeat ?? 1);
        ref.links = [doiLink];
        break;
      case 'oa-pdf-url':
        record.pmcid = `PMC${97_000_000 + i}`;
        record.oa = { url: `https://europepmc.org/articles/${record.pmcid}`, pdfUrl: p.value, version: 'publishedVersion', hostType: 'repository', repository: 'Europe PMC' };
        ref.links = [doiLink];
        break;
      case 'api-url':
        record.pmcid = `PMC${97_000_000 + i}`;
        record.oa = { url: `https://europepmc.org/articles/${record.pmcid}`, pdfUrl: `https://europepmc.org/articles/${record.pmcid}?pdf=render`, version: 'publishedVersion', hostType: 'repository' };
        apiUrlByDoi.set(recordDoi.toLowerCase(), p.value);
        ref.links = [doiLink];
        break;
      case 'json-keys':
        jsonKeys.push(p.value);
        break;
      case 'huge-text':
        ref.title = p.value.repeat(p.repeat ?? 1);
        break;
      case 'deep-markup': {
        const depth = p.depth ?? 1000;
        if (p.value === 'span') {
          // The HTML parser flattens nesting beyond its own limit; the markup is still 5,000 levels deep as written.
          ref.titleHtml = `${`<${p.value}>`.repeat(depth)}${escapeText(ref.title)}${`</${p.value}>`.repeat(depth)}`;
        } else {
          // Built by the page's own script, as single-page apps do: no parser depth limit applies. Hidden, because
          // Chromium's layout itself crashes the tab on a visible 5,000-deep box tree (with or without RefLens).
          ref.extraHtml = `<div data-deep="${escapeAttr(p.id)}" style="display:none"></div>`;
          deepScript += `(function(){var host=document.querySelector('[data-deep="${p.id}"]');var el=host;` +
            `for(var d=0;d<${depth};d++){var c=document.createElement('${p.value}');el.appendChild(c);el=c;}` +
            `el.textContent='Deeply nested ${p.value} text';})();`;
        }
        break;
      }
      case 'big-list':
        break;
    }
    refs.push(ref);
  });
  // Plain references after the payloads: the list must still work for them.
  refs.push(...plain.slice(usable.length));
  return {
    url,
    html: renderElsevierPage({ url, title: 'Hostile reference list', refs, bodyScript: deepScript }),
    records,
    refs,
    apiUrlByDoi,
    jsonKeys,
  };
}

/** `count` realistic references; every `every`-th carries one of the ref-text payloads in its title. */
export function bigListPage(payloads: Payload[], count: number, every = 50, url = BIG_LIST_URL): GeneratedPage {
  const texts = payloads.filter((p) => p.kind === 'ref-text');
  const { refs, records } = realisticReferences(count, 23, 'big');
  if (texts.length) {
    for (let i = every - 1, k = 0; i < refs.length; i += every, k++) {
      const p = texts[k % texts.length]!;
      refs[i] = { ...refs[i]!, title: `${p.value} ${refs[i]!.title}`, payloadId: p.id };
    }
  }
  return { url, html: renderElsevierPage({ url, title: `A list of ${count} references`, refs }), records, refs };
}

/** A payload-free page of `count` realistic references (benchmarks). */
/** `variant`: another page of the same size, with works (and records) of its own, so that it loads cold too. */
export function plainPage(count: number, url: string, variant = 0): GeneratedPage {
  const { refs, records } = realisticReferences(count, 31 + count + variant * 7919, variant ? `bench${count}v${variant}` : `bench${count}`);
  return { url, html: renderElsevierPage({ url, title: `Benchmark article with ${count} references`, refs }), records, refs };
}

const URL_KEYS = new Set(['URL', 'url', 'url_for_pdf', 'url_for_landing_page', 'landing_page_url', 'pdf_url', 'oa_url']);

/** The DOI an answer object is about, lower-cased and bare, if it names one. */
function doiOf(obj: Record<string, unknown>): string | undefined {
  const v = obj.DOI ?? obj.doi;
  return typeof v === 'string' ? v.replace(/^https?:\/\/(dx\.)?doi\.org\//i, '').toLowerCase() : undefined;
}

function rewrite(value: unknown, urlPayload: string | undefined, apiUrlByDoi: Map<string, string>, keys: Array<[string, unknown]>): void {
  if (Array.isArray(value)) {
    for (const v of value) rewrite(v, urlPayload, apiUrlByDoi, keys);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const obj = value as Record<string, unknown>;
  const doi = doiOf(obj);
  const payload = (doi && apiUrlByDoi.get(doi)) || urlPayload;
  for (const [k, v] of Object.entries(obj)) {
    if (payload && URL_KEYS.has(k) && typeof v === 'string') obj[k] = payload;
    else rewrite(v, payload, apiUrlByDoi, keys);
  }
  // defineProperty: an own "__proto__" key, as JSON.parse makes one, not a prototype change.
  for (const [k, v] of keys) Object.defineProperty(obj, k, { value: v, enumerable: true, configurable: true, writable: true });
}

/**
 * Wraps the fake services' handler: JSON answers get the api-url payloads written over the URL fields of the works
 * they name, and the json-keys payloads added to every object.
 */
export function hostileApi(handler: RequestHandler, page: Pick<HostilePage, 'apiUrlByDoi' | 'jsonKeys'>): RequestHandler {
  const keys = page.jsonKeys.flatMap((k) => Object.entries(JSON.parse(k) as Record<string, unknown>));
  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let status: number | undefined;
    let headers: Record<string, unknown> = {};
    const writeHead = res.writeHead.bind(res) as (s: number, h?: Record<string, unknown>) => ServerResponse;
    const end = res.end.bind(res) as (b?: Buffer | string) => ServerResponse;
    res.writeHead = ((s: number, h?: Record<string, unknown>) => {
      status = s;
      headers = { ...(h ?? {}) };
      return res;
    }) as typeof res.writeHead;
    res.write = ((c: Buffer | string) => {
      chunks.push(Buffer.from(c));
      return true;
    }) as typeof res.write;
    res.end = ((c?: Buffer | string | (() => void)) => {
      if (c && typeof c !== 'function') chunks.push(Buffer.from(c));
      let body: Buffer | string = Buffer.concat(chunks);
      const type = String(headers['content-type'] ?? res.getHeader('content-type') ?? '');
      if (/json/.test(type)) {
        try {
          const parsed: unknown = JSON.parse(body.toString('utf8'));
          rewrite(parsed, undefined, page.apiUrlByDoi, keys);
          body = JSON.stringify(parsed);
        } catch {
          // not JSON after all (a fault page): pass it on unchanged
        }
      }
      delete headers['content-length'];
      res.removeHeader('content-length');
      writeHead(status ?? res.statusCode, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
      return end(body);
    }) as typeof res.end;
    return handler(req, res);
  };
}
