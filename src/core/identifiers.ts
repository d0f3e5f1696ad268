import { issuedYear, type CslItem } from './csl';
import type { Identifiers } from './reference';
import { hasDotSegment } from './url';

/*
 * Identifier extraction and normalisation (DOI, PMID, PMCID, arXiv). Pure; never throws.
 * Every pattern below is a single loop over disjoint alternatives, so scanning stays linear on huge input.
 */

// One unit of a DOI suffix: a plain character, a SICI "<digits::AID-…>" segment (starts with a digit, so it can never
// open an HTML tag), a percent escape (decoded later), or the SICI check character "#" right after ";2-".
const SUFFIX_UNIT = String.raw`(?:[-._;()/:A-Za-z0-9+\[\]*~]|<\d[-._;:/A-Za-z0-9]{0,80}>|%[0-9A-Fa-f]{2}|(?<=;2-)#)`;
const DOI_SCAN = new RegExp(String.raw`(?<![0-9.])10\.\d{4,9}(?:/|%(?:25)?2[Ff])${SUFFIX_UNIT}+`, 'g');
const DOI_AT_START = new RegExp(String.raw`^10\.\d{4,9}(?:/|%(?:25)?2[Ff])${SUFFIX_UNIT}+`);
const DOI_VALID = /^10\.\d{4,9}\/(?:[-._;()/:a-z0-9+[\]*~#]|<\d[-._;:/a-z0-9]{0,80}>)+$/;
const DOI_PREFIX =
  /^(?:(?:https?:\/\/)?(?:[a-z0-9-]+\.)*doi\.org\/|info:doi\/|urn:doi:|doi\s*[:=/]?\s*)/i;

const MAX_PMID_DIGITS = 9;
const MAX_URL_LENGTH = 16_384;
// Real DOIs stay far below this; longer runs are junk.
const MAX_DOI_LENGTH = 1000;

/** Entities found inside identifiers; the quote-like ones (quot, apos, #39, #x27) all become '"'. */
const ENTITY: Record<string, string> = { lt: '<', gt: '>', amp: '&', '#47': '/', '#x2f': '/', nbsp: ' ' };

/** Collapses entities and invisible characters that publishers put inside identifiers. */
function cleanText(s: string): string {
  return s
    .replace(/[\u00AD\u200B-\u200D\u2060\uFEFF]/g, '')
    .replace(/[\u2010\u2011\u2012\u2013]/g, '-')
    .replace(/&(lt|gt|amp|quot|apos|#39|#x27|#47|#x2f|nbsp);/gi, (_m, name: string) => ENTITY[name.toLowerCase()] ?? '"');
}

/** Percent-decodes up to three times (hrefs are sometimes double-encoded); invalid UTF-8 falls back to ASCII escapes. */
function percentDecode(s: string): string {
  let out = s;
  for (let i = 0; i < 3 && /%[0-9A-Fa-f]{2}/.test(out); i++) {
    let next: string;
    try {
      next = decodeURIComponent(out);
    } catch {
      next = out.replace(/%([0-7][0-9A-Fa-f])/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    }
    if (next === out) break;
    out = next;
  }
  return out;
}

/** Drops sentence punctuation and closing brackets that the DOI itself did not open. Linear: counts once, then walks back. */
function trimDoiTail(doi: string): string {
  let open = 0;
  let close = 0;
  let openSquare = 0;
  let closeSquare = 0;
  for (const c of doi) {
    if (c === '(') open++;
    else if (c === ')') close++;
    else if (c === '[') openSquare++;
    else if (c === ']') closeSquare++;
  }
  let end = doi.length;
  while (end > 0) {
    const last = doi[end - 1];
    if (last === '.' || last === ',' || last === ';' || last === ':') end--;
    else if (last === ')' && close > open) {
      close--;
      end--;
    } else if (last === ']' && closeSquare > openSquare) {
      closeSquare--;
      end--;
    } else break;
  }
  return doi.slice(0, end);
}

/** Turns one scanned candidate into a normalised DOI, or undefined when it is not one. */
function finishDoi(candidate: string): string | undefined {
  if (candidate.length > MAX_DOI_LENGTH) return undefined;
  const decoded = percentDecode(candidate);
  // Decoding can reveal characters (quotes, spaces, "&"); keep only the leading well-formed part.
  const again = decoded === candidate ? candidate : DOI_AT_START.exec(decoded)?.[0];
  if (!again || /%[0-9A-Fa-f]{2}/.test(again)) return undefined;
  const doi = trimDoiTail(again).toLowerCase();
  return DOI_VALID.test(doi) ? doi : undefined;
}

/** A DOI as links and pages mostly carry it: nothing to decode, clean or trim (normalising it only lower-cases it). */
const PLAIN_DOI = /^10\.\d{4,9}\/[-._;()/:A-Za-z0-9]{0,998}[A-Za-z0-9]$/;

/** A DOI from a raw DOI, "doi:" text, a doi.org / dx.doi.org URL or a %-encoded DOI; lower case, tail punctuation removed. */
export function normalizeDoi(s: string): string | undefined {
  if (typeof s !== 'string' || !s) return undefined;
  if (PLAIN_DOI.test(s)) return s.length > MAX_DOI_LENGTH ? undefined : s.toLowerCase();
  // Leading brackets/quotes come from text like "(doi:10.1000/x)."; the unbalanced closer is trimmed later.
  const text = cleanText(s)
    .replace(/^[\s([{"'“‘]+/, '')
    .replace(DOI_PREFIX, '');
  const m = DOI_AT_START.exec(text);
  return m ? finishDoi(m[0]) : undefined;
}

/** Every DOI in free text, normalised, unique, in order of appearance. */
export function findDois(text: string): string[] {
  if (typeof text !== 'string' || !text.includes('10.')) return [];
  const out: string[] = [];
  for (const m of cleanText(text).matchAll(DOI_SCAN)) {
    const doi = finishDoi(m[0]);
    if (doi && !out.includes(doi)) out.push(doi);
  }
  return out;
}

/** A PMID from digits, "PMID: n" or a PubMed URL; leading zeros dropped. */
export function normalizePmid(s: string): string | undefined {
  if (typeof s !== 'string') return undefined;
  if (/^[1-9]\d{0,8}$/.test(s)) return s; // already normal: most PMIDs come from links
  const t = s.trim();
  if (/^https?:\/\//i.test(t)) return idsFromUrl(t).pmid;
  const m = /^(?:pmid\s*[:=]?\s*)?(\d{1,20})$/i.exec(t);
  if (!m?.[1]) return undefined;
  const digits = m[1].replace(/^0+/, '');
  return digits.length >= 1 && digits.length <= MAX_PMID_DIGITS ? digits : undefined;
}

/** A PMCID in "PMC123" form from "PMC123", "pmc123", "PMCID: PMC123", digits or a PMC URL. */
export function normalizePmcid(s: string): string | undefined {
  if (typeof s !== 'string') return undefined;
  const t = s.trim();
  if (/^https?:\/\//i.test(t)) return idsFromUrl(t).pmcid;
  const m = /^(?:pmcid\s*[:=]?\s*)?(?:pmc)?\s*(\d{1,20})$/i.exec(t);
  if (!m?.[1]) return undefined;
  const digits = m[1].replace(/^0+/, '');
  return digits.length >= 1 && digits.length <= 10 ? `PMC${digits}` : undefined;
}

const ARXIV_NEW = String.raw`\d{4}\.\d{4,5}`;
const ARXIV_OLD = String.raw`[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7}`;
const ARXIV_ID = new RegExp(String.raw`^(${ARXIV_NEW}|${ARXIV_OLD})(?:v\d+)?(?:\.pdf)?$`);

/** An arXiv id without version ("2101.00001", "hep-th/9901001"). */
function normalizeArxiv(s: string): string | undefined {
  const m = ARXIV_ID.exec(s.trim().replace(/^arxiv:\s*/i, ''));
  return m?.[1];
}

/** Drops absent fields so results compare cleanly and spread safely. */
function compact(ids: Identifiers): Identifiers {
  const out: Identifiers = {};
  if (ids.doi) out.doi = ids.doi;
  if (ids.pmid) out.pmid = ids.pmid;
  if (ids.pmcid) out.pmcid = ids.pmcid;
  if (ids.arxiv) out.arxiv = ids.arxiv;
  return out;
}

/** First value wins per field. */
export function mergeIds(...sets: Identifiers[]): Identifiers {
  const out: Identifiers = {};
  for (const ids of sets) {
    if (!ids) continue;
    out.doi ??= ids.doi || undefined;
    out.pmid ??= ids.pmid || undefined;
    out.pmcid ??= ids.pmcid || undefined;
    out.arxiv ??= ids.arxiv || undefined;
  }
  return compact(out);
}

function parseHref(href: string): URL | undefined {
  const t = href.trim();
  if (!t || t.length > MAX_URL_LENGTH) return undefined;
  // Only http(s) or relative hrefs; javascript:, data: and the like carry nothing we trust.
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(t)?.[1]?.toLowerCase();
  if (scheme && scheme !== 'http' && scheme !== 'https') return undefined;
  try {
    // An absolute http(s) URL ignores the base; not parsing one saves a little on every link of every item.
    const u = /^https?:\/\//i.test(t) ? new URL(t) : new URL(t, 'https://relative.invalid/');
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : undefined;
  } catch {
    return undefined;
  }
}

/** A form-encoded name or value decoded exactly as URLSearchParams does ("+" is a space, bad escapes become U+FFFD). */
const formDecode = (s: string): string => (/[%+]/.test(s) ? (new URLSearchParams(`x=${s}`).get('x') ?? '') : s);

/**
 * Query parameters with lower-cased names (publishers mix "Db" and "db"); first occurrence wins. Read when first
 * asked for, and only the values asked for are decoded: a reference's links carry long queries (Scholar look-ups
 * repeat the whole citation) of which a few short parameters matter, and this runs for every link of every item.
 */
function lowerParams(u: URL): (name: string) => string {
  let raw: Map<string, string> | undefined;
  return (name) => {
    if (!raw) {
      raw = new Map();
      for (const part of u.search.slice(1).split('&')) {
        if (!part) continue;
        const eq = part.indexOf('=');
        const key = formDecode(eq < 0 ? part : part.slice(0, eq)).toLowerCase();
        if (!raw.has(key)) raw.set(key, eq < 0 ? '' : part.slice(eq + 1));
      }
    }
    return formDecode(raw.get(name) ?? '');
  };
}

/**
 * The two links nearly every reference list carries (https://doi.org/<DOI>, https://pubmed.ncbi.nlm.nih.gov/<PMID>/),
 * read without the URL parser when it would change nothing: no escapes, spaces, backslashes, query, fragment,
 * credentials, port or dot segments. A URL object per link of every item was the largest part of reading a list.
 */
const PLAIN_DOI_LINK = /^https?:\/\/(?:(?:www|dx)\.)?doi\.org\/(10\.[^\s%\\?#]+)$/i;
const PLAIN_PUBMED_LINK = /^https?:\/\/pubmed\.ncbi\.nlm\.nih\.gov\/(\d{1,20})\/?$/i;

function plainResolverLink(href: string): Identifiers | undefined {
  const doi = PLAIN_DOI_LINK.exec(href)?.[1];
  if (doi) {
    if (hasDotSegment(doi)) return undefined;
    const d = normalizeDoi(doi);
    return compact({ doi: d, arxiv: arxivFromDoi(d) });
  }
  const pmid = PLAIN_PUBMED_LINK.exec(href)?.[1];
  return pmid ? compact({ pmid: normalizePmid(pmid) }) : undefined;
}

/** Identifiers carried by a link: resolvers, PubMed/PMC/Europe PMC, publisher linkouts, Scholar look-ups, OpenURL. */
export function idsFromUrl(href: string): Identifiers {
  if (typeof href !== 'string') return {};
  const fast = plainResolverLink(href);
  if (fast) return fast;
  const u = parseHref(href);
  if (!u) return {};
  const host = u.hostname.toLowerCase().replace(/^www\./, '');
  const path = u.pathname;
  const param = lowerParams(u);

  if (host === 'doi.org' || host.endsWith('.doi.org')) {
    const doi = normalizeDoi(percentDecode(path.slice(1)));
    return compact({ doi, arxiv: arxivFromDoi(doi) });
  }

  if (host === 'pubmed.ncbi.nlm.nih.gov') {
    const m = /^\/(\d{1,20})\/?$/.exec(path);
    return compact({ pmid: m?.[1] ? normalizePmid(m[1]) : normalizePmid(param('term')) });
  }

  if (host === 'pmc.ncbi.nlm.nih.gov' || host === 'ncbi.nlm.nih.gov') {
    const pmc = /^\/(?:pmc\/)?articles\/(PMC\d{1,12})(?:\/|$)/i.exec(path);
    if (pmc?.[1]) return compact({ pmcid: normalizePmcid(pmc[1]) });
    const pmcByPmid = /^\/(?:pmc\/)?articles\/pmid\/(\d{1,20})(?:\/|$)/i.exec(path);
    if (pmcByPmid?.[1]) return compact({ pmid: normalizePmid(pmcByPmid[1]) });
    const pubmed = /^\/pubmed\/(\d{1,20})(?:\/|$)/i.exec(path);
    if (pubmed?.[1]) return compact({ pmid: normalizePmid(pubmed[1]) });
    if (/^\/pubmed\/?$/i.test(path)) return compact({ pmid: normalizePmid(param('term')) });
    // Old Entrez links: query.fcgi?db=PubMed&list_uids=n, sites/entrez?Db=pubmed&TermToSearch=n.
    if (/^\/(?:entrez|sites\/entrez)/i.test(path) && param('db').toLowerCase() === 'pubmed') {
      return compact({ pmid: normalizePmid(param('termtosearch') || param('list_uids') || param('term')) });
    }
    return {};
  }

  if (host === 'europepmc.org') {
    const med = /^\/(?:article|abstract|api\/fulltextRepo)\/MED\/(\d{1,20})(?:\/|$)/i.exec(path);
    if (med?.[1]) return compact({ pmid: normalizePmid(med[1]) });
    const pmc = /^\/(?:(?:article|abstract)\/PMC\/|articles\/)(?:PMC)?(\d{1,12})(?:\/|$)/i.exec(path);
    if (pmc?.[1]) return compact({ pmcid: normalizePmcid(pmc[1]) });
    return {};
  }

  if (host === 'arxiv.org' || host === 'export.arxiv.org') {
    const m = /^\/(?:abs|pdf)\/(.+?)\/?$/.exec(path);
    return compact({ arxiv: m?.[1] ? normalizeArxiv(percentDecode(m[1])) : undefined });
  }

  // Atypon (and Wiley) linkouts: "key" is a DOI only for dbid=16; "doi" names the citing article, never the reference.
  if (/\/servlet\/linkout$/i.test(path)) {
    const dbid = param('dbid');
    const linkType = param('linktype').toUpperCase();
    const key = param('key');
    return compact({
      doi: normalizeDoi(param('refdoi')) ?? (dbid === '16' || linkType === 'DOI' ? normalizeDoi(key) : undefined),
      pmid: dbid === '8' || linkType === 'PMID' ? normalizePmid(key) : undefined,
    });
  }
  if (/\/action\/getFTRLinkout$/i.test(path)) return {};

  // HighWire: /external-ref or /lookup/external-ref ?access_num=…&link_type=DOI|MED.
  if (/\/external-ref$/i.test(path)) {
    const linkType = param('link_type').toUpperCase();
    const accessNum = param('access_num');
    return compact({
      doi: linkType === 'DOI' ? normalizeDoi(accessNum) : undefined,
      pmid: linkType === 'MED' ? normalizePmid(accessNum) : undefined,
    });
  }

  // Google Scholar look-ups, OpenURL resolvers, publisher "/doi/…" paths.
  const pmidParam = host.startsWith('scholar.google.') ? normalizePmid(param('pmid')) : undefined;
  const openUrlPmid = /^info:pmid\//i.test(param('rft_id')) ? normalizePmid(param('rft_id').slice(10)) : undefined;
  const doi =
    normalizeDoi(param('doi')) ??
    normalizeDoi(param('rft_id')) ??
    normalizeDoi(param('rft.doi')) ??
    (/^doi:/i.test(param('id')) ? normalizeDoi(param('id')) : undefined) ??
    findDois(percentDecode(path))[0];
  return compact({ doi, pmid: pmidParam ?? openUrlPmid, arxiv: arxivFromDoi(doi) });
}

/** arXiv's own DOIs (10.48550/arXiv.<id>) name the preprint. */
function arxivFromDoi(doi: string | undefined): string | undefined {
  const m = doi ? /^10\.48550\/arxiv\.(.+)$/.exec(doi) : null;
  return m?.[1] ? normalizeArxiv(m[1]) : undefined;
}

// "PMID: 123", "PMID 123", "pmid:123", "PubMed PMID: 123", "[PubMed: 123]"; never a bare number.
// Optional colons are written as "\s*(?::\s*)?" so no two whitespace runs are adjacent (no quadratic backtracking).
const PMID_TEXT = /\b(?:PMID\s*(?::\s*)?|PubMed(?:\s?ID)?\s*:\s*)(\d{1,20})(?!\d)/gi;
const PMCID_TEXT = /(?<![A-Za-z0-9])PMC(\d{1,12})(?![A-Za-z0-9])|\bPMCID\s*(?::\s*)?(?:PMC)?(\d{1,12})(?![A-Za-z0-9])/gi;
const ARXIV_TEXT = new RegExp(
  String.raw`(?:\barXiv\s*:\s*|arxiv\.org/(?:abs|pdf)/)(${ARXIV_NEW}|${ARXIV_OLD})(?:v\d+)?(?![\d])`,
  'gi',
);
const URL_TEXT = /\bhttps?:\/\/[^\s"'<>]{1,2000}/gi;

/** Identifiers printed in a reference's text: first DOI, "PMID: n", "PMCID: PMCn", arXiv ids, and resolver URLs. */
export function idsFromText(text: string): Identifiers {
  if (typeof text !== 'string' || !text) return {};
  const t = cleanText(text);

  let pmid: string | undefined;
  for (const m of t.matchAll(PMID_TEXT)) {
    pmid = m[1] ? normalizePmid(m[1]) : undefined;
    if (pmid) break;
  }

  let pmcid: string | undefined;
  for (const m of t.matchAll(PMCID_TEXT)) {
    const digits = m[1] ?? m[2];
    pmcid = digits ? normalizePmcid(digits) : undefined;
    if (pmcid) break;
  }

  let arxiv: string | undefined;
  for (const m of t.matchAll(ARXIV_TEXT)) {
    arxiv = m[1] ? normalizeArxiv(m[1]) : undefined;
    if (arxiv) break;
  }

  const doi = findDois(t)[0];
  const fromUrls: Identifiers[] = [];
  if (t.includes('://')) {
    for (const m of t.matchAll(URL_TEXT)) {
      // Sentence punctuation after a printed URL is not part of it.
      const ids = idsFromUrl(m[0].replace(/[.,;:)\]]+$/, ''));
      if (ids.pmid || ids.pmcid || ids.arxiv) fromUrls.push(ids);
    }
  }
  return mergeIds({ doi, pmid, pmcid, arxiv: arxiv ?? arxivFromDoi(doi) }, ...fromUrls);
}

/** Characters (code points, lone surrogates included) percent-encoded in a doi.org path; the rest stay readable. */
const DOI_URL_ENCODE = /[^A-Za-z0-9\-._~()/:;!$*+,=@]/gu;

/** encodeURIComponent, but a lone surrogate becomes U+FFFD instead of throwing. */
function encodePart(s: string): string {
  return encodeURIComponent(s.replace(/[\uD800-\uDFFF]/gu, '\uFFFD')).replace(/'/g, '%27');
}

export function doiUrl(doi: string): string {
  return `https://doi.org/${doi.trim().replace(DOI_URL_ENCODE, encodePart)}`;
}

export function pubmedUrl(pmid: string): string {
  return `https://pubmed.ncbi.nlm.nih.gov/${normalizePmid(pmid) ?? encodePart(pmid.trim())}/`;
}

export function pmcUrl(pmcid: string): string {
  return `https://pmc.ncbi.nlm.nih.gov/articles/${normalizePmcid(pmcid) ?? encodePart(pmcid.trim())}/`;
}

/** Lower case, diacritics folded, every run of non-letters/non-digits one space. Works for any script. */
export function normalizeTitle(s: string): string {
  if (typeof s !== 'string') return '';
  return s
    .normalize('NFKD')
    // Diacritics only: other scripts' marks (virama, dakuten, vowel signs) are part of the letters and stay.
    .replace(/[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+/g, '')
    .replace(/\p{Cf}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, ' ')
    .trim();
}

/** Every key the work is known under, strongest first, no duplicates; [] when nothing is known. */
export function workKeys(ids: Identifiers, csl: Partial<CslItem>): string[] {
  const known = mergeIds(
    {
      doi: ids.doi ? normalizeDoi(ids.doi) : undefined,
      pmid: ids.pmid ? normalizePmid(ids.pmid) : undefined,
      pmcid: ids.pmcid ? normalizePmcid(ids.pmcid) : undefined,
      arxiv: ids.arxiv ? normalizeArxiv(ids.arxiv) : undefined,
    },
    {
      doi: csl.DOI ? normalizeDoi(csl.DOI) : undefined,
      pmid: csl.PMID ? normalizePmid(csl.PMID) : undefined,
      pmcid: csl.PMCID ? normalizePmcid(csl.PMCID) : undefined,
    },
  );
  const keys: string[] = [];
  if (known.doi) keys.push(`doi:${known.doi}`);
  if (known.pmid) keys.push(`pmid:${known.pmid}`);
  if (known.pmcid) keys.push(`pmcid:${known.pmcid}`);
  if (known.arxiv) keys.push(`arxiv:${known.arxiv}`);
  const title = csl.title ? normalizeTitle(csl.title) : '';
  if (title) keys.push(`title:${title}|${issuedYear(csl) ?? ''}`);
  return [...new Set(keys)];
}
