import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Window } from 'happy-dom';
import { afterEach, describe, expect, it } from 'vitest';
import { issuedYear } from '../../../src/core/csl';
import { mdpi, parseMdpiAuthors } from '../../../src/sites/mdpi';

interface Expected {
  n: number;
  firstAuthor: string;
  title: string;
  year: number | null;
  doi: string | null;
  pmid: string | null;
}

const DIR = join(import.meta.dirname, '../../fixtures/pages/mdpi/rs12060924/');
const PAGE_URL = 'https://www.mdpi.com/2072-4292/12/6/924';
const LINK_LABELS = /Google Scholar|CrossRef|PubMed|\\[\\s*\\]/;

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

describe('mdpi.matches', () => {
  it.each<[string, boolean]>([
    ['https://www.mdpi.com/2072-4292/12/6/924', true],
    ['https://www.mdpi.com/2072-4292/12/6/924/htm', true],
    ['https://www.mdpi.com/1422-0067/22/9/4394', true],
    ['https://www.mdpi.com/journal/remotesensing', false],
    ['https://www.mdpi.com/2072-4292/12/6/924/pdf', false],
    ['https://www.example.com/2072-4292/12/6/924', false],
  ])('%s → %s', (url, result) => {
    expect(mdpi.matches(new URL(url), document)).toBe(result);
  });
});

describe('MDPI (reconstructed) fixture', () => {
  it('reads the list as expected.json says: every item once, in page order, with exactly the page identifiers', () => {
    const doc = open();
    expect(mdpi.matches(new URL(PAGE_URL), doc)).toBe(true);
    const items = mdpi.findItems(doc);
    expect(items).toHaveLength(rows.length);
    expect(rows).toHaveLength(8);
    expect(new Set(items).size).toBe(items.length);
    items.forEach((item, i) => {
      const row = rows[i]!;
      const ref = mdpi.extract(item);
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
    expect(items.filter((el) => mdpi.extract(el).ids.pmid).length).toBe(3);
  });

  it('parses MDPI/ACS-style text into CSL', () => {
    const refs = mdpi.findItems(open()).map((el) => mdpi.extract(el));
    expect(refs[0]!.csl).toEqual({
      issued: { 'date-parts': [[2000]] },
      author: [
        { family: 'Myers', given: 'N.' },
        { family: 'Mittermeier', given: 'R.A.' },
        { family: 'Mittermeier', given: 'C.G.' },
        { family: 'da Fonseca', given: 'G.A.B.' },
        { family: 'Kent', given: 'J.' },
      ],
      title: 'Biodiversity hotspots for conservation priorities',
      type: 'article-journal',
      'container-title': 'Nature',
      volume: '403',
      page: '853-858',
    });
    expect(refs[1]!.csl._etAl).toBe(true);
    expect(refs[3]!.ids).toEqual({ doi: '10.1023/a:1010933404324' });
    expect(refs[7]!.csl).toMatchObject({ type: 'chapter', title: 'Fitofisionomias do bioma Cerrado' });
    expect(refs[0]!.text).toBe(
      'Myers, N.; Mittermeier, R.A.; Mittermeier, C.G.; da Fonseca, G.A.B.; Kent, J. Biodiversity hotspots for conservation priorities. Nature 2000, 403, 853–858.',
    );
  });

  it('only reads the reference list (not footnotes or other lists)', () => {
    const doc = open();
    expect(doc.querySelectorAll('li').length).toBeGreaterThan(rows.length);
    expect(mdpi.findItems(doc).every((li) => li.closest('#html-references_list'))).toBe(true);
  });

  it('parseMdpiAuthors', () => {
    expect(parseMdpiAuthors('Souza, C.M., Jr.; Shimbo, J.Z.').names[0]).toEqual({ family: 'Souza', given: 'C.M., Jr.' });
    expect(parseMdpiAuthors('Breiman, L.').names).toEqual([{ family: 'Breiman', given: 'L.' }]);
  });
});
