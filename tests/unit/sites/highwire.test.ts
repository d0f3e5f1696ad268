import { describe, expect, it } from 'vitest';
import { highwire } from '../../../src/sites/highwire';
import { idRows, loadFixturePage, metaRows, parseHtml } from '../../support/fixture-page';

interface ExpectedRef {
  n: number;
  firstAuthor: string | null;
  title: string | null;
  year: number | null;
  doi: string | null;
  pmid: string | null;
}

describe.each([
  { dir: 'highwire-sage/pps-7-6-657', count: 21, ownDoi: '10.1177/1745691612462588' },
  { dir: 'bmj/covid-deceased', count: 6, ownDoi: '10.1136/bmj.m1091' },
  { dir: 'biorxiv/ncov-bat-origin', count: 7, ownDoi: '10.1101/2020.01.22.914952' },
])('highwire on $dir', ({ dir, count, ownDoi }) => {
  const { url, doc, expected } = loadFixturePage<ExpectedRef>(dir);
  const items = highwire.findItems(doc);
  const refs = items.map((el) => highwire.extract(el));

  it('matches the page', () => {
    expect(highwire.matches(new URL(url), doc)).toBe(true);
  });

  it('finds exactly the items of the reference list, in page order, without pop-up copies', () => {
    expect(expected).toHaveLength(count);
    expect(items).toHaveLength(count);
    expect(new Set(items).size).toBe(count);
    expect(items.map((el) => el.querySelector('.rev-xref-ref')?.id)).toEqual(expected.map(({ n }) => `ref-${n}`));
    for (const el of items) expect(el.closest('[role="dialog"]')).toBeNull();
  });

  it('reads every DOI and PMID shown on the page, and no other', () => {
    expect(idRows(refs)).toEqual(expected.map(({ n, doi, pmid }) => ({ n, doi, pmid })));
    for (const ref of refs) expect(ref.ids.doi).not.toBe(ownDoi);
  });

  it('reads first author, title and year of every reference', () => {
    expect(metaRows(refs)).toEqual(expected.map(({ n, firstAuthor, title, year }) => ({ n, firstAuthor, title, year })));
  });

  it('keeps back-links and buttons out of the text', () => {
    for (const ref of refs) {
      expect(ref.text).not.toMatch(/↵|CrossRef|Medline|PubMed|Google Scholar|Web of Science|Infotrieve|Full Text/);
      expect(ref.text).toBe(ref.text.trim());
    }
  });
});

describe('highwire details', () => {
  it('structured CSL from cit-* spans (2014 SAGE)', () => {
    const { doc } = loadFixturePage('highwire-sage/pps-7-6-657');
    const refs = highwire.findItems(doc).map((el) => highwire.extract(el));
    expect(refs[1]?.csl).toEqual({
      type: 'article-journal',
      author: [
        { family: 'Begley', given: 'C. G.' },
        { family: 'Ellis', given: 'L. M.' },
      ],
      title: 'Raise standards for preclinical cancer research',
      'container-title': 'Nature',
      issued: { 'date-parts': [[2012]] },
      volume: '483',
      page: '531-533',
    });
    expect(refs[1]?.text).toBe('Begley C. G., Ellis L. M. (2012). Raise standards for preclinical cancer research. Nature, 483, 531–533. doi:10.1038/483531a');
    expect(refs[0]?.csl).toMatchObject({ type: 'webpage', publisher: 'Longman, Green, Longman and Roberts', issued: { 'date-parts': [[1859]] } });
  });

  it('chapter in an edited book: editors from cit-ed, not from the hidden duplicate list', () => {
    const { doc } = loadFixturePage('highwire-sage/pps-7-6-657');
    const ref = highwire.extract(highwire.findItems(doc)[16] as Element);
    expect(ref.csl).toMatchObject({
      type: 'chapter',
      author: [{ family: 'Rosenthal', given: 'R.' }],
      editor: [{ family: 'Neuliep', given: 'J. W.' }],
      'container-title': 'Replication research in the social sciences',
      publisher: 'Sage',
      'publisher-place': 'Newbury Park, CA',
      page: '1-39',
    });
    expect(ref.text.match(/Neuliep/g)).toHaveLength(1);
  });

  it('a DOI printed with a stray space is read whole', () => {
    const { doc } = loadFixturePage('highwire-sage/pps-7-6-657');
    const ref = highwire.extract(highwire.findItems(doc)[18] as Element);
    expect(ref.ids.doi).toBe('10.1177/0956797611417632');
  });

  it('BMJ: printed doi/pmid, "et al." and an organisation', () => {
    const { doc } = loadFixturePage('bmj/covid-deceased');
    const refs = highwire.findItems(doc).map((el) => highwire.extract(el));
    expect(refs[0]?.csl._etAl).toBe(true);
    expect(refs[3]?.csl._etAl).toBeUndefined();
    expect(refs[0]?.csl.author?.[0]).toEqual({ family: 'Huang', given: 'C' });
    expect(refs[5]?.csl).toMatchObject({ type: 'webpage', author: [{ literal: 'World Health Organization' }] });
  });

  it('bioRxiv: PMCID printed nowhere is not invented; atom= never read', () => {
    const { doc } = loadFixturePage('biorxiv/ncov-bat-origin');
    const refs = highwire.findItems(doc).map((el) => highwire.extract(el));
    for (const ref of refs) expect(ref.ids.pmcid).toBeUndefined();
    expect(refs[3]?.ids).toEqual({ pmid: '22388286' });
  });

  it('matches only its hosts', () => {
    const doc = parseHtml('<body></body>');
    for (const u of ['https://www.bmj.com/content/368/bmj.m1091', 'https://www.biorxiv.org/content/10.1101/x', 'https://www.medrxiv.org/content/10.1101/x', 'http://pps.sagepub.com/content/7/6/657.full']) {
      expect(highwire.matches(new URL(u), doc)).toBe(true);
    }
    for (const u of ['https://journals.sagepub.com/doi/10.1177/x', 'https://www.nature.com/articles/x', 'https://bmj.com.example.org/x']) {
      expect(highwire.matches(new URL(u), doc)).toBe(false);
    }
  });

  it('does not throw on odd items', () => {
    const doc = parseHtml('<body><ol class="cit-list"><li></li><li><div class="cit ref-cit" data-doi="not a doi"><a href="javascript:x">CrossRef</a></div></li></ol></body>');
    const found = highwire.findItems(doc);
    expect(found).toHaveLength(2);
    for (const el of found) expect(highwire.extract(el).ids).toEqual({});
  });
});
