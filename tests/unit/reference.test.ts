import { describe, expect, it, vi } from 'vitest';
import { resultsForPage } from '../../src/background/page-results';
import { NOTE_SCHEMA_VERSION, type Note } from '../../src/core/notes';
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

describe('resultsForPage', () => {
  const note = (key: string, text: string): Note => ({ v: NOTE_SCHEMA_VERSION, key, aliases: [], text, tags: [], created: 1, updated: 1, seenOn: [] });
  const UNTITLED: ReferenceInput = { n: 5, text: 'Roe R. Another work. 2019.', ids: {}, csl: { title: 'Another work', issued: { 'date-parts': [[2019]] } } };
  const UNRESOLVED: ReferenceResult = { n: 5, state: 'unresolved', csl: { id: 'ref-5', type: 'article-journal', title: 'Another work' }, workKeys: [] };

  it("adds each work's note, found under the result's keys or the page's own", async () => {
    const asked: string[][][] = [];
    const store = {
      findMany: async (keys: string[][]) => {
        asked.push(keys);
        return keys.map((k) => (k.includes('doi:10.5555/x') ? note('doi:10.5555/x', 'by DOI') : k.includes('title:another work|2019') ? note('title:another work|2019', '') : null));
      },
    };
    const shown = await resultsForPage([REF, UNTITLED, { ...REF, n: 6, text: 'x', csl: {} }], [RESULT, UNRESOLVED, { ...UNRESOLVED, n: 6 }], store);
    expect(shown.map((r) => r.note)).toEqual(['by DOI', '', undefined]);
    // The unresolved reference has no keys of its own in the result: the page's title key found its note.
    expect(asked[0]![1]).toEqual(['title:another work|2019']);
    expect(shown[0]).not.toHaveProperty('csl');
  });

  it('finds the note of a work the page sent as printed, and sends its title only when it differs from the printed one', async () => {
    const printed: ReferenceInput = {
      n: 7,
      text: 'Roe R. Another work. J Test. 2019; 4: 1-2',
      ids: {},
      csl: { type: 'article-journal' },
      printed: { authors: ['Roe R'], title: 'Another work.', source: 'J Test. 2019; 4: 1-2', journal: 'J Test.' },
    };
    const unresolved: ReferenceResult = { ...UNRESOLVED, n: 7 };
    const store = { findMany: async (keys: string[][]) => keys.map((k) => (k.includes('title:another work|2019') ? note('title:another work|2019', 'mine') : null)) };
    const [shown] = await resultsForPage([printed], [unresolved], store);
    expect(shown).toMatchObject({ n: 7, note: 'mine' });
    expect(shown).not.toHaveProperty('title');
    expect(resultForPage({ ...unresolved, csl: { ...unresolved.csl, title: 'Another work, looked up' } }, printed).title).toBe('Another work, looked up');
  });

  it('answers the results without notes when the notes cannot be read', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const shown = await resultsForPage([REF], [RESULT], { findMany: async () => Promise.reject(new Error('storage gone')) });
    expect(shown).toEqual([resultForPage(RESULT, REF)]);
  });
});
