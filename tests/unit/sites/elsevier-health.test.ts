import { describe, expect, it } from 'vitest';
import { issuedYear } from '../../../src/core/csl';
import { parseAuthorName, withPrintedCsl } from '../../../src/core/printed';
import { elsevierHealth } from '../../../src/sites/elsevier-health';
import { idRows, loadFixturePage, metaRows, parseHtml, readExpected } from '../../support/fixture-page';

const FIXTURE = 'elsevier-health/clinical-breast-cancer';
const PAGE_URL = 'https://www.clinical-breast-cancer.com/article/S1526-8209(21)00173-7/fulltext';

const expected = readExpected(FIXTURE);

const loadPage = (): Document => loadFixturePage(FIXTURE).doc;

/** Each item as read in the page, with the CSL fields the background makes of what it prints. */
const read = (el: Element) => withPrintedCsl(elsevierHealth.extract(el));

function itemsOf(doc: Document) {
  return elsevierHealth.findItems(doc).map((el) => ({ el, ref: read(el) }));
}

const BUTTON_WORDS = /crossref|pubmed|google scholar|scopus|view in article/i;

describe('elsevierHealth on the Clinical Breast Cancer page', () => {
  const doc = loadPage();
  const items = itemsOf(doc);

  it('finds exactly the 51 items of the reference list, in page order', () => {
    expect(expected).toHaveLength(51);
    expect(items).toHaveLength(51);
    expect(items.map(({ el }) => el.querySelector('.citations')?.id)).toEqual(expected.map((e) => `bib${e.n}`));
  });

  it('never returns the inline dropBlock copies or the side-panel copies', () => {
    // The fixture really holds those copies, so the exclusion is exercised.
    expect(doc.querySelectorAll('.dropBlock.reference-citations .citation').length).toBeGreaterThan(3);
    expect(doc.querySelectorAll('[data-list="references"] [role="listitem"]').length).toBeGreaterThan(0);
    for (const { el } of items) {
      expect(el.closest('section#references')).not.toBeNull();
      expect(el.closest('.dropBlock, [data-list="references"], [id^="core-collateral-"]')).toBeNull();
      expect(el.querySelector('[id^="core-collateral-"]')).toBeNull();
    }
  });

  it('reads every DOI and PMID shown on the page, and no other', () => {
    const got = idRows(items.map(({ ref }) => ref));
    expect(got).toEqual(expected.map(({ n, doi, pmid }) => ({ n, doi, pmid })));
    // The Scopus linkouts carry the citing article's DOI; it must never be attributed to a reference.
    for (const { ref } of items) expect(ref.ids.doi).not.toBe('10.1016/j.clbc.2021.06.012');
  });

  it('reads first author, title and year of every reference', () => {
    const got = metaRows(items.map(({ ref }) => ref));
    expect(got).toEqual(expected.map(({ n, firstAuthor, title, year }) => ({ n, firstAuthor, title, year })));
  });

  it('keeps link-button labels and back-link numbers out of the text', () => {
    for (const { ref } of items) {
      expect(ref.text).not.toMatch(BUTTON_WORDS);
      expect(ref.text).not.toMatch(/^\d+\.\s+\d+\./);
      expect(ref.text).toBe(ref.text.trim());
    }
    expect(items[0]?.ref.text).toBe(
      'Murthy RK, Loi S, Okines A, et al. Tucatinib, Trastuzumab, and Capecitabine for HER2-Positive Metastatic Breast Cancer. N Engl J Med. 2020; 382: 597-609',
    );
    expect(items[38]?.ref.text).toBe(
      '1. Steenbruggen TG, Bouwer N I, Smorenburg C H, et al. Radiological complete remission in HER2-positive metastatic breast cancer patients: what to do with trastuzumab? 2019;178:597-605. doi:10.1007/s10549-019-05427-1',
    );
  });

  const csl = (n: number) => {
    const item = items[n - 1];
    if (!item) throw new Error(`no item ${n}`);
    return item.ref.csl;
  };

  it('CSL: Murthy 2020 (et al., standard journal line)', () => {
    expect(csl(1)).toEqual({
      type: 'article-journal',
      author: [
        { family: 'Murthy', given: 'R.K.' },
        { family: 'Loi', given: 'S.' },
        { family: 'Okines', given: 'A.' },
      ],
      _etAl: true,
      title: 'Tucatinib, Trastuzumab, and Capecitabine for HER2-Positive Metastatic Breast Cancer',
      'container-title': 'N Engl J Med',
      issued: { 'date-parts': [[2020]] },
      volume: '382',
      page: '597-609',
    });
  });

  it('CSL: Slamon 1987 ("Science (80-)" journal, full author list with trailing period)', () => {
    const c = csl(4);
    expect(c['container-title']).toBe('Science');
    expect(c._etAl).toBeUndefined();
    expect(c.author).toHaveLength(6);
    expect(c.author?.[5]).toEqual({ family: 'McGuire', given: 'W.L.' });
    expect([c.volume, c.page, issuedYear(c)]).toEqual(['235', '182-191', 1987]);
  });

  it("CSL: hyphenated initials and apostrophes (Baselga 2012, Chia 2007, Dawson 2013)", () => {
    expect(csl(9).author).toEqual([
      { family: 'Baselga', given: 'J.' },
      { family: 'Cortés', given: 'J.' },
      { family: 'Kim', given: 'S.-B.' },
    ]);
    expect(csl(3).author?.[2]).toEqual({ family: "D'yachkova", given: 'Y.' });
    expect(csl(30).author?.[0]).toEqual({ family: 'Dawson', given: 'S.-J.' });
  });

  it('CSL: single author with trailing period (Khan 2016) and two-letter family (Dellinger 1939)', () => {
    expect(csl(12).author).toEqual([{ family: 'Khan', given: 'S.A.' }]);
    expect(csl(12)['container-title']).toBe('Semin Radiat Oncol');
    expect(csl(45).author).toEqual([
      { family: 'Dellinger', given: 'B.J.' },
      { family: 'CE', given: 'J.' },
    ]);
  });

  it('CSL: volume without pages, issue in parentheses, missing volume', () => {
    const tosello = csl(10);
    expect([tosello['container-title'], tosello.volume, tosello.page, tosello.issue]).toEqual([
      'Cochrane Database Syst Rev',
      '2018',
      undefined,
      undefined,
    ]);
    const tripathy = csl(17);
    expect([tripathy['container-title'], tripathy.volume, tripathy.page, issuedYear(tripathy)]).toEqual([
      'Oncologist',
      '25',
      undefined,
      2020,
    ]);
    const lambertini = csl(19);
    expect([lambertini.volume, lambertini.issue, lambertini.page]).toEqual(['17', 'e2', '601-610']);
    const pons = csl(32);
    expect([pons['container-title'], pons.volume, pons.page, issuedYear(pons)]).toEqual([
      'JCO Precis Oncol',
      undefined,
      '1-10',
      2019,
    ]);
  });

  it('CSL: abstract number in issue position and roman-numeral supplement pages', () => {
    const khan = csl(49);
    expect([khan.volume, khan.issue, khan.page]).toEqual(['38', undefined, 'LBA2']);
    const gullo = csl(51);
    expect([gullo['container-title'], gullo.volume, gullo.page, issuedYear(gullo)]).toEqual([
      'Ann Oncol',
      '25',
      'iv124',
      2014,
    ]);
  });

  it('CSL: scraped "A BS TR AC T" debris (Swain 2015 title, Dawson 2013 title printed as journal)', () => {
    expect(csl(28).title).toBe('Pertuzumab, Trastuzumab, and Docetaxel in HER2-positive metastatic breast cancer');
    expect(csl(28)['container-title']).toBe('N Engl J Med');
    const dawson = csl(30);
    expect(dawson.title).toBe('Analysis of circulating tumor DNA to monitor metastatic breast cancer');
    expect(dawson['container-title']).toBeUndefined();
    expect([dawson.volume, dawson.page, issuedYear(dawson)]).toEqual(['368', '1199-1209', 2013]);
  });

  it('CSL: free-text items get authors, title, year and the printed DOI', () => {
    const steen = csl(39);
    expect(steen.author).toEqual([
      { family: 'Steenbruggen', given: 'T.G.' },
      { family: 'Bouwer', given: 'N.I.' },
      { family: 'Smorenburg', given: 'C.H.' },
    ]);
    expect(steen._etAl).toBe(true);
    expect([steen.volume, steen.page, issuedYear(steen)]).toEqual(['178', '597-605', 2019]);
    expect(items[38]?.ref.ids).toEqual({ doi: '10.1007/s10549-019-05427-1' });
    expect(csl(40).author?.[0]).toEqual({ family: 'Ihnenfeld Arciénega', given: 'I.' });
    expect(csl(40).author?.[3]).toEqual({ family: 'Dedes', given: 'K.J.' });
    expect(csl(40).issued).toBeUndefined();
    expect(csl(41).issued).toEqual({ 'date-parts': [[2014]] });
    expect(csl(48).author?.at(-1)).toEqual({ literal: 'Group W' });
    expect(items[47]?.ref.ids.doi).toBe('10.1093/annonc/mds232');
  });

  it('reads what each reference prints and leaves its CSL fields to the background', () => {
    const first = elsevierHealth.extract(items[0]!.el);
    expect(first.csl).toEqual({ type: 'article-journal' });
    expect(first.printed).toEqual({
      authors: ['Murthy RK', 'Loi S', 'Okines A', 'et al.'],
      title: 'Tucatinib, Trastuzumab, and Capecitabine for HER2-Positive Metastatic Breast Cancer.',
      source: 'N Engl J Med. 2020; 382: 597-609',
      journal: 'N Engl J Med.',
    });
    expect(elsevierHealth.extract(items[38]!.el).printed).toEqual({ free: true });
  });

  it('every item is typed article-journal', () => {
    for (const { ref } of items) expect(ref.csl.type).toBe('article-journal');
  });
});

