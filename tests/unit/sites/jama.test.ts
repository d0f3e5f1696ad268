import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { issuedYear } from '../../../src/core/csl';
import { jama } from '../../../src/sites/jama';
import { readExpected } from '../../support/fixture-page';

const FIXTURE = join(import.meta.dirname, '../../fixtures/pages/jama/jama-intern-med-2477128');
const expected = readExpected('jama/jama-intern-med-2477128');
const parse = (html: string) => new DOMParser().parseFromString(html, 'text/html');

describe('jama.matches', () => {
  it.each([
    ['https://jamanetwork.com/journals/jamainternalmedicine/fullarticle/2477128', true],
    ['https://jamanetwork.com/journals/jama/article-abstract/2488310', true],
    ['https://jamanetwork.com/journals/jamanetworkopen/issue/8/2', false],
    ['https://jamanetwork.com.evil.example/journals/jama/fullarticle/1', false],
    ['https://academic.oup.com/jama/article/1/1/1/1', false],
  ])('%s → %s', (url, result) => {
    expect(jama.matches(new URL(url), document)).toBe(result);
  });
});

describe('JAMA Network article page', () => {
  const doc = parse(readFileSync(join(FIXTURE, 'index.html'), 'utf8'));
  const items = jama.findItems(doc);
  const refs = items.map((el) => jama.extract(el));

  it('finds every reference once, in page order', () => {
    expect(items.map((el) => el.querySelector('.reference-number')?.id)).toEqual(expected.map((r) => `ier160003r${r.n}`));
  });

  it('reads every DOI and PMID shown (links and printed doi:), and no other', () => {
    expect(refs.map((r, i) => ({ n: i + 1, doi: r.ids.doi ?? null, pmid: r.ids.pmid ?? null }))).toEqual(
      expected.map(({ n, doi, pmid }) => ({ n, doi, pmid })),
    );
  });

  it('reads first author, title and year from the AMA-style text', () => {
    expect(
      refs.map((r, i) => ({ n: i + 1, firstAuthor: r.csl.author?.[0]?.family, title: r.csl.title, year: issuedYear(r.csl ?? {}) })),
    ).toEqual(expected.map(({ n, firstAuthor, title, year }) => ({ n, firstAuthor, title, year })));
  });

  it('CSL spot checks: journal, volume, issue, pages, et al.', () => {
    expect(refs[5]!.csl).toEqual({
      type: 'article-journal',
      author: [
        { family: 'Siegel', given: 'R.L.' },
        { family: 'Miller', given: 'K.D.' },
        { family: 'Jemal', given: 'A.' },
      ],
      title: 'Cancer statistics, 2020',
      'container-title': 'CA Cancer J Clin',
      issued: { 'date-parts': [[2020]] },
      volume: '70',
      issue: '1',
      page: '7-30',
    });
    expect(refs[1]!.csl._etAl).toBe(true);
  });

  it('keeps the reference text without number or link buttons', () => {
    expect(refs[5]!.text).toBe('Siegel RL, Miller KD, Jemal A. Cancer statistics, 2020. CA Cancer J Clin. 2020;70(1):7-30. doi:10.3322/caac.21590');
    for (const r of refs) expect(r.text).not.toMatch(/PubMed|Crossref|Google Scholar|^\d+\./);
  });
});

describe('jama markup variants', () => {
  it('prefers the article body list over a repeated copy elsewhere and skips pop-up copies', () => {
    const item = (id: string) =>
      `<div class="reference"><a class="reference-number" id="${id}">1.</a><div class="reference-content">Roe A. A title. <em>JAMA</em>. 2001;1:2.</div></div>`;
    const doc = parse(`<div id="reference-tab"><div class="references">${item('tab-r1')}</div></div>
      <div class="article-full-text"><div class="references">${item('r1')}</div></div>
      <div class="reveal-modal"><div class="references">${item('pop-r1')}</div></div>`);
    expect(jama.findItems(doc).map((el) => el.querySelector('.reference-number')?.id)).toEqual(['r1']);
  });

  it('reads the 2014 referenceSection / refRow layout', () => {
    const doc = parse(`<div class="referenceSection"><div class="refRow"><span class="refNumber">1.</span>
      Selby JV. Effect of a copayment. <em>N Engl J Med</em>. 1996;334(10):635-641. <a href="https://www.ncbi.nlm.nih.gov/pubmed/8592527">PubMed</a></div></div>`);
    const items = jama.findItems(doc);
    expect(items).toHaveLength(1);
    const ref = jama.extract(items[0]!);
    expect(ref.ids).toEqual({ pmid: '8592527' });
    expect(ref.text).toBe('Selby JV. Effect of a copayment. N Engl J Med. 1996;334(10):635-641.');
  });

  it('does not throw on an empty item', () => {
    const doc = parse('<div class="references"><div class="reference"></div></div>');
    expect(jama.extract(jama.findItems(doc)[0]!)).toMatchObject({ text: '', ids: {} });
  });
});
