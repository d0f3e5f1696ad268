import { afterEach, describe, expect, it } from 'vitest';
import { mdpi, parseMdpiAuthors } from '../../../src/sites/mdpi';
import { closeFixtureWindows, expectItemsReadAsRows, openFixturePage, readExpected } from '../../support/fixture-page';

const FIXTURE = 'mdpi/rs12060924';
const PAGE_URL = 'https://www.mdpi.com/2072-4292/12/6/924';
const LINK_LABELS = /Google Scholar|CrossRef|PubMed|\\[\\s*\\]/;

afterEach(closeFixtureWindows);

const open = (): Document => openFixturePage(FIXTURE).doc;
const rows = readExpected(FIXTURE);

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
    expect(rows).toHaveLength(8);
    const items = mdpi.findItems(doc);
    expectItemsReadAsRows(mdpi, items, rows, LINK_LABELS);
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
