/** Response type and the small formatting rules shared by the service modules. */
import type { FakeAuthor, FakeRecord } from './records.ts';

export interface FakeResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

export type ServiceName = 'crossref' | 'ncbi' | 'idconv' | 'europepmc' | 'openalex' | 'unpaywall';
export const SERVICE_NAMES: readonly ServiceName[] = ['crossref', 'ncbi', 'idconv', 'europepmc', 'openalex', 'unpaywall'];

/** What a service module needs to answer one request. */
export interface RouteRequest {
  host: string;
  /** Path as sent (still percent-encoded), without the query. */
  rawPath: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function monthAbbrev(month: number | undefined): string | undefined {
  return month ? MONTHS[month - 1] : undefined;
}

export function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** [Y, M?, D?] as Crossref date-parts. */
export function dateParts(r: FakeRecord): number[] {
  const parts = [r.year];
  if (r.month) {
    parts.push(r.month);
    if (r.day) parts.push(r.day);
  }
  return parts;
}

/** YYYY-MM-DD with missing parts filled with 01 (OpenAlex/Unpaywall publication_date). */
export function isoDate(r: FakeRecord): string {
  return `${r.year}-${pad2(r.month ?? 1)}-${pad2(r.day ?? 1)}`;
}

export function initials(given: string | undefined): string {
  if (!given) return '';
  return given
    .split(/[\s.\-]+/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase())
    .join('');
}

/** PubMed/Europe PMC author form: "Murthy RK". */
export function medlineName(a: FakeAuthor): string {
  const ini = initials(a.given);
  return ini ? `${a.family} ${ini}` : a.family;
}

/** OpenAlex/Unpaywall display form: "Rashmi K. Murthy". */
export function displayName(a: FakeAuthor): string {
  return a.given ? `${a.given} ${a.family}` : a.family;
}

export function firstPage(page: string | undefined): string | undefined {
  return page?.split(/[-\u2013]/)[0]?.trim() || undefined;
}

export function lastPage(page: string | undefined): string | undefined {
  const parts = page?.split(/[-\u2013]/);
  return parts && parts.length > 1 ? parts[parts.length - 1]!.trim() : undefined;
}

/** MEDLINE page style: "1273-1283" -> "1273-83", "S352-S353" -> "S352-3". */
export function medlinePages(page: string | undefined): string {
  if (!page) return '';
  const m = /^([A-Za-z]*)(\d+)[-\u2013]([A-Za-z]*)(\d+)$/.exec(page);
  if (!m || m[1] !== m[3] || m[2]!.length !== m[4]!.length) return page;
  const [from, to] = [m[2]!, m[4]!];
  let i = 0;
  while (i < from.length - 1 && from[i] === to[i]) i++;
  return `${m[1]}${from}-${to.slice(i)}`;
}

/** NLM full-title style ("The New England journal of medicine" comes from the record; this lower-cases the rest). */
export function nlmTitle(container: string): string {
  return container
    .split(' ')
    .map((w, i) => (i === 0 || /^[A-Z]{2,}$/.test(w) ? w : w.toLowerCase()))
    .join(' ');
}

/** Lower-case, diacritics folded, non-alphanumerics to single spaces. */
export function foldText(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

export function titleWithPeriod(title: string): string {
  return /[.?!]$/.test(title) ? title : `${title}.`;
}

function hex4(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Crossref's serializer escapes "/" and every non-ASCII character. */
export function crossrefJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, hex4);
}

/**
 * Prefix for object keys that must keep insertion order: JavaScript lists integer-like keys (PMIDs)
 * first, but NCBI writes "uids" before the per-PMID objects. ncbiJson strips it again.
 */
export const KEEP_ORDER = '\u0001';

/** E-utilities JSON: 4-space indent, empty arrays split over two lines. */
export function ncbiJson(value: unknown): string {
  const text = JSON.stringify(value, null, 4)
    .replace(/"\\u0001/g, '"')
    .replace(/^(\s*)(.*)\[\]/gm, (_m, indent: string, rest: string) => `${indent}${rest}[\n${indent}]`);
  return `${text}\n\n`;
}

export function text(status: number, body: string, headers: Record<string, string>, contentType = 'text/plain'): FakeResponse {
  return { status, body, headers: { ...headers, 'content-type': contentType } };
}

export function json(status: number, body: string, headers: Record<string, string>, contentType = 'application/json'): FakeResponse {
  return { status, body, headers: { ...headers, 'content-type': contentType } };
}

/** The fake's fixed "now" for indexed/updated stamps, so responses are reproducible. */
export const FAKE_NOW = { iso: '2026-06-01T00:00:00Z', date: '2026-06-01', timestamp: Date.UTC(2026, 5, 1) };

/** Query-string value, treating empty as absent. */
export function param(q: URLSearchParams, name: string): string | undefined {
  const v = q.get(name);
  return v === null || v === '' ? undefined : v;
}

export function headerValue(headers: RouteRequest['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Path after a prefix, percent-decoded; undefined when the prefix does not match. */
export function pathAfter(rawPath: string, prefix: string): string | undefined {
  if (!rawPath.startsWith(prefix)) return undefined;
  const rest = rawPath.slice(prefix.length);
  try {
    return decodeURIComponent(rest);
  } catch {
    return rest;
  }
}

/** Keeps only the listed keys (Crossref/OpenAlex `select=`). */
export function selectKeys<T extends Record<string, unknown>>(obj: T, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (k in obj) out[k] = obj[k];
  return out;
}
