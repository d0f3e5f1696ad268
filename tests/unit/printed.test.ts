import { describe, expect, it } from 'vitest';
import { cslFromPrinted, pageTitle, printedText, withPrintedCsl } from '../../src/core/printed';
import { forLookup, fromLookup } from '../../src/core/reference';
import type { ReferenceInput } from '../../src/core/reference';

describe('cslFromPrinted', () => {
  it('makes names, title and journal line fields of the printed blocks', () => {
    const text = 'Murthy RK, Loi S, et al. Tucatinib for HER2-Positive Breast Cancer. N Engl J Med. 2020; 382 (7): 597–609';
    expect(
      cslFromPrinted(
        { authors: ['Murthy RK', 'Loi S', 'et al.'], title: 'Tucatinib for HER2-Positive Breast Cancer.', source: 'N Engl J Med. 2020; 382 (7): 597–609', journal: 'N Engl J Med.' },
        text,
      ),
    ).toEqual({
      author: [{ family: 'Murthy', given: 'R.K.' }, { family: 'Loi', given: 'S.' }],
      _etAl: true,
      title: 'Tucatinib for HER2-Positive Breast Cancer',
      'container-title': 'N Engl J Med',
      issued: { 'date-parts': [[2020]] },
      volume: '382',
      issue: '7',
      page: '597-609',
    });
  });

  it('marks a list cut short as et al., and reads running text when the reference has no blocks', () => {
    expect(cslFromPrinted({ authors: ['Makino, H.'], truncated: true }, 'Makino, H., et al.')).toEqual({ author: [{ family: 'Makino', given: 'H.' }], _etAl: true });
    expect(cslFromPrinted({ free: true }, '1. Roe R, Doe J. A free-text title. 2019;178:597-605.')).toEqual({
      author: [{ family: 'Roe', given: 'R.' }, { family: 'Doe', given: 'J.' }],
      title: 'A free-text title',
      issued: { 'date-parts': [[2019]] },
      volume: '178',
      page: '597-605',
    });
  });
});

describe('withPrintedCsl', () => {
  const REF: ReferenceInput = { n: 1, text: 'Roe R. A title. J X. 2001; 1: 2-3', ids: {}, csl: { type: 'article-journal' } };

  it('adds the fields of what the reference prints and drops the printed blocks', () => {
    const full = withPrintedCsl({ ...REF, printed: { authors: ['Roe R'], title: 'A title.', source: 'J X. 2001; 1: 2-3', journal: 'J X.' } });
    expect(full).not.toHaveProperty('printed');
    expect(full.csl).toEqual({ type: 'article-journal', author: [{ family: 'Roe', given: 'R.' }], title: 'A title', 'container-title': 'J X', issued: { 'date-parts': [[2001]] }, volume: '1', page: '2-3' });
  });

  it('keeps the fields the page read itself over printed ones, and leaves a reference without printed blocks as it is', () => {
    expect(withPrintedCsl({ ...REF, csl: { type: 'book', title: 'Own title' }, printed: { title: 'A title.' } }).csl).toEqual({ type: 'book', title: 'Own title' });
    expect(withPrintedCsl(REF)).toBe(REF);
  });
});

describe('pageTitle', () => {
  it("is the page's own title, else the printed title line as the background makes it", () => {
    expect(pageTitle({ csl: { title: 'Own' }, printed: { title: 'Printed.' } })).toBe('Own');
    expect(pageTitle({ csl: {}, printed: { title: 'Pertuzumab in breast cancer A BS TR AC T' } })).toBe('Pertuzumab in breast cancer');
    expect(pageTitle({ csl: {}, printed: { free: true } })).toBeUndefined();
  });
});

describe('printedText and the lookup form of a reference', () => {
  const printed = {
    authors: ['Murthy RK', 'Loi S'],
    truncated: true,
    title: 'Tucatinib for HER2-positive breast cancer',
    source: 'N Engl J Med. 2020; 382: 597-609',
    journal: 'N Engl J Med.',
    rest: ['Published online  Jan 5.'],
  };

  it('makes the text block after block, ending the author list and title as sentences', () => {
    expect(printedText(printed)).toBe(
      'Murthy RK, Loi S, et al. Tucatinib for HER2-positive breast cancer. N Engl J Med. 2020; 382: 597-609 Published online Jan 5.',
    );
    expect(printedText({ title: 'Why?', source: 'BMJ. 2001; 1: 2' })).toBe('Why? BMJ. 2001; 1: 2');
  });

  it('sends a structured reference without its text and gets the same reference back', () => {
    const ref = { n: 3, text: printedText(printed), ids: { doi: '10.1/x' }, csl: { type: 'article-journal' as const }, printed };
    const sent = forLookup(ref);
    expect(sent).not.toHaveProperty('text');
    expect(JSON.stringify(sent).length).toBeLessThan(JSON.stringify(ref).length);
    expect(fromLookup(JSON.parse(JSON.stringify(sent)))).toEqual(ref);
  });

  it('sends running text and references without blocks as they are', () => {
    const free = { n: 1, text: 'Smith J. A study. 2001.', ids: {}, csl: {}, printed: { free: true } };
    const plain = { n: 2, text: 'Jones K. Another. 1999.', ids: {}, csl: {} };
    expect(forLookup(free)).toEqual(free);
    expect(fromLookup(forLookup(plain))).toEqual(plain);
    expect(fromLookup({ n: 4, ids: {}, csl: {} })).toEqual({ n: 4, ids: {}, csl: {}, text: '' });
  });
});
