import { afterEach, describe, expect, it } from 'vitest';
import { plos } from '../../../src/sites/plos';
import { closeFixtureWindows, expectItemsReadAsRows, openFixturePage, readExpected } from '../../support/fixture-page';

const FIXTURE = 'plos/pone0213978';
const PAGE_URL = 'https://journals.plos.org/plosone/article?id=10.1371/journal.pone.0213978';
const LINK_LABELS = /View Article|PubMed\/NCBI|Google Scholar/;

afterEach(closeFixtureWindows);

const open = (): Document => openFixturePage(FIXTURE).doc;
const rows = readExpected(FIXTURE);

describe('plos.matches', () => {
  it.each<[string, boolean]>([
    ['https://journals.plos.org/plosone/article?id=10.1371/journal.pone.0213978', true],
    ['https://journals.plos.org/plosmedicine/article?id=10.1371/journal.pmed.1000097', true],
    ['https://journals.plos.org/plosone/search?q=x', false],
    ['https://www.example.com/plosone/article?id=10.1371/journal.pone.0213978', false],
  ])('%s → %s', (url, result) => {
    expect(plos.matches(new URL(url), document)).toBe(result);
  });
});

describe('PLOS ONE (real page, as trimmed by its source repo) fixture', () => {
  it('reads the list as expected.json says: every item once, in page order, with exactly the page identifiers', () => {
    const doc = open();
    expect(plos.matches(new URL(PAGE_URL), doc)).toBe(true);
    expect(rows).toHaveLength(5);
    const items = plos.findItems(doc);
    expectItemsReadAsRows(plos, items, rows, LINK_LABELS);
    expect(rows.filter((r) => r.pmid).length).toBe(3);
  });

  it('takes structured CSL from the matching citation_reference meta (by list number)', () => {
    const refs = plos.findItems(open()).map((el) => plos.extract(el));
    expect(refs[0]!.csl).toEqual({
      type: 'article-journal',
      title: 'Occurrence of reticuloendotheliosis in Chinese partridge',
      author: [
        { family: 'Cheng', given: 'Z.' },
        { family: 'Shi', given: 'Y.' },
        { family: 'Zhan', given: 'L.' },
        { family: 'Zhu', given: 'G.' },
        { family: 'Diao', given: 'X.' },
        { family: 'Cui', given: 'Z.' },
      ],
      'container-title': 'J Vet Med Sci',
      volume: '69',
      issue: '12',
      page: '1295-1298',
      issued: { 'date-parts': [[2007]] },
    });
    // ref22 is the 22nd meta, not the 4th.
    expect(refs[3]!.csl.title).toBe('Depression of vaccinal immunity to Marek’s disease by infection with reticuloendotheliosis virus');
    expect(refs[0]!.text).toMatch(/^Cheng Z\., Shi Y\., .* pmid:18176029$/);
  });

  it('reads data-doi, PubMed links and printed pmid, and nothing from "View Article" stubs', () => {
    const refs = plos.findItems(open()).map((el) => plos.extract(el));
    expect(refs[1]!.ids).toEqual({ doi: '10.1080/03079450903349188', pmid: '19937533' });
    expect(refs[2]!.ids).toEqual({});
  });

  it('without a matching meta, keeps the year only', () => {
    document.body.innerHTML =
      '<ol class="references"><li id="ref9"><span class="order">9.</span>Doe J. (2011) Unknown title. J X. 1:2. <ul class="reflinks"><li><a href="#">View Article</a></li></ul></li></ol>';
    const [item] = plos.findItems(document);
    expect(plos.extract(item!)).toEqual({ text: 'Doe J. (2011) Unknown title. J X. 1:2.', ids: {}, csl: { issued: { 'date-parts': [[2011]] } } });
    document.body.innerHTML = '';
  });
});
