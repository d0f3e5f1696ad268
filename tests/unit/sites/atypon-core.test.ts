import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { issuedYear } from '../../../src/core/csl';
import type { ExtractedReference } from '../../../src/core/reference';
import { atyponCore, parseCoreCitation } from '../../../src/sites/atypon-core';
import type { SiteAdapter } from '../../../src/sites/types';

interface ExpectedRef {
  n: number;
  firstAuthor: string | null;
  title: string | null;
  year: number | null;
  doi: string | null;
  pmid: string | null;
}

// A path, not a URL: under happy-dom the global URL is not the one node:fs accepts.
const PAGES = join(import.meta.dirname, '../../fixtures/pages');

function parse(html: string): Document {
  return new DOMParser().parseFromString(html, 'text/html');
}

function loadFixture(dir: string): { url: string; doc: Document; expected: ExpectedRef[] } {
  const html = readFileSync(join(PAGES, dir, 'index.html'), 'utf8');
  const url = /<!-- reflens-fixture-url: (\S+) -->/.exec(html)?.[1];
  if (!url) throw new Error(`${dir}: no fixture URL comment`);
  const expected = JSON.parse(readFileSync(join(PAGES, dir, 'expected.json'), 'utf8')) as ExpectedRef[];
  return { url, doc: parse(html), expected };
}

function readAll(adapter: SiteAdapter, doc: Document): Array<{ el: Element; ref: ExtractedReference }> {
  return adapter.findItems(doc).map((el) => ({ el, ref: adapter.extract(el) }));
}

const idRows = (refs: ExtractedReference[]) =>
  refs.map((ref, i) => ({ n: i + 1, doi: ref.ids.doi ?? null, pmid: ref.ids.pmid ?? null }));
const metaRows = (refs: ExtractedReference[]) =>
  refs.map((ref, i) => {
    const first = ref.csl.author?.[0];
    return { n: i + 1, firstAuthor: first?.family ?? first?.literal ?? null, title: ref.csl.title ?? null, year: issuedYear(ref.csl) ?? null };
  });

const BUTTON_WORDS = /\b(?:Crossref|PubMed|Google Scholar|Web of Science|Go to reference|See all references)\b/i;

describe.each([
  { dir: 'atypon-pnas/amazon-warming', count: 66, ownDoi: '10.1073/pnas.2309123120', itemId: (n: number) => `r${n}` },
  { dir: 'atypon-science/aeg3511-paywalled', count: 14, ownDoi: '10.1126/science.aeg3511', itemId: (n: number) => `R${n}` },
  { dir: 'nejm/destiny-breast01', count: 8, ownDoi: '10.1056/nejmoa1914510', itemId: (n: number) => `r${n}` },
  { dir: 'sage/pps-reproducibility', count: 8, ownDoi: '10.1177/1745691612462588', itemId: (n: number) => `bibr${n}-1745691612462588` },
])('atyponCore on $dir', ({ dir, count, ownDoi, itemId }) => {
  const { url, doc, expected } = loadFixture(dir);
  const items = readAll(atyponCore, doc);
  const refs = items.map((i) => i.ref);

  it('matches the page', () => {
    expect(atyponCore.matches(new URL(url), doc)).toBe(true);
  });

  it('finds exactly the items of the main list, in page order, never the side-panel copies', () => {
    expect(expected).toHaveLength(count);
    expect(items).toHaveLength(count);
    // The fixture really holds side-panel copies, so the exclusion is exercised.
    expect(doc.querySelectorAll('[data-list="references"] [role="listitem"]').length).toBeGreaterThan(0);
    const ids = items.map(({ el }) => el.querySelector('.citations')?.id);
    expect(new Set(ids).size).toBe(count);
    expect(ids).toEqual(expected.map(({ n }) => itemId(n)));
    for (const { el } of items) expect(el.closest('[data-list="references"], [id^="core-collateral-"]')).toBeNull();
  });

  it('reads every DOI and PMID shown on the page, and no other', () => {
    expect(idRows(refs)).toEqual(expected.map(({ n, doi, pmid }) => ({ n, doi, pmid })));
    // Linkouts carry the citing article's DOI in doi=; it must never be attributed to a reference.
    for (const ref of refs) expect(ref.ids.doi).not.toBe(ownDoi);
  });

  it('reads first author, title and year of every reference', () => {
    expect(metaRows(refs)).toEqual(expected.map(({ n, firstAuthor, title, year }) => ({ n, firstAuthor, title, year })));
  });

  it('keeps button labels, numbers and back-link snippets out of the text', () => {
    for (const ref of refs) {
      expect(ref.text).not.toMatch(BUTTON_WORDS);
      expect(ref.text).not.toMatch(/\[\.\.\.\]/);
      expect(ref.text).toBe(ref.text.trim());
      expect(ref.text.length).toBeGreaterThan(10);
    }
  });
});

