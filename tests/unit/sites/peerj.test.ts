import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Window } from 'happy-dom';
import { afterEach, describe, expect, it } from 'vitest';
import { issuedYear } from '../../../src/core/csl';
import { peerj } from '../../../src/sites/peerj';

interface Expected {
  n: number;
  firstAuthor: string;
  title: string;
  year: number | null;
  doi: string | null;
  pmid: string | null;
}

const DIR = join(import.meta.dirname, '../../fixtures/pages/peerj/peerj-4375/');
const PAGE_URL = 'https://peerj.com/articles/4375/';
const LINK_LABELS = /Google Scholar/;

const windows: Window[] = [];
afterEach(async () => {
  await Promise.all(windows.splice(0).map((w) => w.happyDOM.close()));
});

function open(): Document {
  const window = new Window({ url: PAGE_URL });
  windows.push(window);
  window.document.write(readFileSync(join(DIR, 'index.html'), 'utf8'));
  return window.document as unknown as Document;
}
const rows = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Expected[];

describe('peerj.matches', () => {
  it.each<[string, boolean]>([
    ['https://peerj.com/articles/4375/', true],
    ['https://peerj.com/preprints/3119v1/', true],
    ['https://peerj.com/articles/', false],
    ['https://www.example.com/articles/4375/', false],
  ])('%s → %s', (url, result) => {
    expect(peerj.matches(new URL(url), document)).toBe(result);
  });
});

describe('PeerJ (real page, trimmed) fixture', () => {
  it('reads the list as expected.json says: every item once, in page order, with exactly the page identifiers', () => {
    const doc = open();
    expect(peerj.matches(new URL(PAGE_URL), doc)).toBe(true);
    const items = peerj.findItems(doc);
    expect(items).toHaveLength(rows.length);
    expect(rows).toHaveLength(52);
    expect(new Set(items).size).toBe(items.length);
    items.forEach((item, i) => {
      const row = rows[i]!;
      const ref = peerj.extract(item);
      expect(ref.ids.doi ?? null, `item ${row.n} DOI`).toBe(row.doi);
      expect(ref.ids.pmid ?? null, `item ${row.n} PMID`).toBe(row.pmid);
      expect(ref.ids.pmcid, `item ${row.n} PMCID`).toBeUndefined();
      expect(ref.text, `item ${row.n} text`).toContain(row.firstAuthor);
      expect(ref.text).not.toMatch(LINK_LABELS);
      if (ref.csl.title !== undefined) expect(ref.csl.title, `item ${row.n} title`).toBe(row.title);
      if (ref.csl.issued) expect(issuedYear(ref.csl) ?? null, `item ${row.n} year`).toBe(row.year);
      const first = ref.csl.author?.[0];
      if (first) expect(first.family ?? first.literal, `item ${row.n} first author`).toBe(row.firstAuthor);
    });
    const doiLinks = new Set([...doc.querySelectorAll('#references a[href*="doi.org/"]')].map((a) => a.closest('li.ref')));
    expect(items.filter((el) => peerj.extract(el).ids.doi).length).toBe(doiLinks.size);
  });

  it('reads schema.org microdata into CSL', () => {
    const refs = peerj.findItems(open()).map((el) => peerj.extract(el));
    expect(refs[7]!.csl).toEqual({
      author: [{ family: 'Björk', given: 'B' }],
      issued: { 'date-parts': [[2016]] },
      title: 'Hybrid open access—a longitudinal study',
      'container-title': 'Journal of Informetrics',
      type: 'article-journal',
      volume: '10',
      issue: '4',
      page: '919-932',
    });
    expect(refs[18]!.csl.author).toEqual([{ literal: 'Creative Commons' }]);
    expect(refs[51]!.csl).toMatchObject({ type: 'book', publisher: 'MIT Press' });
    expect(refs[41]!.csl.issued).toBeUndefined();
  });
});
