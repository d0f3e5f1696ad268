import { describe, expect, it } from 'vitest';
import { issuedYear } from '../../../src/core/csl';
import { cslFromJats, oup } from '../../../src/sites/oup';
import { idRows, loadFixturePage, parseHtml, readExpected } from '../../support/fixture-page';

const FIXTURE = 'oup/bioinformatics-trimmomatic';
const expected = readExpected(FIXTURE);

describe('oup.matches', () => {
  it.each([
    ['https://academic.oup.com/bioinformatics/article/30/15/2114/2390096', true],
    ['https://academic.oup.com/nar/article-abstract/40/W1/W622/1075000', true],
    ['https://academic.oup.com/bioinformatics/search-results?q=trim', false],
    ['https://academic.oup.com.evil.example/bioinformatics/article/1/1/1/1', false],
  ])('%s → %s', (url, result) => {
    expect(oup.matches(new URL(url), document)).toBe(result);
  });
});

describe('OUP Academic article page', () => {
  const { doc } = loadFixturePage(FIXTURE);
  const items = oup.findItems(doc);
  const refs = items.map((el) => oup.extract(el));

  it('finds the split-view items only, never the #revealContent pop-up copy', () => {
    expect(doc.querySelectorAll('#revealContent .ref-content').length).toBe(1);
    expect(items.map((el) => el.getAttribute('content-id'))).toEqual(expected.map((r) => `btu170-B${r.n}`));
    expect(items.some((el) => el.closest('#revealContent'))).toBe(false);
  });

  it('reads every DOI and PMID shown, and no other (not the article own DOI)', () => {
    expect(idRows(refs)).toEqual(
      expected.map(({ n, doi, pmid }) => ({ n, doi, pmid })),
    );
  });

  it('reads first author, title and year from the JATS markup', () => {
    expect(
      refs.map((r, i) => ({
        n: i + 1,
        firstAuthor: r.csl.author?.[0]?.family,
        title: r.csl.title,
        year: issuedYear(r.csl ?? {}),
      })),
    ).toEqual(expected.map(({ n, firstAuthor, title, year }) => ({ n, firstAuthor, title, year })));
  });

  it('CSL spot checks: journal article, book, et al., pages', () => {
    expect(refs[4]!.csl).toEqual({
      type: 'article-journal',
      author: [
        { family: 'Li', given: 'H.' },
        { family: 'Durbin', given: 'R.' },
      ],
      title: 'Fast and accurate short read alignment with Burrows-Wheeler transform',
      'container-title': 'Bioinformatics',
      issued: { 'date-parts': [[2009]] },
      volume: '25',
      page: '1754-1760',
    });
    expect(refs[1]!.csl).toMatchObject({ type: 'book', publisher: 'Cambridge University Press', 'publisher-place': 'Cambridge' });
    expect(refs[5]!.csl._etAl).toBe(true);
    expect(refs[3]!.csl.page).toBe('R25');
  });

  it('keeps the citation text and drops the link toolbox', () => {
    expect(refs[4]!.text).toBe(
      'Li H., Durbin R. (2009) Fast and accurate short read alignment with Burrows-Wheeler transform. Bioinformatics, 25, 1754–1760.',
    );
    for (const r of refs) expect(r.text).not.toMatch(/Crossref|Google Scholar|PubMed|WorldCat/);
    expect(refs[7]!.text).toContain('doi: 10.14806/ej.17.1.200');
  });
});

describe('oup markup variants', () => {
  it('falls back to .ref-list .ref-content when there are no split-view items', () => {
    const doc = parseHtml(`<div class="ref-list"><div class="ref"><div class="ref-content"><div class="mixed-citation">
      <div class="collab">WHO</div> (<div class="year">2020</div>) <div class="source">Report</div>.</div></div></div></div>`);
    const items = oup.findItems(doc);
    expect(items).toHaveLength(1);
    expect(oup.extract(items[0]!).csl).toEqual({ author: [{ literal: 'WHO' }], title: 'Report', type: 'book', issued: { 'date-parts': [[2020]] } });
  });

  it('cslFromJats leaves editors out and returns {} for plain text', () => {
    const el = parseHtml(`<div><span class="person-group" person-group-type="editor"><span class="string-name"><span class="surname">Ed</span></span></span>
      <span class="chapter-title">Ch</span> <span class="source">Bk</span></div>`).body.firstElementChild!;
    expect(cslFromJats(el)).toEqual({ title: 'Ch', 'container-title': 'Bk', type: 'chapter' });
    expect(cslFromJats(parseHtml('<div>plain text 2001</div>').body.firstElementChild!)).toEqual({});
  });
});