describe('atyponCore CSL on PNAS', () => {
  const { doc } = loadFixture('atypon-pnas/amazon-warming');
  const refs = readAll(atyponCore, doc).map((i) => i.ref);
  const csl = (n: number) => refs[n - 1]?.csl ?? {};

  it('journal article with full author list', () => {
    expect(csl(2)).toEqual({
      type: 'article-journal',
      author: [
        { family: 'Lawrence', given: 'D.' },
        { family: 'Vandecar', given: 'K.' },
      ],
      title: 'Effects of tropical deforestation on climate and agriculture',
      'container-title': 'Nat. Clim. Change',
      volume: '5',
      page: '27-36',
      issued: { 'date-parts': [[2015]] },
    });
    expect(refs[1]?.text).toBe(
      'D. Lawrence, K. Vandecar, Effects of tropical deforestation on climate and agriculture. Nat. Clim. Change 5, 27–36 (2015).',
    );
  });

  it('"et al." and multi-word family names', () => {
    expect(csl(4)._etAl).toBe(true);
    expect(csl(24).author?.[0]).toEqual({ family: 'van Marle', given: 'M. J.' });
    expect(csl(34).author?.[0]).toEqual({ family: 'Alves de Oliveira', given: 'B. F.' });
  });

  it('chapter in a book, with pages', () => {
    expect(csl(65)).toMatchObject({
      type: 'chapter',
      title: 'XGBoost: A scalable tree boosting system',
      'container-title': 'Proceedings of the 22nd ACM SIGKDD International Conference on Knowledge Discovery and Data Mining',
      page: '785-794',
    });
  });

  it('book with publisher', () => {
    expect(csl(32)).toMatchObject({ type: 'book', title: 'Amazon Tipping Point', publisher: 'American Association for the Advancement of Science' });
  });
});

describe('atyponCore CSL on NEJM and SAGE', () => {
  it('NEJM Vancouver item', () => {
    const { doc } = loadFixture('nejm/destiny-breast01');
    const ref = atyponCore.extract(atyponCore.findItems(doc)[3] as Element);
    expect(ref.csl).toEqual({
      type: 'article-journal',
      author: [
        { family: 'Baselga', given: 'J.' },
        { family: 'Cortés', given: 'J.' },
        { family: 'Kim', given: 'S.-B.' },
      ],
      _etAl: true,
      title: 'Pertuzumab plus trastuzumab plus docetaxel for metastatic breast cancer',
      'container-title': 'N Engl J Med',
      issued: { 'date-parts': [[2012]] },
      volume: '366',
      page: '109-19',
    });
  });

  it('SAGE APA items: journal article and book', () => {
    const { doc } = loadFixture('sage/pps-reproducibility');
    const refs = atyponCore.findItems(doc).map((el) => atyponCore.extract(el));
    expect(refs[1]?.csl).toMatchObject({
      author: [
        { family: 'Bertamini', given: 'M.' },
        { family: 'Munafò', given: 'M.R.' },
      ],
      'container-title': 'Perspectives on Psychological Science',
      volume: '7',
      page: '67-71',
    });
    expect(refs[5]?.csl).toMatchObject({ type: 'book', title: 'The structure of scientific revolutions', publisher: 'University of Chicago Press' });
  });
});

