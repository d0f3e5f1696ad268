import { afterEach, describe, expect, it } from 'vitest';
import { issuedYear } from '../../../src/core/csl';
import { WILEY_SOCIETY_HOSTS, wiley } from '../../../src/sites/wiley';
import { closeFixtureWindows, openFixturePage, readExpected } from '../../support/fixture-page';

const FIXTURE = 'wiley/gcb16386-abstract';
const URL_ = 'https://onlinelibrary.wiley.com/doi/10.1111/gcb.16386';
const LINK_LABELS = /Google Scholar|Web of Science|\bCAS\b|\bPubMed\b/;

afterEach(closeFixtureWindows);

const open = (): Document => openFixturePage(FIXTURE).doc;
const rows = readExpected(FIXTURE);

describe('wiley.matches', () => {
  it.each([
    [URL_, true],
    ['https://onlinelibrary.wiley.com/doi/full/10.1111/gcb.16011', true],
    ['https://onlinelibrary.wiley.com/doi/abs/10.1111/gcb.16011', true],
    ['https://agupubs.onlinelibrary.wiley.com/doi/10.1029/2019GL085782', true],
    ['https://febs.onlinelibrary.wiley.com/doi/full/10.1111/febs.15000', true],
    ['https://onlinelibrary.wiley.com/doi/epdf/10.1111/gcb.16386', false],
    ['https://onlinelibrary.wiley.com/doi/pdf/10.1111/gcb.16386', false],
    ['https://onlinelibrary.wiley.com/journal/13652486', false],
    ['https://www.wiley.com/doi/10.1111/gcb.16386', false],
    ['https://onlinelibrary.wiley.com.example.org/doi/10.1111/x', false],
  ])('%s → %s', (url, result) => {
    expect(wiley.matches(new URL(url), document)).toBe(result);
  });

  it('lists the main host, society hosts and the subdomain wildcard', () => {
    expect(wiley.hosts).toEqual(expect.arrayContaining(['onlinelibrary.wiley.com', '*.onlinelibrary.wiley.com']));
    for (const host of WILEY_SOCIETY_HOSTS) expect(wiley.hosts).toContain(host);
  });
});

describe('Wiley abstract view (real page, trimmed)', () => {
  it('reads every item of the collapsed accordion as expected.json says', () => {
    const doc = open();
    const content = doc.querySelector('.article-section__references .accordion__content') as HTMLElement;
    expect(content.getAttribute('style')).toContain('display: none');
    const items = wiley.findItems(doc);
    expect(items).toHaveLength(rows.length);
    expect(new Set(items).size).toBe(items.length);
    items.forEach((item, i) => {
      const row = rows[i]!;
      const ref = wiley.extract(item);
      expect(ref.ids.doi ?? null, `item ${row.n} DOI`).toBe(row.doi);
      expect(ref.ids.pmid ?? null, `item ${row.n} PMID`).toBe(row.pmid);
      expect(ref.text, `item ${row.n} text`).toContain(row.firstAuthor);
      expect(ref.text).not.toMatch(LINK_LABELS);
      expect(ref.csl.title, `item ${row.n} title`).toBe(row.title);
      expect(issuedYear(ref.csl), `item ${row.n} year`).toBe(row.year);
      const first = ref.csl.author?.[0];
      expect(first?.family ?? first?.literal, `item ${row.n} first author`).toBe(row.firstAuthor);
    });
  });

  it('every PubMed linkout on the page is read once, by its item', () => {
    const doc = open();
    const pmids = [...doc.querySelectorAll('a[href*="linkType=PMID"]')].map((a) => /key=(\d+)/.exec(a.getAttribute('href')!)![1]);
    const read = wiley
      .findItems(doc)
      .map((el) => wiley.extract(el).ids.pmid)
      .filter(Boolean);
    expect(read).toEqual(pmids);
    expect(pmids.length).toBeGreaterThan(5);
  });

  it('refuses mangled hidden DOIs and uses the printed link', () => {
    const doc = open();
    const item = doc.querySelector('li[data-bib-id="gcb16386-bib-0040"]')!;
    expect(item.querySelector('.data-doi')!.textContent).toContain('?');
    expect(wiley.extract(item).ids.doi).toBe('10.1007/s40626-020-00180-z');
    // The same item with the printed link gone: nothing, rather than the truncated "10.1007/s40626".
    const copy = item.cloneNode(true) as Element;
    copy.querySelector('a.linkBehavior')!.remove();
    expect(wiley.extract(copy).ids.doi).toBeUndefined();
  });

  it('reads a DOI that only Wiley matched (hidden data-doi)', () => {
    const doc = open();
    const ref = wiley.extract(doc.querySelector('li[data-bib-id="gcb16386-bib-0055"]')!);
    expect(ref.ids).toEqual({ doi: '10.1007/978-3-642-20992-5_1' });
    expect(ref.csl).toMatchObject({
      type: 'chapter',
      title: 'Global biodiversity conservation: The critical role of hotspots',
      'container-title': 'Biodiversity hotspots: Distribution and protection of conservation priority areas',
      editor: [
        { family: 'Zachos', given: 'F. E.' },
        { family: 'Habel', given: 'J. C.' },
      ],
      page: '3-22',
    });
  });

  it('builds structured CSL for articles, group authors and truncated author lists', () => {
    const refs = wiley.findItems(open()).map((el) => wiley.extract(el));
    expect(refs[1]!.csl).toEqual({
      type: 'article-journal',
      author: [
        { family: 'Alencar', given: 'A. A.' },
        { family: 'Brando', given: 'P. M.' },
        { family: 'Asner', given: 'G. P.' },
        { family: 'Putz', given: 'F. E.' },
      ],
      title: 'Landscape fragmentation, severe drought, and the new Amazon forest fire regime',
      'container-title': 'Ecological Applications',
      volume: '25',
      issue: '6',
      page: '1493-1505',
      issued: { 'date-parts': [[2015]] },
    });
    expect(refs[10]!.csl.author).toEqual([{ literal: 'Brazilian Foundation for Sustainable Development' }]);
    expect(refs[5]!.csl._etAl).toBe(true);
    expect(refs[1]!.csl._etAl).toBeUndefined();
  });

  it('ignores the side-panel copy filled by script', () => {
    const doc = open();
    const before = wiley.findItems(doc);
    const pane = doc.getElementById('pane-pcw-references')!;
    const list = doc.createElement('ul');
    for (const li of before) list.append(li.cloneNode(true));
    const section = doc.createElement('section');
    section.className = 'article-section__references';
    section.append(list);
    pane.append(section);
    expect(wiley.findItems(doc)).toEqual(before);
  });
});
