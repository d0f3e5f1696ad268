import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Window } from 'happy-dom';
import { afterEach, describe, expect, it } from 'vitest';
import { issuedYear } from '../../../src/core/csl';
import { elife } from '../../../src/sites/elife';

interface Expected {
  n: number;
  firstAuthor: string;
  title: string;
  year: number | null;
  doi: string | null;
  pmid: string | null;
}

const DIR = join(import.meta.dirname, '../../fixtures/pages/elife/elife-44753/');
const PAGE_URL = 'https://elifesciences.org/articles/44753';
const LINK_LABELS = /Google Scholar|PubMed/;

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

describe('elife.matches', () => {
  it.each<[string, boolean]>([
    ['https://elifesciences.org/articles/44753', true],
    ['https://elifesciences.org/articles/44753/figures', true],
    ['https://elifesciences.org/subjects/neuroscience', false],
    ['https://www.example.org/articles/44753', false],
  ])('%s → %s', (url, result) => {
    expect(elife.matches(new URL(url), document)).toBe(result);
  });
});

describe('eLife 2019 (real page, trimmed) fixture', () => {
  it('reads the list as expected.json says: every item once, in page order, with exactly the page identifiers', () => {
    const doc = open();
    expect(elife.matches(new URL(PAGE_URL), doc)).toBe(true);
    const items = elife.findItems(doc);
    expect(items).toHaveLength(rows.length);
    expect(rows).toHaveLength(17);
    expect(new Set(items).size).toBe(items.length);
    items.forEach((item, i) => {
      const row = rows[i]!;
      const ref = elife.extract(item);
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
    const pubmedLinks = [...doc.querySelectorAll('a.reference__abstract_link[href*="/pubmed/"]')].length;
    expect(items.filter((el) => elife.extract(el).ids.pmid).length).toBe(pubmedLinks);
  });

  it('builds CSL from the structured spans', () => {
    const refs = elife.findItems(open()).map((el) => elife.extract(el));
    expect(refs[0]!.csl).toEqual({
      title: 'Fold-change detection in biological systems',
      author: [
        { family: 'Adler', given: 'M.' },
        { family: 'Alon', given: 'U.' },
      ],
      issued: { 'date-parts': [[2018]] },
      type: 'article-journal',
      'container-title': 'Current Opinion in Systems Biology',
      volume: '8',
      page: '81-89',
    });
    expect(refs[2]!.ids).toEqual({ pmid: '14756332' });
  });

  it('ignores a pop-up copy of a reference', () => {
    const doc = open();
    const before = elife.findItems(doc);
    const popup = doc.createElement('div');
    popup.className = 'popup';
    const list = doc.createElement('ol');
    list.className = 'reference-list';
    const li = doc.createElement('li');
    li.append(before[0]!.cloneNode(true));
    list.append(li);
    popup.append(list);
    doc.body.append(popup);
    expect(elife.findItems(doc)).toEqual(before);
  });
});
