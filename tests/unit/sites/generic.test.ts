import { describe, expect, it } from 'vitest';
import { issuedYear } from '../../../src/core/csl';
import {
  generic,
  headingKey,
  isReferenceHeading,
  parseCitationReference,
  parseCoins,
  parseJsonLdCitation,
} from '../../../src/sites/generic';
import { loadFixturePage, parseHtml } from '../../support/fixture-page';

/** Items, identifiers and (where structured) CSL against expected.json. */
function checkFixture(name: string, structured: boolean): Element[] {
  const { doc, expected, url } = loadFixturePage(`generic/${name}`);
  expect(generic.matches(new URL(url), doc)).toBe(true);
  const items = generic.findItems(doc);
  expect(items).toHaveLength(expected.length);
  expect(new Set(items).size).toBe(items.length);
  items.forEach((item, i) => {
    const row = expected[i]!;
    const ref = generic.extract(item);
    expect({ doi: ref.ids.doi ?? null, pmid: ref.ids.pmid ?? null }, `${name} item ${row.n}`).toEqual({ doi: row.doi, pmid: row.pmid });
    expect(ref.text, `${name} item ${row.n} text`).toContain(row.firstAuthor);
    expect(ref.text).not.toMatch(/^\[?\d+[.\]]/);
    if (structured) {
      expect(ref.csl.title).toBe(row.title);
      const first = ref.csl.author?.[0];
      expect(first?.family ?? first?.literal).toBe(row.firstAuthor);
      expect(issuedYear(ref.csl)).toBe(row.year);
    } else {
      expect(ref.text).toContain(row.title);
      expect(ref.text).toContain(String(row.year));
    }
  });
  return items;
}

describe('generic on reconstructed pages', () => {
  it('German page: "Literatur" heading, ol items with CrossRef/MEDLINE buttons; nav and other lists ignored', () => {
    const items = checkFixture('german-aerzteblatt', false);
    expect(items.every((el) => el.matches('ol.literatur > li'))).toBe(true);
  });

  it('Chinese page: "参考文献" heading followed by a div of paragraphs; keywords and related lists ignored', () => {
    const items = checkFixture('chinese-journal', false);
    expect(items.every((el) => el.matches('div.references > p.ref'))).toBe(true);
    expect(generic.extract(items[1]!).text.startsWith('王明, 李华, 张伟. 老年女性乳腺癌发病趋势分析[J].')).toBe(true);
  });

  it('blog post: COinS spans alone find the reading list and give structured data', () => {
    const items = checkFixture('blog-coins', true);
    expect(items.every((el) => el.matches('p.zp-Entry'))).toBe(true);
    const moher = generic.extract(items[0]!).csl;
    expect(moher).toMatchObject({
      type: 'article-journal',
      'container-title': 'PLoS Medicine',
      volume: '6',
      issue: '7',
      page: 'e1000097',
    });
    expect(moher.author?.map((a) => a.family)).toEqual(['Moher', 'Liberati', 'Tetzlaff', 'Altman']);
    expect(generic.extract(items[2]!).csl).toMatchObject({ type: 'book', publisher: 'Cambridge University Press' });
    expect(generic.extract(items[3]!).csl.page).toBe('293-300');
  });

  it('JSON-LD page: citations are annotated where their titles are printed; the unprinted one is not', () => {
    const items = checkFixture('jsonld-citations', true);
    expect(items.every((el) => el.matches('ul.cites > li'))).toBe(true);
    const dois = items.map((el) => generic.extract(el).ids.doi);
    expect(dois).not.toContain('10.1038/nnano.2014.279');
    expect(generic.extract(items[0]!).csl).toMatchObject({ 'container-title': 'PLoS ONE', volume: '6', issue: '6', page: 'e20476' });
  });
});

describe('generic.matches', () => {
  it('is false for pages without a reference list and for a single item', () => {
    const url = new URL('https://example.org/');
    expect(generic.matches(url, parseHtml('<h1>Hello</h1><ul><li>a</li><li>b</li></ul>'))).toBe(false);
    expect(generic.matches(url, parseHtml('<h2>References</h2><ol><li>Only one. 2001.</li></ol>'))).toBe(false);
    expect(generic.matches(url, parseHtml('<p>x<span class="Z3988" title="rft.atitle=A"></span></p>'))).toBe(false);
    expect(generic.hosts).toEqual([]);
  });
});

