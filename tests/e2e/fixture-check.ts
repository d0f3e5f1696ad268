/** Checks shared by the publisher-fixture and generic-detector e2e: the annotated list against expected.json. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { PAGES_DIR, fixturePages, readAnnotations, type ExpectedRef } from './harness';

export interface FixtureCase {
  file: string;
  url: string;
  expected: () => ExpectedRef[];
}

/** Fixture pages with an expected.json, of the platforms `keep` accepts (the first folder of their path). */
export function fixtureCases(keep: (platform: string) => boolean): FixtureCase[] {
  return fixturePages()
    .map((p) => ({ ...p, expectedFile: join(PAGES_DIR, dirname(p.file), 'expected.json') }))
    .filter((p) => existsSync(p.expectedFile) && keep(p.file.split('/')[0]!))
    .map((p) => ({ file: p.file, url: p.url, expected: () => JSON.parse(readFileSync(p.expectedFile, 'utf8')) as ExpectedRef[] }));
}

const doiOf = (href: string) => decodeURIComponent(new URL(href).pathname.slice(1));

/** Exactly the expected items, in page order, each with exactly the DOI and PMID links the page prints. */
export async function expectPageIdentifiers(page: Page, expected: readonly ExpectedRef[]): Promise<void> {
  const refs = await readAnnotations(page);
  expect(refs.map((r) => r.n)).toEqual(expected.map((e) => e.n));
  for (const e of expected) {
    const r = refs.find((x) => x.n === e.n)!;
    const pageLinks = (kind: string) => r.links.filter((l) => l.kind === kind && l.source === 'page').map((l) => l.href);
    expect(pageLinks('doi').map(doiOf), `page DOI of ${e.n}`).toEqual(e.doi ? [e.doi] : []);
    expect(pageLinks('pubmed'), `page PMID of ${e.n}`).toEqual(e.pmid ? [`https://pubmed.ncbi.nlm.nih.gov/${e.pmid}/`] : []);
  }
}
