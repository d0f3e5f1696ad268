import { afterEach, describe, expect, it } from 'vitest';
import { issuedYear } from '../../../src/core/csl';
import {
  parseScienceDirectAuthors,
  parseScienceDirectHost,
  parseScienceDirectName,
  sciencedirect,
} from '../../../src/sites/sciencedirect';
import { closeFixtureWindows, type ExpectedRow, openFixturePage, readExpected } from '../../support/fixture-page';

const PII = 'S1526820921001543';
const FULLTEXT_URL = `https://www.sciencedirect.com/science/article/pii/${PII}`;
const PREVIEW_URL = `https://www.sciencedirect.com/science/article/abs/pii/${PII}`;
const LINK_LABELS = /Google Scholar|View PDF|View article|View in Scopus|Crossref/;

afterEach(closeFixtureWindows);

const expected = (name: string) => readExpected(`sciencedirect/${name}`);

/** Loads a fixture in its own window at its real URL, with the page's inline scripts enabled. */
const openFixture = (name: string) => openFixturePage(`sciencedirect/${name}`, { scripts: true });

async function openFullText(): Promise<Document> {
  const { window, doc } = openFixture('fulltext');
  // Runs the page's own timer that inserts the script-loaded list.
  await window.happyDOM.waitUntilComplete();
  return doc;
}

function checkAgainstExpected(doc: Document, rows: ExpectedRow[]): void {
  const items = sciencedirect.findItems(doc);
  expect(items).toHaveLength(rows.length);
  items.forEach((item, i) => {
    const row = rows[i]!;
    const ref = sciencedirect.extract(item);
    expect(ref.ids.doi ?? null, `item ${row.n} DOI`).toBe(row.doi);
    expect(ref.ids.pmid ?? null, `item ${row.n} PMID`).toBe(row.pmid);
    expect(ref.text, `item ${row.n} text`).toContain(row.firstAuthor);
    expect(ref.text).not.toMatch(LINK_LABELS);
    if (ref.csl.title !== undefined) {
      expect(ref.csl.title, `item ${row.n} title`).toBe(row.title);
      expect(ref.csl.author?.[0]?.family, `item ${row.n} first author`).toBe(row.firstAuthor);
      expect(issuedYear(ref.csl), `item ${row.n} year`).toBe(row.year);
    }
  });
}

describe('sciencedirect.matches', () => {
  it.each([
    [FULLTEXT_URL, true],
    [PREVIEW_URL, true],
    ['https://www.sciencedirect.com/journal/clinical-breast-cancer', false],
    ['https://www.sciencedirect.com/search?qs=her2', false],
    [`https://www.example.com/science/article/pii/${PII}`, false],
  ])('%s → %s', (url, result) => {
    expect(sciencedirect.matches(new URL(url), document)).toBe(result);
  });
});

