import { afterEach, describe, expect, it } from 'vitest';
import { peerj } from '../../../src/sites/peerj';
import { closeFixtureWindows, expectItemsReadAsRows, openFixturePage, readExpected } from '../../support/fixture-page';

const FIXTURE = 'peerj/peerj-4375';
const PAGE_URL = 'https://peerj.com/articles/4375/';
const LINK_LABELS = /Google Scholar/;

afterEach(closeFixtureWindows);

const open = (): Document => openFixturePage(FIXTURE).doc;
const rows = readExpected(FIXTURE);

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
    expect(rows).toHaveLength(52);
    const items = peerj.findItems(doc);
    expectItemsReadAsRows(peerj, items, rows, LINK_LABELS);
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
