import { afterEach, describe, expect, it } from 'vitest';
import { frontiers, parseFrontiersAuthors } from '../../../src/sites/frontiers';
import { closeFixtureWindows, expectItemsReadAsRows, openFixturePage, readExpected } from '../../support/fixture-page';

const FIXTURE = 'frontiers/fnins-2013-00078';
const PAGE_URL = 'https://www.frontiersin.org/articles/10.3389/fnins.2013.00078/full';
const LINK_LABELS = /Pubmed Abstract|Pubmed Full Text|CrossRef Full Text|Google Scholar/;

afterEach(closeFixtureWindows);

const open = (): Document => openFixturePage(FIXTURE).doc;
const rows = readExpected(FIXTURE);

describe('frontiers.matches', () => {
  it.each<[string, boolean]>([
    ['https://www.frontiersin.org/articles/10.3389/fnins.2013.00078/full', true],
    ['https://www.frontiersin.org/journals/neuroscience/articles/10.3389/fnins.2013.00078/full', true],
    ['https://journal.frontiersin.org/article/10.3389/fnins.2013.00078/full', true],
    ['https://www.frontiersin.org/journals/neuroscience', false],
    ['https://www.example.com/articles/10.3389/fnins.2013.00078/full', false],
  ])('%s → %s', (url, result) => {
    expect(frontiers.matches(new URL(url), document)).toBe(result);
  });
});

describe('Frontiers 2014 (real page, trimmed) fixture', () => {
  it('reads the list as expected.json says: every item once, in page order, with exactly the page identifiers', () => {
    const doc = open();
    expect(frontiers.matches(new URL(PAGE_URL), doc)).toBe(true);
    expect(rows).toHaveLength(36);
    const items = frontiers.findItems(doc);
    expectItemsReadAsRows(frontiers, items, rows, LINK_LABELS);
    // The article's own DOI in the citation box below the list is not a reference.
    expect(items.some((el) => frontiers.extract(el).ids.doi === '10.3389/fnins.2013.00078')).toBe(false);
  });

  it('parses APA-like text into CSL, books included', () => {
    const refs = frontiers.findItems(open()).map((el) => frontiers.extract(el));
    expect(refs[1]!.csl).toEqual({
      issued: { 'date-parts': [[2010]] },
      author: [
        { family: 'Chadwick', given: 'M. J.' },
        { family: 'Hassabis', given: 'D.' },
        { family: 'Weiskopf', given: 'N.' },
        { family: 'Maguire', given: 'E. A.' },
      ],
      title: 'Decoding individual episodic memory traces in the human hippocampus',
      type: 'article-journal',
      'container-title': 'Curr. Biol',
      volume: '20',
      page: '544-547',
    });
    expect(refs[0]!.csl).toMatchObject({ type: 'book', title: 'The Hippocampus Book', publisher: 'Oxford University Press' });
  });

  it('reads current-layout links (pubmed.ncbi.nlm.nih.gov, doi.org) the same way', () => {
    document.body.innerHTML =
      '<div class="References"><p class="ReferencesCopy1">Smith, A., and Jones, B. (2020). A title. <i>Front. Psychol.</i> 11, 1. doi: 10.3389/fpsyg.2020.00001</p><p class="ReferencesCopy2"><a href="https://pubmed.ncbi.nlm.nih.gov/32000001/">PubMed Abstract</a> | <a href="https://doi.org/10.3389/fpsyg.2020.00001">CrossRef Full Text</a> | <a href="http://scholar.google.com/scholar_lookup?title=A+title">Google Scholar</a></p></div>';
    const [item] = frontiers.findItems(document);
    expect(frontiers.extract(item!).ids).toEqual({ doi: '10.3389/fpsyg.2020.00001', pmid: '32000001' });
    document.body.innerHTML = '';
  });

  it('parseFrontiersAuthors', () => {
    expect(parseFrontiersAuthors("O'Keefe, J.")).toEqual({ names: [{ family: "O'Keefe", given: 'J.' }], etAl: false });
    expect(parseFrontiersAuthors('Op de Beeck, H. P., Torfs, K., and Wagemans, J.').names.map((n) => n.family)).toEqual([
      'Op de Beeck',
      'Torfs',
      'Wagemans',
    ]);
    expect(parseFrontiersAuthors('Smith, A., et al.').etAl).toBe(true);
  });
});