describe('ScienceDirect full text (script-loaded list)', () => {
  it('finds nothing before the list arrives, and the observed root exists at load and receives the list', async () => {
    const { window, doc } = openFixture('fulltext');
    expect(sciencedirect.findItems(doc)).toEqual([]);
    expect(doc.querySelector('ol.references')).toBeNull();

    const roots = [...doc.querySelectorAll(sciencedirect.lateListRoot!)];
    expect(roots.length).toBeGreaterThan(0);
    const added: Node[] = [];
    const observer = new window.MutationObserver((records) => {
      for (const r of records) added.push(...(r.addedNodes as unknown as Node[]));
    });
    for (const root of roots) observer.observe(root as never, { childList: true, subtree: true });

    await window.happyDOM.waitUntilComplete();
    observer.disconnect();
    expect(added.some((n) => (n as Element).matches?.('section.bibliography'))).toBe(true);
    expect(sciencedirect.findItems(doc)).toHaveLength(expected('fulltext').length);
  });

  it('reads every reference of the final list as expected.json says', async () => {
    checkAgainstExpected(await openFullText(), expected('fulltext'));
  });

  it('returns the list items in page order, once each, and never "Cited by", recommendations or inline citations', async () => {
    const doc = await openFullText();
    const items = sciencedirect.findItems(doc);
    expect(items.every((el) => el.matches('section.bibliography ol.references > li'))).toBe(true);
    expect(new Set(items).size).toBe(items.length);
    expect(items.map((el) => el.querySelector('.label')?.textContent)).toEqual(
      [...doc.querySelectorAll('ol.references > li .label')].map((l) => l.textContent),
    );
    expect(doc.querySelectorAll('#section-cited-by li.ListArticleItem').length).toBeGreaterThan(0);
    expect(items.some((el) => el.closest('#section-cited-by, aside, .Body'))).toBe(false);
    const dois = items.map((el) => sciencedirect.extract(el).ids.doi);
    expect(dois).not.toContain('10.1056/nejmoa2115022');
    expect(dois).not.toContain('10.1056/nejmoa2203690');
    expect(sciencedirect.findItems(doc)).toEqual(items);
  });

  it('takes DOIs from the host link whether or not a Crossref button repeats them', async () => {
    const items = sciencedirect.findItems(await openFullText());
    const byTitle = (start: string) =>
      items.map((el) => sciencedirect.extract(el)).find((r) => r.csl.title?.startsWith(start))!;
    const steenbruggen = byTitle('Radiological complete remission');
    expect(steenbruggen.ids).toEqual({ doi: '10.1007/s10549-019-05427-1' });
    const slamon = byTitle('Human breast cancer: correlation of relapse');
    expect(slamon.ids).toEqual({ doi: '10.1126/science.3798106' });
    expect(slamon.csl).toMatchObject({
      type: 'article-journal',
      'container-title': 'Science',
      volume: '235',
      issue: '4785',
      page: '177-182',
      issued: { 'date-parts': [[1987]] },
    });
    expect(slamon.csl.author?.map((a) => a.family)).toEqual(['Slamon', 'Clark', 'Wong', 'Levin', 'Ullrich', 'McGuire']);
    expect(slamon.csl._etAl).toBeUndefined();
  });

  it('builds CSL from .authors, .title and .host', async () => {
    const refs = sciencedirect.findItems(await openFullText()).map((el) => sciencedirect.extract(el));
    const [murthy] = refs;
    expect(murthy!.csl).toEqual({
      type: 'article-journal',
      title: 'Tucatinib, trastuzumab, and capecitabine for HER2-positive metastatic breast cancer',
      author: [
        { family: 'Murthy', given: 'R.K.' },
        { family: 'Loi', given: 'S.' },
        { family: 'Okines', given: 'A.' },
      ],
      _etAl: true,
      'container-title': 'N Engl J Med',
      volume: '382',
      page: '597-609',
      issued: { 'date-parts': [[2020]] },
    });
    expect(murthy!.text).toBe(
      'R.K. Murthy, S. Loi, A. Okines, et al. Tucatinib, trastuzumab, and capecitabine for HER2-positive metastatic breast cancer N Engl J Med, 382 (2020), pp. 597-609, 10.1056/NEJMoa1914609',
    );

    const baselga = refs.find((r) => r.csl.author?.[0]?.family === 'Baselga')!;
    expect(baselga.csl.author?.[2]).toEqual({ family: 'Kim', given: 'S.-B.' });
    expect(baselga.csl.issue).toBe('2');

    const cardoso = refs.find((r) => r.csl.author?.[0]?.family === 'Cardoso')!;
    expect(cardoso.csl.author?.at(-1)).toEqual({ literal: 'ESMO Guidelines Working Group' });
    expect(cardoso.csl).toMatchObject({ volume: '23', issue: 'Suppl 7', page: 'vii11-vii19' });

    const piccart = refs.find((r) => r.csl.title?.startsWith('Trastuzumab after adjuvant'))!;
    expect(piccart.csl.author?.[0]).toEqual({ family: 'Piccart-Gebhart', given: 'M.J.' });
  });

  it('keeps an Elsevier-hosted work without DOI as its article URL, without the button labels', async () => {
    const refs = sciencedirect.findItems(await openFullText()).map((el) => sciencedirect.extract(el));
    const khan = refs.find((r) => r.csl.author?.[0]?.family === 'Khan')!;
    expect(khan.ids).toEqual({});
    expect(khan.csl.URL).toBe('https://www.sciencedirect.com/science/article/pii/S1053429615000843');
    expect(khan.csl._etAl).toBeUndefined();
    expect(khan.text).toBe(
      'S.A. Khan Surgical management of de novo stage IV breast cancer Semin Radiat Oncol, 26 (2016), pp. 79-86',
    );
    expect(refs.filter((r) => r.csl.URL).length).toBe(1);
  });

  it('places the tools inside the item, and placed tools change neither the items nor their text', async () => {
    const doc = await openFullText();
    const items = sciencedirect.findItems(doc);
    const before = items.map((el) => sciencedirect.extract(el).text);
    for (const item of items) {
      const tools = doc.createElement('reflens-tools') as HTMLElement;
      tools.textContent = 'Copy citation DOI PubMed';
      sciencedirect.placeTools!(item, tools);
      expect(item.lastElementChild).toBe(tools);
    }
    expect(sciencedirect.findItems(doc)).toEqual(items);
    expect(items.map((el) => sciencedirect.extract(el).text)).toEqual(before);
  });
});