describe('atyponCore matches()', () => {
  const empty = parse('<body><p>no references</p></body>');
  const core = parse('<body><section id="bibliography" role="doc-bibliography"><div role="list"></div></section></body>');

  it.each(['https://www.pnas.org/doi/10.1073/pnas.1', 'https://www.science.org/doi/10.1126/x', 'https://www.nejm.org/doi/full/10.1056/x', 'https://journals.sagepub.com/doi/10.1177/x', 'https://www.annualreviews.org/doi/10.1146/x'])(
    'true on %s',
    (u) => {
      expect(atyponCore.matches(new URL(u), empty)).toBe(true);
    },
  );

  it('on hosts shared with the classic template, only when the core bibliography is in the DOM', () => {
    for (const u of ['https://www.tandfonline.com/doi/full/10.1080/x', 'https://pubs.acs.org/doi/10.1021/x']) {
      expect(atyponCore.matches(new URL(u), empty)).toBe(false);
      expect(atyponCore.matches(new URL(u), core)).toBe(true);
    }
  });

  it('false elsewhere', () => {
    for (const u of ['https://www.nature.com/articles/x', 'https://pnas.org.evil.example/doi/x', 'https://www.sciencedirect.com/science/article/pii/X']) {
      expect(atyponCore.matches(new URL(u), core)).toBe(false);
    }
  });
});

describe('parseCoreCitation', () => {
  it('Science style without a title', () => {
    expect(parseCoreCitation('C. Duan et al., Nature 640, 962 (2025).', 'Nature', '640')).toEqual({
      type: 'article-journal',
      author: [{ family: 'Duan', given: 'C.' }],
      _etAl: true,
      'container-title': 'Nature',
      volume: '640',
      page: '962',
      issued: { 'date-parts': [[2025]] },
    });
  });

  it('Vancouver style', () => {
    expect(parseCoreCitation('Murthy RK, Loi S, Okines A, et al. Tucatinib for HER2-positive breast cancer. N Engl J Med 2020;382:597-609.')).toEqual({
      type: 'article-journal',
      author: [
        { family: 'Murthy', given: 'R.K.' },
        { family: 'Loi', given: 'S.' },
        { family: 'Okines', given: 'A.' },
      ],
      _etAl: true,
      title: 'Tucatinib for HER2-positive breast cancer',
      'container-title': 'N Engl J Med',
      issued: { 'date-parts': [[2020]] },
      volume: '382',
      page: '597-609',
    });
  });

  it('APA style', () => {
    expect(
      parseCoreCitation('Begley C. G., Ellis L. M. (2012). Raise standards for preclinical cancer research. Nature, 483(7391), 531–533.', 'Nature'),
    ).toEqual({
      type: 'article-journal',
      author: [
        { family: 'Begley', given: 'C.G.' },
        { family: 'Ellis', given: 'L.M.' },
      ],
      title: 'Raise standards for preclinical cancer research',
      'container-title': 'Nature',
      issued: { 'date-parts': [[2012]] },
      volume: '483',
      issue: '7391',
      page: '531-533',
    });
  });

  it('never throws on junk', () => {
    for (const s of ['', '(', '(2020).', 'a, b, c, d', '“ in ', 'X. Y, (1999)']) expect(() => parseCoreCitation(s, s, s)).not.toThrow();
  });
});