describe('reference headings', () => {
  it.each([
    'References', 'REFERENCES', '7. References', 'Bibliography', 'Literature cited', 'Works Cited', 'References:',
    'Literatur', 'Literaturverzeichnis', 'Quellen', 'Références', 'Bibliographie', 'Referencias', 'Bibliografía',
    'Referências', 'Bibliografia', '参考文献', 'Riferimenti bibliografici', 'Literatuurlijst', 'References[edit]',
  ])('%s is a reference heading', (h) => {
    expect(isReferenceHeading(h)).toBe(true);
  });

  it.each(['Further reading', 'Related articles', 'Reference values for children', 'See also'])('%s is not', (h) => {
    expect(isReferenceHeading(h)).toBe(false);
  });

  it('normalises numbering, colons and edit links', () => {
    expect(headingKey('VII. Bibliographie :')).toBe('bibliographie');
  });

  it('reads section[aria-label] lists and headings wrapped in a header', () => {
    const url = new URL('https://example.org/');
    const a = parseHtml('<section aria-label="References"><ol><li>A. 2001.</li><li>B. 2002.</li></ol></section>');
    expect(generic.findItems(a)).toHaveLength(2);
    const b = parseHtml('<section><header><h2>Referências</h2></header><ul><li>A. 2001.</li><li>B. 2002.</li><li>C. 2003.</li></ul></section>');
    expect(generic.matches(url, b)).toBe(true);
    expect(generic.findItems(b)).toHaveLength(3);
    // The list must follow the heading before the next heading of the same level.
    const c = parseHtml('<h2>References</h2><p>None.</p><h2>Appendix</h2><ol><li>x</li><li>y</li></ol>');
    expect(generic.findItems(c)).toEqual([]);
  });
});

describe('structured parsers', () => {
  it('parseCoins reads a journal KEV with DOI and PMID', () => {
    const kev =
      'ctx_ver=Z39.88-2004&rft_val_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Ajournal&rft.atitle=Deep+learning&rft.jtitle=Nature&rft.aulast=LeCun&rft.aufirst=Yann&rft.au=Bengio%2C+Yoshua&rft.date=2015-05-28&rft.volume=521&rft.spage=436&rft.epage=444&rft_id=info%3Adoi%2F10.1038%2Fnature14539&rft_id=info%3Apmid%2F26017442';
    expect(parseCoins(kev)).toEqual({
      csl: {
        title: 'Deep learning',
        'container-title': 'Nature',
        type: 'article-journal',
        author: [
          { family: 'LeCun', given: 'Yann' },
          { family: 'Bengio', given: 'Yoshua' },
        ],
        issued: { 'date-parts': [[2015]] },
        volume: '521',
        page: '436-444',
      },
      ids: { doi: '10.1038/nature14539', pmid: '26017442' },
    });
  });

  it('parseCitationReference reads a HighWire/PLOS meta', () => {
    expect(
      parseCitationReference(
        'citation_journal_title=Methods in enzymology;citation_author=MG. Acker;citation_title=Reconstitution of yeast translation initiation.;citation_pages=111-145;citation_volume=430;citation_year=2007;citation_pmid=17913637;citation_doi=10.1016/S0076-6879(07)30006-2',
      ),
    ).toEqual({
      csl: {
        type: 'article-journal',
        'container-title': 'Methods in enzymology',
        title: 'Reconstitution of yeast translation initiation.',
        page: '111-145',
        volume: '430',
        issued: { 'date-parts': [[2007]] },
        author: [{ family: 'Acker', given: 'MG.' }],
      },
      ids: { doi: '10.1016/s0076-6879(07)30006-2', pmid: '17913637' },
    });
  });

  it('citation_reference metas enrich the visible list when its items print their titles', () => {
    const doc = parseHtml(`<head>
      <meta name="citation_reference" content="citation_title=Observed changes in dry-season water availability; citation_doi=10.5555/meta.one; citation_publication_date=2020">
      <meta name="citation_reference" content="citation_title=A record the page never prints anywhere; citation_doi=10.5555/meta.two">
      </head><body><h2>References</h2><ol>
      <li>Padrón RS et al. Observed changes in dry-season water availability. Nat. Geosci. 13, 477 (2020).</li>
      <li>Roe J. Something else entirely. J X 1, 2 (2001).</li></ol></body>`);
    const items = generic.findItems(doc);
    expect(items).toHaveLength(2);
    expect(generic.extract(items[0]!).ids).toEqual({ doi: '10.5555/meta.one' });
    expect(generic.extract(items[1]!).ids).toEqual({});
  });

  it('parseJsonLdCitation ignores records without a title', () => {
    expect(parseJsonLdCitation({ '@type': 'ScholarlyArticle' })).toBeUndefined();
    expect(parseJsonLdCitation({ name: 'A book title here', '@type': 'Book', identifier: { '@type': 'PropertyValue', propertyID: 'DOI', value: '10.5555/book' } })).toEqual({
      csl: { title: 'A book title here', type: 'book' },
      ids: { doi: '10.5555/book' },
    });
  });
});