describe('ScienceDirect paywalled Preview page', () => {
  it('reads all items, including the hidden remainder, as expected.json says', () => {
    const { doc } = openFixture('preview');
    expect(doc.documentElement.classList.contains('Preview')).toBe(true);
    expect(doc.querySelectorAll('#preview-section-references .u-display-none li.bib-reference')).toHaveLength(14);
    checkAgainstExpected(doc, expected('preview'));
  });

  it('returns the same items after "View more references" reveals them', () => {
    const { doc } = openFixture('preview');
    const before = sciencedirect.findItems(doc);
    (doc.getElementById('show-more-refs-btn') as HTMLButtonElement).click();
    expect(doc.querySelector('#preview-section-references .u-display-none')).toBeNull();
    expect(doc.getElementById('show-more-refs-btn')).toBeNull();
    expect(sciencedirect.findItems(doc)).toEqual(before);
  });

  it('ignores "Cited by" and recommended articles, even those linking to a cited work', () => {
    const { doc } = openFixture('preview');
    const items = sciencedirect.findItems(doc);
    expect(items.every((el) => el.matches('#preview-section-references li.bib-reference'))).toBe(true);
    const recommended = [...doc.querySelectorAll('#recommended-articles a[href^="/science/article/pii/"]')];
    expect(recommended.length).toBe(2);
    const urls = items.map((el) => sciencedirect.extract(el).csl.URL).filter(Boolean);
    for (const a of recommended) {
      const url = `https://www.sciencedirect.com${a.getAttribute('href')}`;
      expect(urls.filter((u) => u === url)).toHaveLength(1);
    }
    expect(doc.querySelectorAll('#preview-section-cited-by li.ListArticleItem').length).toBeGreaterThan(0);
  });

  it('builds CSL from the abridged first author, title and series', () => {
    const { doc } = openFixture('preview');
    const refs = sciencedirect.findItems(doc).map((el) => sciencedirect.extract(el));
    const lambertini = refs.find((r) => r.csl.author?.[0]?.family === 'Lambertini')!;
    expect(lambertini.csl).toMatchObject({
      type: 'article-journal',
      author: [{ family: 'Lambertini', given: 'M.' }],
      _etAl: true,
      'container-title': 'Clin Breast Cancer',
      issued: { 'date-parts': [[2017]] },
      URL: 'https://www.sciencedirect.com/science/article/pii/S1526820917300988',
    });
    expect(lambertini.text).toMatch(/^M\. Lambertini et al\. Patterns of care .* Clin Breast Cancer \(2017\)$/);

    const khan = refs.find((r) => r.csl.author?.[0]?.family === 'Khan')!;
    expect(khan.csl._etAl).toBeUndefined();
    expect(refs.find((r) => r.csl.author?.[0]?.family === 'den Brok')?.csl.author).toEqual([
      { family: 'den Brok', given: 'W.D.' },
    ]);
    const murthy = refs.find((r) => r.csl.author?.[0]?.family === 'Murthy')!;
    expect(murthy.csl.URL).toBeUndefined();
    expect(refs.filter((r) => r.csl.URL)).toHaveLength(7);
  });

  it('keeps an unparsed (raw text) item as text only', () => {
    const { doc } = openFixture('preview');
    const raw = sciencedirect
      .findItems(doc)
      .map((el) => sciencedirect.extract(el))
      .filter((r) => r.csl.title === undefined);
    expect(raw).toHaveLength(1);
    expect(raw[0]!.text).toMatch(/^Tripathy D, Brufsky A, Cobleigh M, et al\. De Novo Versus Recurrent/);
    expect(raw[0]!.csl).toEqual({});
  });
});

