import { afterEach, describe, expect, it } from 'vitest';
import { issuedYear } from '../../../src/core/csl';
import { ieee, parseIeeeName, parseIeeeReference } from '../../../src/sites/ieee';
import { closeFixtureWindows, idRows, openFixturePage, readExpected } from '../../support/fixture-page';

const FIXTURE = 'ieee/resnet-cvpr2016';
const PAGE_URL = 'https://ieeexplore.ieee.org/document/7780459';
const expected = readExpected(FIXTURE);

afterEach(closeFixtureWindows);

/** The fixture in its own window at its real URL, with its inline scripts enabled. */
const open = () => openFixturePage(FIXTURE, { scripts: true });

describe('ieee.matches', () => {
  it.each([
    [PAGE_URL, true],
    ['https://ieeexplore.ieee.org/abstract/document/7780459/', true],
    ['https://ieeexplore.ieee.org/search/searchresult.jsp?queryText=resnet', false],
    ['https://www.ieee.org/document/7780459', false],
  ])('%s → %s', (url, result) => {
    expect(ieee.matches(new URL(url), document)).toBe(result);
  });
});

describe('IEEE Xplore document page', () => {
  it('reads nothing at load: the only reference-container is a citing paper', () => {
    const { doc } = open();
    expect(doc.querySelectorAll('div.reference-container').length).toBe(1);
    expect(ieee.findItems(doc)).toEqual([]);
  });

  it('the list arrives under the observed root after the References tab is clicked, and reads as expected', async () => {
    const { window, doc } = open();
    const root = doc.querySelector(ieee.lateListRoot!);
    expect(root).not.toBeNull();
    let arrived = false;
    const observer = new window.MutationObserver(() => {
      arrived ||= !!root?.querySelector('#references-section-container div.reference-container');
    });
    observer.observe(root as never, { childList: true, subtree: true });
    (doc.getElementById('references-tab') as HTMLButtonElement).click();
    await window.happyDOM.waitUntilComplete();
    observer.disconnect();
    expect(arrived).toBe(true);

    const items = ieee.findItems(doc);
    expect(items.map((el) => el.id)).toEqual(expected.map((r) => `ref-${r.n}`));
    const refs = items.map((el) => ieee.extract(el));
    expect(idRows(refs)).toEqual(
      expected.map(({ n, doi, pmid }) => ({ n, doi, pmid })),
    );
    expect(
      refs.map((r, i) => ({ n: i + 1, firstAuthor: r.csl.author?.[0]?.family, title: r.csl.title, year: issuedYear(r.csl) })),
    ).toEqual(expected.map(({ n, firstAuthor, title, year }) => ({ n, firstAuthor, title, year })));
    for (const r of refs) {
      expect(r.text).not.toMatch(/CrossRef|Google Scholar|View Article|^\d/);
      expect(r.ids.doi).not.toBe('10.1109/cvpr.2017.243');
      expect(r.ids.doi).not.toBe('10.1109/cvpr.2016.90');
    }
    expect(refs[0]!.csl).toEqual({
      type: 'article-journal',
      author: [
        { family: 'Bengio', given: 'Y.' },
        { family: 'Simard', given: 'P.' },
        { family: 'Frasconi', given: 'P.' },
      ],
      title: 'Learning long-term dependencies with gradient descent is difficult',
      'container-title': 'IEEE Transactions on Neural Networks',
      volume: '5',
      issue: '2',
      page: '157-166',
      issued: { 'date-parts': [[1994]] },
    });
    expect(refs[4]!.csl._etAl).toBe(true);
    expect(refs[4]!.csl.author?.[2]).toEqual({ family: 'Denker', given: 'J. S.' });
    expect(refs[7]!.csl.type).toBe('paper-conference');
  });
});

describe('IEEE parsing helpers', () => {
  it('parses names and curly-quoted titles without a venue element', () => {
    expect(parseIeeeName('R. E. Howard')).toEqual({ family: 'Howard', given: 'R. E.' });
    expect(parseIeeeName('et al.')).toBeUndefined();
    expect(parseIeeeReference('[3] A. Roe and B. Doe, “A title,” in Proc. IEEE INFOCOM, 2003, pp. 1-9.')).toEqual({
      author: [
        { family: 'Roe', given: 'A.' },
        { family: 'Doe', given: 'B.' },
      ],
      title: 'A title',
      'container-title': 'Proc. IEEE INFOCOM',
      type: 'paper-conference',
      page: '1-9',
      issued: { 'date-parts': [[2003]] },
    });
    expect(parseIeeeReference('No quotes here, 2001.')).toEqual({});
  });
});
