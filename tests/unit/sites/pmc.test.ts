import { describe, expect, it } from 'vitest';
import { pmc } from '../../../src/sites/pmc';
import { loadFixturePage, parseHtml, type PmcExpectedRow, readExpected } from '../../support/fixture-page';

const FIXTURE = 'pmc/nutr-rev-tre';
const expected = readExpected<PmcExpectedRow>(FIXTURE);

describe('pmc.matches', () => {
  it.each([
    ['https://pmc.ncbi.nlm.nih.gov/articles/PMC12166167/', true],
    ['https://www.ncbi.nlm.nih.gov/pmc/articles/PMC12166167/', true],
    ['https://pmc.ncbi.nlm.nih.gov/search/?term=cancer', false],
    ['https://www.ncbi.nlm.nih.gov/gene/7157', false],
    ['https://pubmed.ncbi.nlm.nih.gov/39212676/', false],
    ['https://example.org/articles/PMC12166167/', false],
  ])('%s → %s', (url, result) => {
    expect(pmc.matches(new URL(url), document)).toBe(result);
  });
});

describe('PMC article page (2024+ layout)', () => {
  const { doc } = loadFixturePage(FIXTURE);
  const items = pmc.findItems(doc);

  it('finds exactly the reference list, in page order, once each', () => {
    expect(items).toHaveLength(expected.length);
    expect(items.map((el) => el.id)).toEqual(expected.map((r) => `nuae105-B${r.n}`));
    expect(items.some((el) => el.closest('aside'))).toBe(false);
  });

  it('reads every DOI, PMID and PMCID the buttons carry, and no other', () => {
    const got = items.map((el, i) => {
      const { ids } = pmc.extract(el);
      return { n: i + 1, doi: ids.doi ?? null, pmid: ids.pmid ?? null, pmcid: ids.pmcid ?? null };
    });
    expect(got).toEqual(expected.map(({ n, doi, pmid, pmcid }) => ({ n, doi, pmid, pmcid })));
    for (const el of items) expect(pmc.extract(el).ids.doi).not.toBe('10.1093/nutrit/nuae105');
  });

  it('reads the <cite> text without the label and the bracketed buttons', () => {
    items.forEach((el, i) => {
      const row = expected[i]!;
      const { text } = pmc.extract(el);
      expect(text).toContain(row.title);
      expect(text).toContain(String(row.year));
      if (row.firstAuthor) expect(text.startsWith(row.firstAuthor)).toBe(true);
      expect(text).not.toMatch(/\[|\]|Google Scholar|PMC free article|^\d+\./);
    });
    expect(pmc.extract(items[0]!).text).toBe(
      'Moher D, Liberati A, Tetzlaff J, Altman DG; PRISMA Group. Preferred reporting items for systematic reviews and meta-analyses: the PRISMA statement. PLoS Med. 2009;6(7):e1000097. 10.1371/journal.pmed.1000097',
    );
  });

  it('a Scholar look-up never overrides or invents identifiers', () => {
    const who = pmc.extract(items[8]!);
    expect(who.ids).toEqual({});
  });
});

describe('pmc markup variants', () => {
  it('reads the classic layout (div#reference-list, element-citation, relative links)', () => {
    const doc = parseHtml(`<div id="reference-list"><ul>
      <li id="R1"><span class="element-citation">Roe J. A title. J X. 2001;1:2-3.</span>
        [<a class="int-reflink" href="/pmc/articles/PMC111/">PMC free article</a>]
        [<a class="int-reflink" href="https://www.ncbi.nlm.nih.gov/pubmed/222">PubMed</a>]
        [<a class="ext-reflink" href="https://scholar.google.com/scholar_lookup?doi=10.5555/echo">Google Scholar</a>]</li>
    </ul></div>`);
    const [item] = pmc.findItems(doc);
    expect(pmc.extract(item!)).toEqual({
      text: 'Roe J. A title. J X. 2001;1:2-3.',
      ids: { pmcid: 'PMC111', pmid: '222', doi: '10.5555/echo' },
      csl: {},
    });
  });

  it('falls back to the item text without buttons when there is no <cite>', () => {
    const doc = parseHtml(`<section class="ref-list"><ul class="ref-list"><li id="CR1"><span class="label">1.</span>
      Doe J. Book. 2000. [<a href="https://doi.org/10.5555/book">DOI</a>]</li></ul></section>`);
    const ref = pmc.extract(pmc.findItems(doc)[0]!);
    expect(ref.text).toBe('Doe J. Book. 2000.');
    expect(ref.ids).toEqual({ doi: '10.5555/book' });
  });
});