describe('elsevierHealth.matches', () => {
  const doc = parseHtml('<html><body></body></html>');
  it('accepts Elsevier health hosts and nothing else', () => {
    expect(elsevierHealth.matches(new URL(PAGE_URL), doc)).toBe(true);
    expect(elsevierHealth.matches(new URL('https://www.thelancet.com/journals/lancet/article/PIIS0140-6736(20)30183-5/fulltext'), doc)).toBe(true);
    expect(elsevierHealth.matches(new URL('https://thelancet.com/x'), doc)).toBe(true);
    expect(elsevierHealth.matches(new URL('https://example.com/article/x'), doc)).toBe(false);
    expect(elsevierHealth.matches(new URL('https://www.thelancet.com.example.com/x'), doc)).toBe(false);
  });
});

describe('elsevierHealth.placeTools', () => {
  it('puts the tools after the link buttons and the item still reads the same', () => {
    const doc = loadPage();
    const [first] = elsevierHealth.findItems(doc);
    if (!first) throw new Error('no items');
    const before = elsevierHealth.extract(first);
    const tools = doc.createElement('reflens-tools');
    tools.textContent = 'Copy citation PubMed DOI';
    elsevierHealth.placeTools?.(first, tools);
    expect(tools.previousElementSibling?.classList.contains('external-links')).toBe(true);
    expect(first.contains(tools)).toBe(true);
    expect(elsevierHealth.findItems(doc)).toHaveLength(51);
    expect(elsevierHealth.extract(first)).toEqual(before);
  });
});

