import { afterEach, describe, expect, it } from 'vitest';
import { elife } from '../../../src/sites/elife';
import { closeFixtureWindows, expectItemsReadAsRows, openFixturePage, readExpected } from '../../support/fixture-page';

const FIXTURE = 'elife/elife-44753';
const PAGE_URL = 'https://elifesciences.org/articles/44753';
const LINK_LABELS = /Google Scholar|PubMed/;

afterEach(closeFixtureWindows);

const open = (): Document => openFixturePage(FIXTURE).doc;
const rows = readExpected(FIXTURE);

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
    expect(rows).toHaveLength(17);
    const items = elife.findItems(doc);
    expectItemsReadAsRows(elife, items, rows, LINK_LABELS);
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
