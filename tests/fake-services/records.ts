/**
 * The record format that drives every fake service. One record set yields consistent answers from
 * Crossref, PubMed, PMC idconv, Europe PMC, OpenAlex and Unpaywall.
 */
import { readFileSync } from 'node:fs';
import { RecordSearch } from './search.ts';

export interface FakeAuthor {
  family: string;
  given?: string;
}

export type OaVersion = 'publishedVersion' | 'acceptedVersion' | 'submittedVersion';
export type OaHostType = 'publisher' | 'repository';

/** One free copy of a work, as Unpaywall/OpenAlex report it. */
export interface FakeOaCopy {
  /** Landing page of the copy. */
  url: string;
  pdfUrl?: string;
  version: OaVersion;
  hostType: OaHostType;
  /** Unpaywall/OpenAlex licence id: "cc-by", "cc-by-nc", "publisher-specific-oa", ... */
  license?: string;
  /** Repository name for repository copies ("PubMed Central", "arXiv", an institution). */
  repository?: string;
}

/** A notice (retraction, correction, expression of concern) published about a work. */
export interface FakeNotice {
  noticeDoi: string;
  /** YYYY-MM-DD */
  date: string;
}

export type FakeWorkType = 'journal-article' | 'proceedings-article' | 'posted-content' | 'book-chapter';

export interface FakeRecord {
  doi: string;
  pmid?: string;
  /** "PMC123" form. */
  pmcid?: string;
  /** "W123" form; derived from the DOI when absent. */
  openalexId?: string;
  title: string;
  authors: FakeAuthor[];
  /** Full journal title as Crossref registers it. */
  container: string;
  /** NLM/ISO abbreviation (PubMed "source", Crossref short-container-title). */
  containerShort?: string;
  year: number;
  month?: number;
  day?: number;
  volume?: string;
  issue?: string;
  /** "597-609", "e0182390", "S352-S353", "601-610.e2". */
  page?: string;
  type?: FakeWorkType;
  publisher?: string;
  issn?: string[];
  /** The journal is fully open access (gold). */
  journalIsOa?: boolean;
  /** PubMed publication types in addition to "Journal Article" (e.g. "Review"). */
  pubTypes?: string[];
  oa?: FakeOaCopy | FakeOaCopy[];
  retracted?: FakeNotice;
  correctedBy?: FakeNotice;
  expressionOfConcern?: FakeNotice;
  citedByCount?: number;
}

export type NoticeKind = 'retraction' | 'correction' | 'expression_of_concern';

export interface NoticeLink {
  kind: NoticeKind;
  date: string;
  /** The notice work, when the record set holds it. */
  notice?: FakeRecord;
  noticeDoi: string;
}

export interface UpdateLink {
  kind: NoticeKind;
  date: string;
  /** The work this notice is about. */
  target: FakeRecord;
}

const NOTICE_FIELDS: ReadonlyArray<[keyof FakeRecord, NoticeKind]> = [
  ['retracted', 'retraction'],
  ['correctedBy', 'correction'],
  ['expressionOfConcern', 'expression_of_concern'],
];

