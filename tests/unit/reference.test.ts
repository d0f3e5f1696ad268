import { describe, expect, it } from 'vitest';
import { resultForPage, type ReferenceInput, type ReferenceResult } from '../../src/core/reference';

const REF: ReferenceInput = { n: 4, text: 'Doe J. A page title. J Test. 2020;1:2-3.', ids: {}, csl: { title: 'A page title' } };
const RESULT: ReferenceResult = {
  n: 4,
  state: 'resolved',
  doi: { value: '10.5555/x', source: 'lookup', confidence: 0.9 },
  csl: { id: 'ref-4', type: 'article-journal', title: 'A page title', DOI: '10.5555/x', volume: '1' },
  workKeys: ['doi:10.5555/x'],
};

describe('resultForPage', () => {
  it('leaves out the CSL item, and the title when the page has the same one', () => {
    const shown = resultForPage(RESULT, REF);
    expect(shown).toEqual({ n: 4, state: 'resolved', doi: RESULT.doi, workKeys: ['doi:10.5555/x'] });
  });

  it('sends the title when it differs from the page', () => {
    expect(resultForPage({ ...RESULT, csl: { ...RESULT.csl, title: 'The looked-up title' } }, REF).title).toBe('The looked-up title');
    expect(resultForPage(RESULT, { ...REF, csl: {} }).title).toBe('A page title');
  });
});