describe('extract on markup variants', () => {
  function item(html: string): Element {
    const host = document.createElement('div');
    host.innerHTML = html;
    return host.firstElementChild!;
  }

  it('an unstructured full-text reference keeps its text and printed identifiers', () => {
    const ref = sciencedirect.extract(
      item(
        '<li><span class="label u-font-sans"><a href="#bb0050">[10]</a></span><span class="reference" id="sref10"><div class="other-ref"><span>World Health Organization. Global cancer observatory. doi:10.1000/182. PMID: 12345678.</span></div><div class="ReferenceLinks u-font-sans"><a class="anchor link anchor-primary" href="https://scholar.google.com/scholar?q=x">Google Scholar</a></div></span></li>',
      ),
    );
    expect(ref.text).toBe('World Health Organization. Global cancer observatory. doi:10.1000/182. PMID: 12345678.');
    expect(ref.ids).toEqual({ doi: '10.1000/182', pmid: '12345678' });
    expect(ref.csl).toEqual({});
  });

  it('empty or broken items do not throw', () => {
    expect(sciencedirect.extract(item('<li class="bib-reference"></li>'))).toEqual({ text: '', ids: {}, csl: {} });
    expect(sciencedirect.extract(item('<li><span class="reference"><div class="host"></div></span></li>'))).toEqual({
      text: '',
      ids: {},
      csl: {},
    });
  });

  it('findItems scopes span.reference to the bibliography', () => {
    document.body.innerHTML =
      '<div class="side-panel"><span class="reference" id="x1"><div class="title text-m">Copy in a side panel</div></span></div>' +
      '<section class="bibliography"><section class="bibliography-sec"><ol class="references"><li><span class="reference" id="sref1"><div class="title">A</div></span></li></ol></section></section>' +
      '<section id="section-cited-by"><section class="bibliography"><ol class="references"><li><span class="reference"><div class="title">B</div></span></li></ol></section></section>';
    const items = sciencedirect.findItems(document);
    expect(items).toHaveLength(1);
    expect(items[0]!.querySelector('#sref1')).not.toBeNull();
    document.body.innerHTML = '';
  });
});

describe('parseScienceDirectHost', () => {
  it.each<[string, Record<string, unknown>]>([
    [
      'IEEE Transactions on Instrumentation and Measurement, 72 (2023), pp. 1-11,',
      {
        type: 'article-journal',
        'container-title': 'IEEE Transactions on Instrumentation and Measurement',
        volume: '72',
        page: '1-11',
        issued: { 'date-parts': [[2023]] },
      },
    ],
    [
      'IEEE Transactions on Vehicular Technology, 72 (4) (2023), pp. 4207-4221, 10.1109/TVT.2022.3221807',
      {
        type: 'article-journal',
        'container-title': 'IEEE Transactions on Vehicular Technology',
        volume: '72',
        issue: '4',
        page: '4207-4221',
        issued: { 'date-parts': [[2023]] },
      },
    ],
    [
      'Academic Press, Orlando, FL (1987)',
      { type: 'book', publisher: 'Academic Press', 'publisher-place': 'Orlando, FL', issued: { 'date-parts': [[1987]] } },
    ],
    ['Oxford University Press (2017)', { type: 'book', publisher: 'Oxford University Press', issued: { 'date-parts': [[2017]] } }],
    [
      'J. AOAC Int, 97 (2014), pp. 1329-1342',
      { 'container-title': 'J. AOAC Int', volume: '97', page: '1329-1342', issued: { 'date-parts': [[2014]] } },
    ],
    ['Ann. For. Sci., 79 (2022), p. 22', { 'container-title': 'Ann. For. Sci.', volume: '79', page: '22' }],
    ['Bioorg. Chem., 129 (2022), Article 106146', { 'container-title': 'Bioorg. Chem.', volume: '129', number: '106146' }],
    ['Phys. Rev. X, 11 (1) (2021), Article 011020', { volume: '11', issue: '1', number: '011020' }],
    ['Ann Oncol, 23 (Suppl 7) (2012), pp. vii11-vii19', { volume: '23', issue: 'Suppl 7', page: 'vii11-vii19' }],
    ['Clin Breast Cancer, 17 (8) (2017), pp. 601-610.e2', { volume: '17', issue: '8', page: '601-610.e2' }],
    ['Oncologist (2020)', { type: 'article-journal', 'container-title': 'Oncologist', issued: { 'date-parts': [[2020]] } }],
    [
      'R.C. Bast, D.W. Kufe, R.E. Pollock, et al. (Eds.), Holland-Frei Cancer Medicine (5th ed.), BC Decker, Hamilton, ON (2000)',
      {
        type: 'chapter',
        editor: [
          { family: 'Bast', given: 'R.C.' },
          { family: 'Kufe', given: 'D.W.' },
          { family: 'Pollock', given: 'R.E.' },
        ],
        'container-title': 'Holland-Frei Cancer Medicine (5th ed.)',
        publisher: 'BC Decker',
        'publisher-place': 'Hamilton, ON',
        issued: { 'date-parts': [[2000]] },
      },
    ],
    [
      'Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition (2016), pp. 770-778',
      {
        type: 'paper-conference',
        'container-title': 'Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition',
        page: '770-778',
        issued: { 'date-parts': [[2016]] },
      },
    ],
    ['arXiv preprint arXiv:1412.6980 (2014)', { type: 'article', issued: { 'date-parts': [[2014]] } }],
  ])('%s', (host, csl) => {
    expect(parseScienceDirectHost(host)).toEqual(csl.type ? csl : expect.objectContaining(csl));
  });

  it('returns nothing for empty or undated free text', () => {
    expect(parseScienceDirectHost('')).toEqual({});
    expect(parseScienceDirectHost('Unpublished observations')).toEqual({});
  });
});

