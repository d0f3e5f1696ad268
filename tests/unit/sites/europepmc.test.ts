import { afterEach, describe, expect, it } from 'vitest';
import { europepmc } from '../../../src/sites/europepmc';
import { closeFixtureWindows, openFixturePage, type PmcExpectedRow, readExpected } from '../../support/fixture-page';

const FIXTURE = 'europepmc/health-promot-codesign';
const PAGE_URL = 'https://europepmc.org/article/MED/40356016';
const expected = readExpected<PmcExpectedRow>(FIXTURE);

afterEach(closeFixtureWindows);

/** The fixture in its own window at its real URL, with its inline scripts enabled. */
const open = () => openFixturePage<PmcExpectedRow>(FIXTURE, { scripts: true });

async function openFullText(): Promise<Document> {
  const { window, doc } = open();
  (doc.getElementById('free-full-text') as HTMLButtonElement).click();
  await window.happyDOM.waitUntilComplete();
  return doc;
}

describe('europepmc.matches', () => {
  it.each([
    [PAGE_URL, true],
    ['https://europepmc.org/article/PMC/PMC12069736', true],
    ['https://europepmc.org/abstract/MED/40356016', true],
    ['https://europepmc.org/search?query=cancer', false],
    ['https://www.ebi.ac.uk/europepmc/webservices/rest/search', false],
  ])('%s → %s', (url, result) => {
    expect(europepmc.matches(new URL(url), document)).toBe(result);
  });
});

describe('Europe PMC article page', () => {
  it('finds nothing before the full text opens (the "Citations & impact" block is not a reference)', () => {
    const { doc } = open();
    expect(doc.querySelectorAll('.ref-cit-blk').length).toBe(1);
    expect(europepmc.findItems(doc)).toEqual([]);
  });

  it('the observed root exists at load and receives the reference list', async () => {
    const { window, doc } = open();
    const root = doc.querySelector(europepmc.lateListRoot!);
    expect(root?.id).toBe('app');
    let sawList = false;
    const observer = new window.MutationObserver(() => {
      sawList ||= !!root?.querySelector('#reference-list .ref-cit-blk');
    });
    observer.observe(root as never, { childList: true, subtree: true });
    (doc.getElementById('free-full-text') as HTMLButtonElement).click();
    await window.happyDOM.waitUntilComplete();
    observer.disconnect();
    expect(sawList).toBe(true);
  });

  it('reads exactly the reference list with every identifier the links carry', async () => {
    const doc = await openFullText();
    const items = europepmc.findItems(doc);
    expect(items.map((el) => el.id)).toEqual(expected.map((r) => `B${r.n}`));
    items.forEach((el, i) => {
      const row = expected[i]!;
      const ref = europepmc.extract(el);
      expect({ doi: ref.ids.doi ?? null, pmid: ref.ids.pmid ?? null, pmcid: ref.ids.pmcid ?? null }, `item ${row.n}`).toEqual(
        { doi: row.doi, pmid: row.pmid, pmcid: row.pmcid },
      );
      expect(ref.text).toContain(row.title);
      if (row.firstAuthor) expect(ref.text.startsWith(row.firstAuthor)).toBe(true);
      expect(ref.text).not.toMatch(/CrossRef|Google Scholar|Abstract\]|^\d+\./);
    });
    const all = items.map((el) => europepmc.extract(el).ids);
    expect(all.map((i) => i.pmid)).not.toContain('40524053');
    expect(all.map((i) => i.doi)).not.toContain('10.1002/hpja.70052');
  });
});
