import { afterEach, describe, expect, it } from 'vitest';
import { issuedYear } from '../../../src/core/csl';
import {
  BMC_HOSTS,
  parseCitationReference,
  parseInitialsName,
  springerNature,
} from '../../../src/sites/springer-nature';
import { closeFixtureWindows, type ExpectedRow, openFixturePage } from '../../support/fixture-page';

const LINK_LABELS = /Google Scholar|\bArticle\b(?! reference)|\bADS\b|\bCAS\b|PubMed Central|Download references/;

afterEach(closeFixtureWindows);

function checkAgainstExpected(doc: Document, rows: ExpectedRow[]): void {
  const items = springerNature.findItems(doc);
  expect(items).toHaveLength(rows.length);
  expect(new Set(items).size).toBe(items.length);
  items.forEach((item, i) => {
    const row = rows[i]!;
    const ref = springerNature.extract(item);
    expect(ref.ids.doi ?? null, `item ${row.n} DOI`).toBe(row.doi);
    expect(ref.ids.pmid ?? null, `item ${row.n} PMID`).toBe(row.pmid);
    expect(ref.ids.pmcid ?? null, `item ${row.n} PMCID`).toBe(row.pmcid ?? null);
    expect(ref.text, `item ${row.n} text`).toContain(row.firstAuthor);
    expect(ref.text).not.toMatch(LINK_LABELS);
    if (ref.csl.title !== undefined) {
      expect(ref.csl.title, `item ${row.n} title`).toBe(row.title);
      expect(issuedYear(ref.csl), `item ${row.n} year`).toBe(row.year);
    }
    if (ref.csl.author?.[0]?.family) expect(ref.csl.author[0].family, `item ${row.n} author`).toBe(row.firstAuthor);
  });
}

/** What the page script does: copies every item into the reading companion sidebar. */
function buildReadingCompanion(doc: Document): void {
  const panel = doc.getElementById('tabpanel-references')!;
  const list = doc.createElement('ol');
  list.className = 'c-reading-companion__references-list';
  for (const li of doc.querySelectorAll('li.js-c-reading-companion-references-item')) {
    const copy = doc.createElement('li');
    copy.className = 'c-reading-companion__reference-item c-article-references__item';
    copy.innerHTML = li.innerHTML;
    list.append(copy);
  }
  panel.append(list);
}

describe('springerNature.matches', () => {
  it.each([
    ['https://link.springer.com/article/10.1007/s00382-018-4286-0', true],
    ['https://link.springer.com/chapter/10.1007/978-3-030-12345-6_7', true],
    ['https://www.nature.com/articles/nature13376', true],
    ['https://bmccancer.biomedcentral.com/articles/10.1186/s12885-020-07000-0', true],
    ['https://genomebiology.biomedcentral.com/articles/10.1186/s13059-014-0550-8', true],
    ['https://fixedpoint.springeropen.com/articles/10.1186/1687-1812-2012-1', true],
    ['https://link.springer.com/journal/382', false],
    ['https://www.nature.com/nature', false],
    ['https://www.example.com/articles/nature13376', false],
    ['https://biomedcentral.com.example.org/articles/x', false],
  ])('%s → %s', (url, result) => {
    expect(springerNature.matches(new URL(url), document)).toBe(result);
  });

  it('lists the platform hosts, BMC journals and the BMC wildcard', () => {
    expect(springerNature.hosts).toEqual(expect.arrayContaining(['link.springer.com', 'www.nature.com', '*.biomedcentral.com']));
    expect(BMC_HOSTS.length).toBeGreaterThanOrEqual(10);
    for (const host of BMC_HOSTS) expect(springerNature.hosts).toContain(host);
  });
});

describe.each([
  ['springer/climate-dynamics-paywalled', 33],
  ['nature/nature13376', 40],
  ['bmc/genome-biology-deseq2', 8],
])('%s', (path, count) => {
  it('reads the list as expected.json says', () => {
    const { doc, expected: rows, url } = openFixturePage(path);
    expect(springerNature.matches(new URL(url), doc)).toBe(true);
    expect(rows).toHaveLength(count);
    checkAgainstExpected(doc, rows);
  });

  it('ignores the reading-companion copy built by script', () => {
    const { doc, expected: rows } = openFixturePage(path);
    const before = springerNature.findItems(doc);
    buildReadingCompanion(doc);
    expect(doc.querySelectorAll('li.c-reading-companion__reference-item')).toHaveLength(rows.length);
    expect(springerNature.findItems(doc)).toEqual(before);
  });

  it('every identifier button on the page is read by exactly one item', () => {
    const { doc } = openFixturePage(path);
    const refs = springerNature.findItems(doc).map((el) => springerNature.extract(el));
    const dois = refs.map((r) => r.ids.doi).filter(Boolean);
    const linked = [...doc.querySelectorAll('a[data-doi]')].map((a) => a.getAttribute('data-doi')!.toLowerCase());
    for (const doi of linked) expect(dois.some((d) => decodeURIComponent(doi).replace('&gt;', '>') === d)).toBe(true);
    const pmids = [...doc.querySelectorAll('a[data-track-action="pubmed reference"]')].map(
      (a) => /list_uids=(\d+)/.exec(a.getAttribute('href')!)![1],
    );
    expect(refs.map((r) => r.ids.pmid).filter(Boolean)).toEqual(pmids);
  });
});