/** Lower-cased bare DOI from a DOI, doi: form or doi.org URL (percent-encoding decoded). */
export function bareDoi(input: string): string {
  let s = input.trim();
  try {
    s = decodeURIComponent(s);
  } catch {
    // keep the raw text: a lone % is legal inside a DOI
  }
  s = s.replace(/^https?:\/\/(dx\.)?doi\.org\//i, '').replace(/^doi:\s*/i, '');
  return s.toLowerCase();
}

export function barePmcid(input: string): string | undefined {
  const m = /^(?:pmc)?(\d+)$/i.exec(input.trim());
  return m ? `PMC${m[1]}` : undefined;
}

export function oaCopies(record: FakeRecord): FakeOaCopy[] {
  if (!record.oa) return [];
  return Array.isArray(record.oa) ? record.oa : [record.oa];
}

/** 32-bit FNV-1a: stable ids and numbers derived from DOIs. */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function openalexIdOf(record: FakeRecord): string {
  return record.openalexId ?? `W${4_100_000_000 + (stableHash(bareDoi(record.doi)) % 800_000_000)}`;
}

/** Lookup tables and notice links over a record set. */
export class RecordDb {
  readonly records: readonly FakeRecord[];
  private readonly doiIndex = new Map<string, FakeRecord>();
  private readonly pmidIndex = new Map<string, FakeRecord>();
  private readonly pmcidIndex = new Map<string, FakeRecord>();
  private readonly openalexIndex = new Map<string, FakeRecord>();
  private readonly updates = new Map<FakeRecord, UpdateLink[]>();
  private searchIndex: RecordSearch | undefined;

  constructor(records: readonly FakeRecord[]) {
    this.records = records;
    for (const r of records) {
      this.doiIndex.set(bareDoi(r.doi), r);
      if (r.pmid) this.pmidIndex.set(r.pmid, r);
      if (r.pmcid) this.pmcidIndex.set(r.pmcid.toUpperCase(), r);
      this.openalexIndex.set(openalexIdOf(r).toUpperCase(), r);
    }
    for (const r of records) {
      for (const link of this.noticesFor(r)) {
        if (!link.notice) continue;
        const list = this.updates.get(link.notice) ?? [];
        list.push({ kind: link.kind, date: link.date, target: r });
        this.updates.set(link.notice, list);
      }
    }
  }

  /** BM25 index, built on first use. */
  get search(): RecordSearch {
    this.searchIndex ??= new RecordSearch(this.records);
    return this.searchIndex;
  }

  byDoi(doi: string): FakeRecord | undefined {
    return this.doiIndex.get(bareDoi(doi));
  }

  byPmid(pmid: string): FakeRecord | undefined {
    return this.pmidIndex.get(pmid.trim());
  }

  byPmcid(pmcid: string): FakeRecord | undefined {
    const id = barePmcid(pmcid);
    return id ? this.pmcidIndex.get(id) : undefined;
  }

  byOpenAlexId(id: string): FakeRecord | undefined {
    return this.openalexIndex.get(id.replace(/^https:\/\/openalex\.org\//i, '').toUpperCase());
  }

  /** Notices published about this record (it is the retracted/corrected work). */
  noticesFor(record: FakeRecord): NoticeLink[] {
    const links: NoticeLink[] = [];
    for (const [field, kind] of NOTICE_FIELDS) {
      const n = record[field] as FakeNotice | undefined;
      if (n) links.push({ kind, date: n.date, noticeDoi: bareDoi(n.noticeDoi), notice: this.byDoi(n.noticeDoi) });
    }
    return links;
  }

  /** Works this record is a notice about. */
  updatesBy(record: FakeRecord): UpdateLink[] {
    return this.updates.get(record) ?? [];
  }
}

function fail(where: string, msg: string): never {
  throw new Error(`fake records: ${where}: ${msg}`);
}

const OA_VERSIONS = new Set(['publishedVersion', 'acceptedVersion', 'submittedVersion']);
const HOST_TYPES = new Set(['publisher', 'repository']);
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function optionalString(obj: Record<string, unknown>, key: string, where: string): void {
  if (obj[key] !== undefined && typeof obj[key] !== 'string') fail(where, `${key} must be a string`);
}

/** Checks one parsed record and returns it typed; throws with the record's position on error. */
export function validateRecord(value: unknown, where: string): FakeRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, 'not an object');
  const r = value as Record<string, unknown>;
  for (const key of ['doi', 'title', 'container'] as const) {
    if (typeof r[key] !== 'string' || !(r[key] as string).trim()) fail(where, `${key} is required`);
  }
  if (!/^10\.\d{4,9}\/\S+$/.test(bareDoi(r.doi as string))) fail(where, `doi "${String(r.doi)}" is not a DOI`);
  if (typeof r.year !== 'number' || !Number.isInteger(r.year)) fail(where, 'year must be an integer');
  if (!Array.isArray(r.authors)) fail(where, 'authors must be an array');
  r.authors.forEach((a: unknown, i: number) => {
    if (typeof a !== 'object' || a === null || typeof (a as FakeAuthor).family !== 'string') {
      fail(where, `authors[${i}].family is required`);
    }
  });
  for (const key of ['containerShort', 'volume', 'issue', 'page', 'publisher', 'openalexId', 'type']) {
    optionalString(r, key, where);
  }
  if (r.pmid !== undefined && (typeof r.pmid !== 'string' || !/^\d+$/.test(r.pmid))) fail(where, 'pmid must be a digit string');
  if (r.pmcid !== undefined && (typeof r.pmcid !== 'string' || !/^PMC\d+$/.test(r.pmcid))) fail(where, 'pmcid must look like PMC123');
  for (const key of ['month', 'day'] as const) {
    if (r[key] !== undefined && typeof r[key] !== 'number') fail(where, `${key} must be a number`);
  }
  const oa = r.oa === undefined ? [] : Array.isArray(r.oa) ? r.oa : [r.oa];
  oa.forEach((c: unknown, i: number) => {
    const copy = c as Record<string, unknown>;
    if (typeof copy?.url !== 'string' || !/^https?:\/\//.test(copy.url)) fail(where, `oa[${i}].url must be an http(s) URL`);
    if (!OA_VERSIONS.has(String(copy.version))) fail(where, `oa[${i}].version must be one of ${[...OA_VERSIONS].join(', ')}`);
    if (!HOST_TYPES.has(String(copy.hostType))) fail(where, `oa[${i}].hostType must be publisher or repository`);
  });
  for (const [field] of NOTICE_FIELDS) {
    const n = r[field] as Record<string, unknown> | undefined;
    if (n === undefined) continue;
    if (typeof n.noticeDoi !== 'string' || typeof n.date !== 'string' || !DATE_RE.test(n.date)) {
      fail(where, `${field} needs noticeDoi and date (YYYY-MM-DD)`);
    }
  }
  return value as FakeRecord;
}

/** Parses a JSON array or JSON Lines text into validated records. */
export function parseRecords(text: string, source = 'records'): FakeRecord[] {
  const trimmed = text.trim();
  let raw: unknown[];
  if (trimmed.startsWith('[')) {
    const parsed: unknown = JSON.parse(trimmed);
    if (!Array.isArray(parsed)) fail(source, 'expected a JSON array');
    raw = parsed;
  } else {
    raw = trimmed
      .split(/\r?\n/)
      .map((line, i) => ({ line: line.trim(), i }))
      .filter(({ line }) => line.length > 0)
      .map(({ line, i }) => {
        try {
          return JSON.parse(line) as unknown;
        } catch (err) {
          return fail(`${source}:${i + 1}`, `invalid JSON (${(err as Error).message})`);
        }
      });
  }
  const records = raw.map((r, i) => validateRecord(r, `${source}[${i}]`));
  const seen = new Map<string, number>();
  records.forEach((r, i) => {
    for (const key of [`doi:${bareDoi(r.doi)}`, r.pmid && `pmid:${r.pmid}`, r.pmcid && `pmcid:${r.pmcid}`]) {
      if (!key) continue;
      const first = seen.get(key);
      if (first !== undefined) fail(`${source}[${i}]`, `duplicate ${key} (first at [${first}])`);
      seen.set(key, i);
    }
  });
  return records;
}

export function loadRecords(path: string): FakeRecord[] {
  return parseRecords(readFileSync(path, 'utf8'), path);
}