describe('elsevierHealth markup variants', () => {
  it('reads a PNAS-style section#bibliography list and ignores its side-panel copy', () => {
    const doc = parseHtml(`<body>
      <section id="bibliography" role="doc-bibliography"><div role="list">
        <div role="listitem" data-has="label"><div class="label">1</div><div id="r1" class="citations"><div class="citation">
          <div class="citation-content">G. B. Bonan, Forests and climate change. <em>Science</em> <b>320</b>, 1444–1449 (2008).</div>
          <div class="external-links"><div class="core-xlink-crossref"><a href="https://doi.org/10.1126/science.1155121">Crossref</a></div>
          <div class="core-xlink-pubmed"><a href="https://pubmed.ncbi.nlm.nih.gov/18556546/">PubMed</a></div></div>
        </div></div></div>
      </div></section>
      <div role="list" data-list="references"><div role="listitem"><div id="core-collateral-r1" class="citations">copy</div></div></div>
    </body>`);
    const found = elsevierHealth.findItems(doc);
    expect(found).toHaveLength(1);
    const ref = read(found[0] as Element);
    expect(ref.ids).toEqual({ doi: '10.1126/science.1155121', pmid: '18556546' });
    expect(ref.text).toBe('G. B. Bonan, Forests and climate change. Science 320, 1444–1449 (2008).');
  });

  it('reads Lancet-style buttons placed directly in .external-links and skips dropBlocks inside the section', () => {
    const doc = parseHtml(`<body><section id="references"><h2>References</h2><div><div role="list">
      <div role="listitem"><div id="bib1" class="citations"><div class="citation-content">
        <div class="label"><a href="#body-ref-bib1" title="View in article">1.</a></div>
        <div>Lee HW ∙ Lee PW ∙ Johnson KM</div><div><strong>Isolation of the etiologic agent of Korean hemorrhagic fever.</strong></div>
        <div><em>J Infect Dis.</em> 1978; <strong>137</strong>:298-308</div></div>
        <div class="external-links"><a href="https://doi.org/10.1093/infdis/137.3.298">Crossref</a>
          <a href="/servlet/linkout?suffix=s&amp;dbid=137438953472&amp;doi=10.1016%2FS1473-3099(23)00128-7&amp;key=2-s2.0-1">Scopus (512)</a>
          <a href="https://pubmed.ncbi.nlm.nih.gov/24670/">PubMed</a>
          <a href="https://scholar.google.com/scholar_lookup?doi=10.1093%2Finfdis%2F137.3.298&amp;pmid=24670">Google Scholar</a></div>
      </div></div>
      <span class="dropBlock reference-citations"><div class="dropBlock__holder"><div role="listitem">inline copy</div></div></span>
    </div></div></section></body>`);
    const found = elsevierHealth.findItems(doc);
    expect(found).toHaveLength(1);
    const ref = read(found[0] as Element);
    expect(ref.ids).toEqual({ doi: '10.1093/infdis/137.3.298', pmid: '24670' });
    expect(ref.text).toBe(
      'Lee HW, Lee PW, Johnson KM. Isolation of the etiologic agent of Korean hemorrhagic fever. J Infect Dis. 1978; 137:298-308',
    );
    expect(ref.csl.author?.map((a) => a.family)).toEqual(['Lee', 'Lee', 'Johnson']);
    expect([ref.csl['container-title'], ref.csl.volume, ref.csl.page]).toEqual(['J Infect Dis', '137', '298-308']);
  });

  it('reads cell.com "Family, I." names joined by "∙" with a truncation mark', () => {
    const doc = parseHtml(`<body><section id="references"><div role="list"><div role="listitem"><div class="citations"><div class="citation">
      <div class="citation-content"><div>Makino, H. ∙ Hwang, E.J. ∙ Hedrick, N.G....</div>
      <div><strong>Circuit Mechanisms of Sensorimotor Learning</strong></div><div><em>Neuron.</em> 2016; <strong>92</strong>:705-721</div></div>
    </div></div></div></div></section></body>`);
    const ref = read(elsevierHealth.findItems(doc)[0] as Element);
    expect(ref.csl.author).toEqual([
      { family: 'Makino', given: 'H.' },
      { family: 'Hwang', given: 'E.J.' },
      { family: 'Hedrick', given: 'N.G.' },
    ]);
    expect(ref.csl._etAl).toBe(true);
    expect(ref.csl.title).toBe('Circuit Mechanisms of Sensorimotor Learning');
    expect(ref.text).toBe(
      'Makino, H., Hwang, E.J., Hedrick, N.G., et al. Circuit Mechanisms of Sensorimotor Learning. Neuron. 2016; 92:705-721',
    );
  });

  it('prefers the Crossref/PubMed buttons over what a Scholar look-up echoes', () => {
    const doc = parseHtml(`<body><section id="references"><div role="list"><div role="listitem"><div class="citation">
      <div class="citation-content"><ul><li>Roe J</li></ul><div><strong>A title.</strong></div><div><em>J X.</em> 2001; <strong>1</strong>: 2-3</div></div>
      <div class="external-links">
        <div class="core-xlink-google-scholar"><a href="https://scholar.google.com/scholar_lookup?doi=10.5555%2Fscholar.echo&amp;pmid=111">Google Scholar</a></div>
        <div class="core-xlink-crossref"><a href="https://doi.org/10.5555/button.doi">Crossref</a></div>
      </div></div></div></div></section></body>`);
    const ref = read(elsevierHealth.findItems(doc)[0] as Element);
    expect(ref.ids).toEqual({ doi: '10.5555/button.doi', pmid: '111' });
  });

  it('still takes what only a Scholar look-up names once the buttons gave a DOI and a PMID', () => {
    const item = (scholar: string) =>
      elsevierHealth.extract(
        elsevierHealth.findItems(
          parseHtml(`<body><section id="references"><div role="list"><div role="listitem"><div class="citation">
            <div class="citation-content"><div><strong>A title.</strong></div></div>
            <div class="external-links"><a href="https://doi.org/10.5555/button.doi">Crossref</a>
            <a href="https://pubmed.ncbi.nlm.nih.gov/111/">PubMed</a><a href="${scholar}">Google Scholar</a></div>
          </div></div></div></section></body>`),
        )[0] as Element,
      ).ids;
    const both = { doi: '10.5555/button.doi', pmid: '111' };
    expect(item('https://scholar.google.com/scholar_lookup?title=A+title&amp;doi=10.5555%2Fother&amp;pmid=222')).toEqual(both);
    expect(item('https://scholar.google.com/scholar_lookup?title=A+title&amp;doi=10.48550/arXiv.2101.00001')).toEqual({ ...both, arxiv: '2101.00001' });
    expect(item('https://scholar.google.com/scholar_lookup?doi=10.48550%2FarXiv.2101.00001')).toEqual({ ...both, arxiv: '2101.00001' });
    expect(item('https://pmc.ncbi.nlm.nih.gov/articles/PMC3531190/?from=scholar.google.com')).toEqual({ ...both, pmcid: 'PMC3531190' });
  });

  it('does not throw on empty or odd items', () => {
    const doc = parseHtml(`<body><section id="references"><div role="list">
      <div role="listitem"></div><div role="listitem"><div class="citation-content"><em></em></div></div>
      <div role="listitem"><div class="external-links"><a href="javascript:alert(1)">Crossref</a></div></div>
    </div></section></body>`);
    const found = elsevierHealth.findItems(doc);
    expect(found).toHaveLength(3);
    for (const el of found) {
      const ref = elsevierHealth.extract(el);
      expect(ref.text).toBe('');
      expect(ref.ids).toEqual({});
    }
  });
});

describe('parseAuthorName', () => {
  it.each([
    ['Murthy RK', { family: 'Murthy', given: 'R.K.' }],
    ['Kim S-B', { family: 'Kim', given: 'S.-B.' }],
    ["D'yachkova Y", { family: "D'yachkova", given: 'Y.' }],
    ['Khan SA.', { family: 'Khan', given: 'S.A.' }],
    ['den Brok WD', { family: 'den Brok', given: 'W.D.' }],
    ['Van Kampen RJW', { family: 'Van Kampen', given: 'R.J.W.' }],
    ['Bouwer N I', { family: 'Bouwer', given: 'N.I.' }],
    ['Angelo, K.', { family: 'Angelo', given: 'K.' }],
    ['Tamotsu', { family: 'Tamotsu' }],
    ['ESMO Guidelines Working Group', { literal: 'ESMO Guidelines Working Group' }],
    ['American Society of Clinical Oncology', { literal: 'American Society of Clinical Oncology' }],
  ])('%s', (raw, name) => {
    expect(parseAuthorName(raw)).toEqual(name);
  });

  it('et al. is not a name', () => {
    expect(parseAuthorName('et al.')).toBeUndefined();
  });
});