describe('atyponCore extract on odd items', () => {
  it('reads the DOI from a Crossref linkout key (any dbid), never its doi= param', () => {
    const doc = parse(`<body><section id="bibliography" role="doc-bibliography"><div role="list"><div role="listitem"><div class="label">1</div>
      <div id="r1" class="citations"><div class="citation"><div class="citation-content">A. B. Roe, <em>J. X.</em> <b>1</b>, 2 (2001).</div>
      <div class="external-links"><div class="core-xlink-crossref"><a href="/servlet/linkout?suffix=e_1&amp;dbid=4&amp;doi=10.1126%2Fscience.own&amp;key=10.5555%2FRef.One">Crossref</a></div>
      <div class="core-xlink-isi"><a href="https://gateway.webofknowledge.com/gateway/Gateway.cgi?KeyUT=WOS%3A1&amp;doi=10.1126%2Fscience.own">Web of Science</a></div>
      </div></div></div></div></div></section></body>`);
    const ref = atyponCore.extract(atyponCore.findItems(doc)[0] as Element);
    expect(ref.ids).toEqual({ doi: '10.5555/ref.one' });
    expect(ref.text).toBe('A. B. Roe, J. X. 1, 2 (2001).');
  });

  it('does not throw on empty items', () => {
    const doc = parse('<body><section id="bibliography" role="doc-bibliography"><div role="list"><div role="listitem"></div><div role="listitem"><div class="citation"></div></div></div></section></body>');
    const found = atyponCore.findItems(doc);
    expect(found).toHaveLength(2);
    for (const el of found) expect(atyponCore.extract(el)).toMatchObject({ text: '', ids: {} });
  });
});

describe('Annual Reviews (Atypon core, reconstructed fixture)', () => {
  const { url, doc, expected } = loadFixture('annual-reviews/psych-replicability');
  const found = readAll(atyponCore, doc);
  const refs = found.map((f) => f.ref);

  it('is taken by atyponCore on its real URL', () => {
    expect(atyponCore.matches(new URL(url), doc)).toBe(true);
  });

  it('finds the bibliography items once each, never the side-panel copies', () => {
    expect(doc.querySelectorAll('.citations[id^="core-collateral-r"]').length).toBe(expected.length);
    expect(found.map((f) => f.el.querySelector('.citations')?.id)).toEqual(expected.map((e) => `r${e.n}`));
  });

  it('reads every DOI and PMID shown, never the citing article DOI of the Web of Science linkouts', () => {
    expect(idRows(refs)).toEqual(expected.map(({ n, doi, pmid }) => ({ n, doi, pmid })));
    for (const r of refs) expect(r.ids.doi).not.toBe('10.1146/annurev-psych-020821-114157');
  });

  // CSL is not checked: parseCoreCitation does not know Annual Reviews' "Authors. 2012. Title." style yet.
  it('keeps the text without button labels', () => {
    expect(refs[0]!.text).toBe('Begley CG, Ellis LM. 2012. Raise standards for preclinical cancer research. Nature 483(7391):531–33');
    for (const r of refs) expect(r.text).not.toMatch(/Crossref|PubMed|Google Scholar|Web of Science|Go to Reference/);
  });
});

describe('parseCoreCitation: Annual Reviews house style', () => {
  it('reads authors, year, title, journal, volume, issue and pages', () => {
    expect(
      parseCoreCitation(
        'Begley CG, Ellis LM. 2012. Drug development: raise standards for preclinical cancer research. Nature 483(7391):531–33',
        'Nature',
      ),
    ).toEqual({
      type: 'article-journal',
      author: [
        { family: 'Begley', given: 'C.G.' },
        { family: 'Ellis', given: 'L.M.' },
      ],
      issued: { 'date-parts': [[2012]] },
      title: 'Drug development: raise standards for preclinical cancer research',
      'container-title': 'Nature',
      volume: '483',
      issue: '7391',
      page: '531-33',
    });
  });

  it('keeps "et al." and an article number', () => {
    const csl = parseCoreCitation('Ioannidis JPA, et al. 2005. Why most published research findings are false. PLOS Med. 2(8):e124', 'PLOS Med.');
    expect(csl).toMatchObject({ _etAl: true, title: 'Why most published research findings are false', 'container-title': 'PLOS Med', page: 'e124' });
  });
});
