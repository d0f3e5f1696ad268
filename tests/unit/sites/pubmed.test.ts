import { afterEach, describe, expect, it } from 'vitest';
import { pubmed } from '../../../src/sites/pubmed';
import { closeFixtureWindows, openFixturePage, parseHtml, type PmcExpectedRow, readExpected } from '../../support/fixture-page';

const FIXTURE = 'pubmed/prisma-2020';
const PAGE_URL = 'https://pubmed.ncbi.nlm.nih.gov/33782057/';
const expected = readExpected<PmcExpectedRow>(FIXTURE);

afterEach(closeFixtureWindows);

/** The fixture in its own window at its real URL, with its inline script (the "Show all" handler) enabled. */
const open = () => openFixturePage<PmcExpectedRow>(FIXTURE, { scripts: true });

function check(doc: Document, rows: PmcExpectedRow[]): void {
  const items = pubmed.findItems(doc);
  expect(items).toHaveLength(rows.length);
  expect(new Set(items).size).toBe(items.length);
  items.forEach((item, i) => {
    const row = rows[i]!;
    const ref = pubmed.extract(item);
    expect(
      { n: row.n, doi: ref.ids.doi ?? null, pmid: ref.ids.pmid ?? null, pmcid: ref.ids.pmcid ?? null },
      `item ${row.n}`,
    ).toEqual({ n: row.n, doi: row.doi, pmid: row.pmid, pmcid: row.pmcid });
    expect(ref.text).toContain(row.title);
    expect(ref.text).toContain(String(row.year));
    if (row.firstAuthor) expect(ref.text.startsWith(row.firstAuthor)).toBe(true);
    expect(ref.text).not.toMatch(/PubMed|Free PMC article|\s-$/);
  });
}

describe('pubmed.matches', () => {
  it.each([
    [PAGE_URL, true],
    ['https://pubmed.ncbi.nlm.nih.gov/33782057', true],
    ['https://pubmed.ncbi.nlm.nih.gov/?term=prisma', false],
    ['https://pubmed.ncbi.nlm.nih.gov/33782057/references/', false],
    ['https://pmc.ncbi.nlm.nih.gov/articles/PMC8005924/', false],
    ['https://example.com/33782057/', false],
  ])('%s → %s', (url, result) => {
    expect(pubmed.matches(new URL(url), document)).toBe(result);
  });
});

describe('PubMed article page', () => {
  it('reads the first references shown at load', () => {
    const { doc } = open();
    check(doc, expected.slice(0, 5));
  });

  it('re-reads the whole list after "Show all" swaps it, under the observed root', async () => {
    const { window, doc } = open();
    const root = doc.querySelector(pubmed.lateListRoot!);
    expect(root).not.toBeNull();
    const added: Node[] = [];
    const observer = new window.MutationObserver((records) => {
      for (const r of records) added.push(...(r.addedNodes as unknown as Node[]));
    });
    observer.observe(root as never, { childList: true, subtree: true });
    (doc.querySelector('button.show-all') as HTMLButtonElement).click();
    await window.happyDOM.waitUntilComplete();
    observer.disconnect();
    expect(added.some((n) => (n as Element).id === 'full-references-list-1')).toBe(true);
    expect(doc.getElementById('top-references-list-1')).toBeNull();
    check(doc, expected);
  });

  it('never reads "Similar articles" or "Cited by" entries', () => {
    const { doc } = open();
    expect(doc.querySelectorAll('#similar li, #citedby li').length).toBeGreaterThan(0);
    const items = pubmed.findItems(doc);
    expect(items.some((el) => el.closest('#similar, #citedby'))).toBe(false);
    // The Cited-by entry's PMID is also a reference further down; before "Show all" it must not appear.
    expect(items.map((el) => pubmed.extract(el).ids.pmid)).not.toContain('40437959');
  });

  it('takes the PMID from the PubMed button and the PMCID from the PMC button, never the article own ids', () => {
    const { doc } = open();
    const ids = pubmed.findItems(doc).map((el) => pubmed.extract(el).ids);
    expect(ids[0]).toEqual({ doi: '10.1371/journal.pmed.1000097', pmid: '19621072', pmcid: 'PMC2707599' });
    for (const i of ids) expect(i.doi).not.toBe('10.1136/bmj.n71');
  });
});

describe('pubmed markup variants', () => {

  it('reads flat list items (no nested references-and-notes-list)', () => {
    const doc = parseHtml(`<div id="references"><ol class="references-list" id="top-references-list-1">
      <li>Roe J. A title. J X. 2001;1:2-3. doi: 10.5555/flat.1. - <a class="reference-link" href="/111/" data-ga-action="111">PubMed</a></li>
    </ol></div>`);
    const [item] = pubmed.findItems(doc);
    expect(pubmed.extract(item!)).toEqual({
      text: 'Roe J. A title. J X. 2001;1:2-3. doi: 10.5555/flat.1.',
      ids: { doi: '10.5555/flat.1', pmid: '111' },
      csl: {},
    });
  });

  it('ignores reference-looking lists outside #references and non-http links', () => {
    const doc = parseHtml(`<ol class="references-list"><li>x</li></ol><div id="references"><ol class="references-list">
      <li>Doe J. T. 2000. <a class="reference-link" href="javascript:alert(1)" data-ga-action="PMC1">PMC</a></li></ol></div>`);
    const items = pubmed.findItems(doc);
    expect(items).toHaveLength(1);
    expect(pubmed.extract(items[0]!).ids).toEqual({});
  });
});
