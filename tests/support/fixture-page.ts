/**
 * Loads the fixture pages of tests/fixtures/pages/<platform>/<name>/ (index.html + expected.json) for the site
 * adapter tests, and the row checks several of those tests share.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Window } from 'happy-dom';
import { expect } from 'vitest';
import { issuedYear } from '../../src/core/csl';
import { withPrintedCsl } from '../../src/core/printed';
import type { ExtractedReference } from '../../src/core/reference';
import type { SiteAdapter } from '../../src/sites/types';

// A path, not a URL: under happy-dom the global URL is not the one node:fs accepts.
const PAGES = join(import.meta.dirname, '../fixtures/pages');
const FIXTURE_URL = /<!-- reflens-fixture-url: (\S+) -->/;

/** One row of expected.json: list number, first author, title, year and the identifiers the page shows. */
export interface ExpectedRow {
  n: number;
  firstAuthor: string;
  title: string;
  year: number | null;
  doi: string | null;
  pmid: string | null;
  pmcid?: string | null;
}

/** A row of the PubMed, PMC and Europe PMC pages: always a PMCID column; group-authored works have no first author. */
export interface PmcExpectedRow {
  n: number;
  firstAuthor: string | null;
  title: string;
  year: number;
  doi: string | null;
  pmid: string | null;
  pmcid: string | null;
}

export interface FixturePage<Row> {
  html: string;
  /** The page's real URL, from its `<!-- reflens-fixture-url: … -->` first line. */
  url: string;
  doc: Document;
  expected: Row[];
}

export interface FixtureWindow<Row> extends FixturePage<Row> {
  window: Window;
}

function readFixtureHtml(relDir: string): string {
  return readFileSync(join(PAGES, relDir, 'index.html'), 'utf8');
}

export function readExpected<Row = ExpectedRow>(relDir: string): Row[] {
  return JSON.parse(readFileSync(join(PAGES, relDir, 'expected.json'), 'utf8')) as Row[];
}

function fixtureUrl(relDir: string, html: string): string {
  const url = FIXTURE_URL.exec(html)?.[1];
  if (!url) throw new Error(`${relDir}: no fixture URL comment`);
  return url;
}

/** Parses markup with the test environment's DOMParser (no scripts run). */
export function parseHtml(html: string): Document {
  return new DOMParser().parseFromString(html, 'text/html');
}

/** The fixture parsed by DOMParser: a static page, no scripts, no own window. */
export function loadFixturePage<Row = ExpectedRow>(relDir: string): FixturePage<Row> {
  const html = readFixtureHtml(relDir);
  return { html, url: fixtureUrl(relDir, html), doc: parseHtml(html), expected: readExpected<Row>(relDir) };
}

const openWindows: Window[] = [];

/**
 * The fixture written into its own happy-dom window at its real URL; `scripts` runs its inline scripts.
 * Tests that open windows must call `afterEach(closeFixtureWindows)`.
 */
export function openFixturePage<Row = ExpectedRow>(relDir: string, { scripts = false } = {}): FixtureWindow<Row> {
  const html = readFixtureHtml(relDir);
  const url = fixtureUrl(relDir, html);
  const window = new Window(
    scripts
      ? { url, settings: { enableJavaScriptEvaluation: true, suppressCodeGenerationFromStringsWarning: true } }
      : { url },
  );
  openWindows.push(window);
  window.document.write(html);
  return { html, url, window, doc: window.document as unknown as Document, expected: readExpected<Row>(relDir) };
}

export async function closeFixtureWindows(): Promise<void> {
  await Promise.all(openWindows.splice(0).map((w) => w.happyDOM.close()));
}

/** Per reference: list position, DOI and PMID (null when absent), to compare with expected.json. */
export const idRows = (refs: ExtractedReference[]) =>
  refs.map((ref, i) => ({ n: i + 1, doi: ref.ids.doi ?? null, pmid: ref.ids.pmid ?? null }));

/** Per reference: list position, first author (family or literal), title and year, null when absent. */
export const metaRows = (refs: ExtractedReference[]) =>
  refs.map((ref, i) => {
    const first = ref.csl.author?.[0];
    return { n: i + 1, firstAuthor: first?.family ?? first?.literal ?? null, title: ref.csl.title ?? null, year: issuedYear(ref.csl) ?? null };
  });

/**
 * The items are the expected.json rows, once each and in order: exactly the row's DOI and PMID, no PMCID, the first
 * author in the text and no link-button labels; title, year and first author wherever the adapter gives them in CSL.
 */
export function expectItemsReadAsRows(adapter: SiteAdapter, items: Element[], rows: ExpectedRow[], linkLabels: RegExp): void {
  expect(items).toHaveLength(rows.length);
  expect(new Set(items).size).toBe(items.length);
  items.forEach((item, i) => {
    const row = rows[i]!;
    const ref = withPrintedCsl(adapter.extract(item));
    expect(ref.ids.doi ?? null, `item ${row.n} DOI`).toBe(row.doi);
    expect(ref.ids.pmid ?? null, `item ${row.n} PMID`).toBe(row.pmid);
    expect(ref.ids.pmcid, `item ${row.n} PMCID`).toBeUndefined();
    expect(ref.text, `item ${row.n} text`).toContain(row.firstAuthor);
    expect(ref.text).not.toMatch(linkLabels);
    if (ref.csl.title !== undefined) expect(ref.csl.title, `item ${row.n} title`).toBe(row.title);
    if (ref.csl.issued) expect(issuedYear(ref.csl) ?? null, `item ${row.n} year`).toBe(row.year);
    const first = ref.csl.author?.[0];
    if (first) expect(first.family ?? first.literal, `item ${row.n} first author`).toBe(row.firstAuthor);
  });
}
