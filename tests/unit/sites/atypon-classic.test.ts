import { describe, expect, it } from 'vitest';
import { atyponClassic, parseAcmReference } from '../../../src/sites/atypon-classic';
import { atyponCore } from '../../../src/sites/atypon-core';
import { idRows, loadFixturePage, metaRows, parseHtml } from '../../support/fixture-page';

interface ExpectedRef {
  n: number;
  label?: string;
  firstAuthor: string | null;
  title: string | null;
  year: number | null;
  doi: string | null;
  pmid: string | null;
}

const BUTTON_WORDS = /\[?(?:CrossRef|PubMed|CAS|Web of Science|Google Scholar|Digital Library|Cross Ref|ACS Full Text)\]?\s*$/i;

describe.each([
  { dir: 'acs/jmedchem-6b00723', count: 20, ownDoi: '10.1021/acs.jmedchem.6b00723' },
  { dir: 'tandf/asa-pvalues', count: 8, ownDoi: '10.1080/00031305.2016.1154108' },
  { dir: 'acm/xgboost', count: 6, ownDoi: '10.1145/2939672.2939785' },
])('atyponClassic on $dir', ({ dir, count, ownDoi }) => {
  const { url, doc, expected } = loadFixturePage<ExpectedRef>(dir);
  const items = atyponClassic.findItems(doc);
  const refs = items.map((el) => atyponClassic.extract(el));

  it('is the adapter for the page (and atypon-core is not)', () => {
    expect(atyponClassic.matches(new URL(url), doc)).toBe(true);
    expect(atyponCore.matches(new URL(url), doc)).toBe(false);
  });

  it('finds exactly the works of the reference list, in page order, without duplicates', () => {
    expect(expected).toHaveLength(count);
    expect(items).toHaveLength(count);
    expect(new Set(items).size).toBe(count);
    for (const el of items) expect(el.closest('[role="dialog"], .tooltip, .casRecord')).toBeNull();
  });

  it('reads every DOI and PMID shown on the page, and no other', () => {
    expect(idRows(refs)).toEqual(expected.map(({ n, doi, pmid }) => ({ n, doi, pmid })));
    for (const ref of refs) expect(ref.ids.doi).not.toBe(ownDoi);
  });

  it('reads first author, title and year of every reference', () => {
    expect(metaRows(refs)).toEqual(expected.map(({ n, firstAuthor, title, year }) => ({ n, firstAuthor, title, year })));
  });

  it('keeps link buttons and pop-up content out of the text', () => {
    for (const ref of refs) {
      expect(ref.text).not.toMatch(BUTTON_WORDS);
      expect(ref.text).not.toMatch(/SciFinder|There is no corresponding record|\[…\]/);
      expect(ref.text).toBe(ref.text.trim());
    }
  });
});

describe('atyponClassic details', () => {
  it('ACS: one item per NLM_citation, even when a number groups several works', () => {
    const { doc } = loadFixturePage('acs/jmedchem-6b00723');
    const items = atyponClassic.findItems(doc);
    expect(items.map((el) => el.id).slice(2, 5)).toEqual(['cit3a', 'cit3b', 'cit3c']);
    const ref = atyponClassic.extract(items[1] as Element);
    expect(ref.csl).toMatchObject({
      type: 'article-journal',
      title: 'The effect of malaria control on Plasmodium falciparum in Africa between 2000 and 2015',
      'container-title': 'Nature',
      volume: '526',
      page: '207-211',
    });
    expect(ref.csl.author).toHaveLength(27);
    expect(ref.csl.author?.[0]).toEqual({ family: 'Bhatt', given: 'S.' });
  });

  it('ACS: the DOI of an "ACS Full Text" item comes from span.refDoi', () => {
    const { doc } = loadFixturePage('acs/jmedchem-6b00723');
    const ref = atyponClassic.extract(atyponClassic.findItems(doc)[9] as Element);
    expect(ref.ids).toEqual({ doi: '10.1021/acsmedchemlett.5b00157' });
  });

  it('T&F: structured fields and an organisation author', () => {
    const { doc } = loadFixturePage('tandf/asa-pvalues');
    const refs = atyponClassic.findItems(doc).map((el) => atyponClassic.extract(el));
    expect(refs[0]?.csl).toMatchObject({
      author: [
        { family: 'Begley', given: 'C. G.' },
        { family: 'Ellis', given: 'L. M.' },
      ],
      'container-title': 'Nature',
      issued: { 'date-parts': [[2012]] },
    });
    expect(refs[4]?.csl.author).toEqual([{ literal: 'Open Science Collaboration' }]);
    expect(refs[7]?.csl).toMatchObject({ type: 'book', publisher: 'Oliver and Boyd', 'publisher-place': 'Edinburgh' });
  });

  it('ACM: conference paper and journal article in ACM reference format', () => {
    expect(parseAcmReference('Kaiming He, Xiangyu Zhang, Shaoqing Ren, and Jian Sun. 2016. Deep Residual Learning for Image Recognition. In Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition (CVPR). 770–778.')).toMatchObject({
      type: 'paper-conference',
      author: [
        { family: 'He', given: 'Kaiming' },
        { family: 'Zhang', given: 'Xiangyu' },
        { family: 'Ren', given: 'Shaoqing' },
        { family: 'Sun', given: 'Jian' },
      ],
      title: 'Deep Residual Learning for Image Recognition',
      'container-title': 'Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition',
    });
    expect(parseAcmReference('Leslie Lamport. 1978. Time, Clocks, and the Ordering of Events in a Distributed System. Commun. ACM 21, 7 (July 1978), 558–565.')).toMatchObject({
      'container-title': 'Commun. ACM',
      volume: '21',
      issue: '7',
      page: '558-565',
      issued: { 'date-parts': [[1978]] },
    });
  });
});

describe('atyponClassic matches()', () => {
  const empty = parseHtml('<body></body>');
  const core = parseHtml('<body><section id="bibliography" role="doc-bibliography"><div role="list"></div></section></body>');

  it('true on its hosts', () => {
    for (const u of ['https://pubs.acs.org/doi/10.1021/x', 'https://www.tandfonline.com/doi/full/10.1080/x', 'https://dl.acm.org/doi/10.1145/x']) {
      expect(atyponClassic.matches(new URL(u), empty)).toBe(true);
    }
  });

  it('yields ACS and T&F pages with a core bibliography to atypon-core', () => {
    expect(atyponClassic.matches(new URL('https://pubs.acs.org/doi/10.1021/x'), core)).toBe(false);
    expect(atyponClassic.matches(new URL('https://www.tandfonline.com/doi/10.1080/x'), core)).toBe(false);
    expect(atyponClassic.matches(new URL('https://dl.acm.org/doi/10.1145/x'), core)).toBe(true);
  });

  it('false elsewhere', () => {
    for (const u of ['https://www.pnas.org/doi/x', 'https://acs.org.example.com/doi/x', 'https://onlinelibrary.wiley.com/doi/x']) {
      expect(atyponClassic.matches(new URL(u), empty)).toBe(false);
    }
  });

  it('does not throw on odd items', () => {
    const doc = parseHtml('<body><ol id="references"><li></li><li><div class="NLM_citation"><a href="javascript:alert(1)">CrossRef</a></div></li></ol></body>');
    const found = atyponClassic.findItems(doc);
    expect(found).toHaveLength(2);
    for (const el of found) expect(atyponClassic.extract(el).ids).toEqual({});
  });
});
