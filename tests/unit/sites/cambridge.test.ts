import { describe, expect, it } from 'vitest';
import { issuedYear } from '../../../src/core/csl';
import { cambridge } from '../../../src/sites/cambridge';
import { idRows, loadFixturePage, readExpected } from '../../support/fixture-page';

const FIXTURE = 'cambridge/phcrd-morocco';
const expected = readExpected(FIXTURE);

describe('cambridge.matches', () => {
  it.each([
    ['https://www.cambridge.org/core/product/identifier/S1463423625100169/type/journal_article', true],
    ['https://www.cambridge.org/core/journals/primary-health-care-research-and-development/article/x/ABC', true],
    ['https://www.cambridge.org/us/universitypress', false],
    ['https://dictionary.cambridge.org/core/x', false],
  ])('%s → %s', (url, result) => {
    expect(cambridge.matches(new URL(url), document)).toBe(result);
  });
});

describe('Cambridge Core article page', () => {
  const { doc } = loadFixturePage(FIXTURE);
  const items = cambridge.findItems(doc);
  const refs = items.map((el) => cambridge.extract(el));

  it('finds the reference items only, never the footnotes that share the circle-list markup', () => {
    expect(doc.querySelectorAll('#footnotes-list .circle-list__item').length).toBe(1);
    expect(items.map((el) => el.id)).toEqual(expected.map((r) => `r${r.n}`));
  });

  it('reads every DOI and PMID shown, and no other', () => {
    expect(idRows(refs)).toEqual(
      expected.map(({ n, doi, pmid }) => ({ n, doi, pmid })),
    );
  });

  it('reads first author, title and year from the markup', () => {
    expect(
      refs.map((r, i) => ({
        n: i + 1,
        firstAuthor: r.csl.author?.[0]?.family ?? r.csl.author?.[0]?.literal,
        title: r.csl.title,
        year: issuedYear(r.csl),
      })),
    ).toEqual(expected.map(({ n, firstAuthor, title, year }) => ({ n, firstAuthor, title, year })));
  });

  it('text has no number and no link labels; CSL spot checks', () => {
    expect(refs[0]!.text).toBe('Braun, V, Clarke, V (2006) Using thematic analysis in psychology. Qualitative Research in Psychology 3, 77–101.');
    for (const r of refs) expect(r.text).not.toMatch(/CrossRef|Google Scholar|PubMed|^\d/);
    expect(refs[4]!.csl._etAl).toBe(true);
    expect(refs[7]!.csl).toMatchObject({ type: 'book', publisher: 'World Health Organization', 'publisher-place': 'Geneva' });
    expect(refs[1]!.csl).toMatchObject({ 'container-title': 'CA: A Cancer Journal for Clinicians', volume: '68', page: '394-424' });
  });
});