describe('CSL from citation_reference metas', () => {
  it('Springer: Vancouver names, issue and pages of the item', () => {
    const { doc } = openFixturePage('springer/climate-dynamics-paywalled');
    const [adler] = springerNature.findItems(doc).map((el) => springerNature.extract(el));
    expect(adler!.csl).toMatchObject({
      type: 'article-journal',
      title: 'The version-2 global precipitation climatology project (GPCP) monthly precipitation analysis (1979-present)',
      'container-title': 'J Hydrometeorol',
      volume: '4',
      issue: '6',
      page: '1147-1167',
      issued: { 'date-parts': [[2003]] },
    });
    expect(adler!.csl.author).toHaveLength(14);
    expect(adler!.csl.author?.[0]).toEqual({ family: 'Adler', given: 'R.F.' });
    expect(adler!.ids.doi).toBe('10.1175/1525-7541(2003)004<1147:tvgpcp>2.0.co;2');
    expect(adler!.text).toMatch(/^Adler RF, Huffman GJ, .* J Hydrometeorol 4\(6\):1147–1167\. https:\/\/doi\.org\//);
  });

  it('Nature: "et al." items are marked, particles stay in family names, text-only items get year and journal', () => {
    const { doc } = openFixturePage('nature/nature13376');
    const refs = springerNature.findItems(doc).map((el) => springerNature.extract(el));
    expect(refs[6]!.csl._etAl).toBe(true);
    expect(refs[0]!.csl._etAl).toBeUndefined();
    expect(refs[38]!.csl.author?.map((a) => a.family)).toEqual(['Liu', 'van Dijk', 'McCabe', 'Evans', 'de Jeu']);
    expect(refs[38]!.csl.author?.[1]?.given).toBe('A.I.J.M.');
    // No meta for reference 28: the DOI is read from its text.
    expect(refs[27]!.csl).toEqual({
      type: 'article-journal',
      'container-title': 'Proc. Natl Acad. Sci. USA',
      issued: { 'date-parts': [[2013]] },
    });
    expect(refs[27]!.ids).toEqual({ doi: '10.1073/pnas.1219683110' });
  });

  it('BMC: PubMed and PMC buttons, and a book without identifiers', () => {
    const { doc } = openFixturePage('bmc/genome-biology-deseq2');
    const refs = springerNature.findItems(doc).map((el) => springerNature.extract(el));
    expect(refs[0]!.ids).toEqual({ doi: '10.1186/gb-2010-11-10-r106', pmid: '20979621', pmcid: 'PMC3218662' });
    expect(refs[5]!.ids).toEqual({});
    expect(refs[6]!.csl._etAl).toBe(true);
    expect(refs[7]!.ids).toEqual({});
    expect(refs[7]!.csl.title).toBe('R: a language and environment for statistical computing');
  });

  it('a meta whose title is not in the item is not used', () => {
    document.head.innerHTML =
      '<meta name="citation_reference" content="citation_journal_title=Nature; citation_title=Something else entirely; citation_doi=10.1038/wrong; citation_id=CR1">';
    document.body.innerHTML =
      '<div data-container-section="references"><ol class="c-article-references"><li class="c-article-references__item"><p class="c-article-references__text" id="ref-CR1">Smith, J. A real title. <i>Nature</i> <b>1</b>, 2–3 (2001)</p></li></ol></div>';
    const [item] = springerNature.findItems(document);
    const ref = springerNature.extract(item!);
    expect(ref.ids).toEqual({});
    expect(ref.csl).toEqual({ type: 'article-journal', 'container-title': 'Nature', issued: { 'date-parts': [[2001]] } });
    document.head.innerHTML = '';
    document.body.innerHTML = '';
  });
});

describe('parseCitationReference / parseInitialsName', () => {
  it('reads PLOS-style repeated authors and first/last pages', () => {
    const meta = parseCitationReference(
      'citation_title=Occurrence of reticuloendotheliosis in Chinese partridge;citation_author=Z. Cheng;citation_author=Y. Shi;citation_journal_title=J Vet Med Sci;citation_volume=69;citation_issue=12;citation_first_page=1295;citation_last_page=1298;citation_publication_date=2007;',
    );
    expect(meta.csl).toEqual({
      type: 'article-journal',
      title: 'Occurrence of reticuloendotheliosis in Chinese partridge',
      author: [
        { family: 'Cheng', given: 'Z.' },
        { family: 'Shi', given: 'Y.' },
      ],
      'container-title': 'J Vet Med Sci',
      volume: '69',
      issue: '12',
      page: '1295-1298',
      issued: { 'date-parts': [[2007]] },
    });
    expect(meta.ids).toEqual({});
  });

  it('reads HighWire PMIDs and DOIs', () => {
    const meta = parseCitationReference(
      'citation_journal_title=Methods in enzymology;citation_author=MG. Acker;citation_title=Reconstitution of yeast translation initiation.;citation_pages=111-145;citation_volume=430;citation_year=2007;citation_pmid=17913637;citation_doi=10.1016/S0076-6879(07)30006-2',
    );
    expect(meta.ids).toEqual({ doi: '10.1016/s0076-6879(07)30006-2', pmid: '17913637' });
    expect(meta.csl.author).toEqual([{ family: 'Acker', given: 'M.G.' }]);
  });

  it.each([
    ['RF Adler', { family: 'Adler', given: 'R.F.' }],
    ['Adler RF', { family: 'Adler', given: 'R.F.' }],
    ['F-F Jin', { family: 'Jin', given: 'F.-F.' }],
    ['van Rensch P', { family: 'van Rensch', given: 'P.' }],
    ['GR van der Werf', { family: 'van der Werf', given: 'G.R.' }],
    ['Sara Hurvitz', { family: 'Hurvitz', given: 'Sara' }],
    ['IPCC', { literal: 'IPCC' }],
  ])('%s', (raw, name) => {
    expect(parseInitialsName(raw)).toEqual(name);
  });
});