describe('parseScienceDirectAuthors / parseScienceDirectName', () => {
  it.each<[string, { names: unknown[]; etAl: boolean }]>([
    [
      'J.S. Bailey, Thomson J.E., Cox N.A.',
      {
        names: [
          { family: 'Bailey', given: 'J.S.' },
          { family: 'Thomson', given: 'J.E.' },
          { family: 'Cox', given: 'N.A.' },
        ],
        etAl: false,
      },
    ],
    [
      'P. Bird, Fisher K., Benzinger P. Jr',
      {
        names: [
          { family: 'Bird', given: 'P.' },
          { family: 'Fisher', given: 'K.' },
          { family: 'Benzinger', given: 'P. Jr' },
        ],
        etAl: false,
      },
    ],
    ['R.K. Murthy, S. Loi, A. Okines, et al.', { names: [{}, {}, { family: 'Okines', given: 'A.' }], etAl: true }],
    ['D. Yuan, T. Luo …', { names: [{ family: 'Yuan', given: 'D.' }, { family: 'Luo', given: 'T.' }], etAl: true }],
    ['Murthy RK, Loi S', { names: [{ family: 'Murthy', given: 'RK' }, { family: 'Loi', given: 'S' }], etAl: false }],
    ['Bailey, J.S., Thomson, J.E.', { names: [{ family: 'Bailey', given: 'J.S.' }, { family: 'Thomson', given: 'J.E.' }], etAl: false }],
  ])('%s', (raw, want) => {
    const got = parseScienceDirectAuthors(raw);
    expect(got.etAl).toBe(want.etAl);
    expect(got.names).toHaveLength(want.names.length);
    want.names.forEach((n, i) => expect(got.names[i]).toMatchObject(n as object));
  });

  it.each([
    ['W.D. den Brok', { family: 'den Brok', given: 'W.D.' }],
    ['B. Hebling Vieira', { family: 'Hebling Vieira', given: 'B.' }],
    ['S.-J. Dawson', { family: 'Dawson', given: 'S.-J.' }],
    ['Sara A. Hurvitz', { family: 'Hurvitz', given: 'Sara A.' }],
    ['ESMO Guidelines Working Group', { literal: 'ESMO Guidelines Working Group' }],
    ['Early Breast Cancer Trialists’ Collaborative Group (EBCTCG)', { literal: 'Early Breast Cancer Trialists’ Collaborative Group (EBCTCG)' }],
    ['Güth', { family: 'Güth' }],
  ])('%s', (raw, name) => {
    expect(parseScienceDirectName(raw)).toEqual(name);
  });
});
