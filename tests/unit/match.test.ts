import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  confidenceFromSimilarity,
  DEFAULT_THRESHOLD,
  expandPageRanges,
  explainValidation,
  isJournalAbbreviation,
  matchReference,
  matchStructured,
  partialRatio,
  prepareReference,
  ratio,
  searchQuery,
  searchQueryText,
  selectCandidates,
  stripNonBibliographic,
  structuredQuery,
  validate,
  validateStructured,
  type Candidate,
} from '../../src/core/match/index';
import { partialRatioDp, withinEditsOfSubstring } from '../../src/core/match/fuzzy';
import { GenJaccard } from '../../src/core/match/jaccard';
import { parseCases, runCases, sameWork, score } from '../../scripts/lib/eval-match-core';
import { buildSimSearch, parseSimRecords, SIM_MIN_NORMALIZED_SCORE } from '../../scripts/lib/sim-search';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'eval');

/** A Crossref `message.items[]` work, as GET /works?query.bibliographic= returns it. */
function work(over: Partial<Candidate> & { DOI: string }): Candidate {
  return {
    type: 'journal-article',
    title: ['Cancer-related inflammation'],
    author: [
      { given: 'Alberto', family: 'Mantovani' },
      { given: 'Paola', family: 'Allavena' },
      { given: 'Antonio', family: 'Sica' },
      { given: 'Frances', family: 'Balkwill' },
    ],
    'container-title': ['Nature'],
    'short-container-title': ['Nature'],
    issued: { 'date-parts': [[2008, 7]] },
    volume: '454',
    issue: '7203',
    page: '436-444',
    score: 80,
    ...over,
  };
}

const TARGET = work({ DOI: '10.1038/nature07205' });
// A "similar work": same authors, journal, year and volume, another paper.
const SIBLING = work({
  DOI: '10.1038/nature07411',
  title: ['Inflammation and cancer: a sibling review'],
  issue: '7210',
  page: '551-559',
  score: 60,
});
const UNRELATED = work({
  DOI: '10.1016/j.cell.2010.01.025',
  title: ['Immunity, inflammation, and cancer'],
  author: [{ family: 'Grivennikov', given: 'Sergei I.' }, { family: 'Greten', given: 'Florian R.' }],
  'container-title': ['Cell'],
  issued: { 'date-parts': [[2010, 3]] },
  volume: '140',
  issue: '6',
  page: '883-899',
  score: 30,
});
const REF = 'Mantovani A, Allavena P, Sica A, Balkwill F (2008) Cancer-related inflammation. Nature 454:436-44.';

describe('string preparation', () => {
  it('expands abbreviated page ranges and unifies dashes', () => {
    expect(expandPageRanges('Nature 454:1425-37.')).toBe('Nature 454:1425-1437.');
    expect(expandPageRanges('pp. 1425–1437')).toBe('pp. 1425-1437');
    expect(expandPageRanges('pp. 99-102')).toBe('pp. 99-102');
    expect(expandPageRanges('pp. 496-7')).toBe('pp. 496-497');
    // A last page glued to a letter is PDF noise ("160–1Q5" for 160–165), not an abbreviated "161".
    expect(expandPageRanges('pp. 160–1Q5')).toBe('pp. 160–1Q5');
    // A last page split by a stray space; an abbreviated one followed by another number is not joined to it.
    expect(expandPageRanges('Nature, 187(4737), 625–62 6.')).toBe('Nature, 187(4737), 625-626.');
    expect(expandPageRanges('97, 863–8 65.')).toBe('97, 863-865.');
    expect(expandPageRanges('436-44 2008')).toBe('436-444 2008');
    expect(expandPageRanges('85-91 12 refs')).toBe('85-91 12 refs');
  });

  it('strips DOIs (also broken across PDF lines), arXiv ids, PMIDs, [..] groups and list labels', () => {
    expect(stripNonBibliographic('[12] Smith J. Title. Nature 1, 2 (2004). doi:10.1038/abc.123 [PubMed]')).toBe(
      'Smith J. Title. Nature 1, 2 (2004).',
    );
    expect(stripNonBibliographic('(3) Lee K. Trends Cell Biol 9:M57-60. doi:10.1016/  S0962-8924(99)01661-X.')).toBe(
      'Lee K. Trends Cell Biol 9:M57-60.',
    );
    expect(stripNonBibliographic('Doe J. Preprint. arXiv:1234.56789v2 (2019). PMID: 31234567')).toBe(
      'Doe J. Preprint. (2019).',
    );
    expect(stripNonBibliographic('2014 9th International Conference (IMPACT) (2014).')).toMatch(/^2014 9th/);
    // An AIP label glued to a name, its initial misread in lower case; an ordinal stays.
    expect(stripNonBibliographic('1 q.J. Teyler, Child Development 58, 698 (1987).')).toBe('q.J. Teyler, Child Development 58, 698 (1987).');
    expect(stripNonBibliographic('1mD. Baiardi, Psychosomatics 70, 40 (2001).')).toMatch(/^mD\. Baiardi/);
    expect(stripNonBibliographic('2nd International Conference on Power Systems (2009).')).toMatch(/^2nd/);
  });

  it('adds the parts of words a PDF ran together to the search query, keeping the words', () => {
    expect(searchQuery('1 P.K. Kolay, InternationalJourn al ofEnvironmental Engineering 8, 200 (2016).')).toBe(
      'P.K. Kolay, InternationalJourn al ofEnvironmental Engineering 8, 200 (2016). International Journ of Environmental',
    );
    expect(searchQuery('1 R.C. Slack, Public Health111, 123 (1997).')).toMatch(/ Health 111$/);
    // Names with an inner capital after one letter stay whole; clean strings are unchanged.
    expect(searchQuery('McCartney, P. Nature 454, 436 (2008).')).toBe('McCartney, P. Nature 454, 436 (2008).');
  });

  it('rejoins words hyphenated across PDF lines in the search query', () => {
    expect(searchQueryText('Ikeda S. Endo-\nscopic sphincterotomy. Endoscopy. 1988;20:13-7.')).toContain('Endoscopic');
  });
});

describe('fuzzy similarities', () => {
  it('partial ratio finds the best-matching substring', () => {
    expect(partialRatio('smith', 'smith j a 2001 title')).toBe(1);
    expect(partialRatio('smyth', 'smith j a')).toBeCloseTo(0.8);
    expect(partialRatio('xyz', 'abcdef')).toBe(0);
  });

  it('the bit-parallel partial ratio equals the dynamic-programming reference', () => {
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const word = (n: number): string => Array.from({ length: n }, () => 'abcde '[Math.floor(rand() * 6)]).join('');
    for (let i = 0; i < 300; i++) {
      const a = word(1 + Math.floor(rand() * 90));
      const b = word(1 + Math.floor(rand() * 140));
      expect(partialRatio(a, b)).toBeCloseTo(partialRatioDp(a, b), 12);
    }
  });

  it('ratio is the Indel similarity', () => {
    expect(ratio('abcd', 'abcd')).toBe(1);
    expect(ratio('abcd', 'abce')).toBeCloseTo(0.75);
  });
});

describe('validation features', () => {
  it('matches every bibliographic number once and leaves none unexplained for the right record', () => {
    const d = explainValidation(prepareReference(REF), TARGET);
    expect(d.features['volume_0']).toEqual([1, 1]);
    expect(d.features['year_0']).toEqual([1, 1]);
    expect(d.features['page_0']).toEqual([1, 1]);
    expect(d.features['pageend_0']).toEqual([1, 1]); // 436-44 expanded to 436-444
    expect(d.unmatchedNumbers).toEqual([]);
    expect(d.support).toBeGreaterThanOrEqual(5);
    expect(d.similarity).toBeGreaterThan(0.95);
  });

  it('consumes a printed number only once', () => {
    // Volume and first page are both 12, the string prints 12 once.
    const cand = work({ DOI: '10.1/x', volume: '12', page: '12-20', issue: undefined });
    const d = explainValidation(prepareReference('Mantovani A. Cancer-related inflammation. Nature 2008;12.'), cand);
    expect(d.features['volume_0']).toEqual([1, 1]);
    expect(d.features['page_0']).toEqual([1, 0]);
  });

  it('gives half credit for a year off by one beside the volume or first page, as online and print years differ', () => {
    const d = explainValidation(prepareReference(REF.replace('2008', '2009')), TARGET);
    expect(d.features['year_0']).toEqual([1, 0.5]);
    expect(d.similarity).toBeLessThan(explainValidation(prepareReference(REF), TARGET).similarity);
    // Without them, the next year's work of the same name is another one (a conference's 2006 and 2007 proceedings).
    const proceedings = work({ DOI: '10.1/p', volume: undefined, issue: undefined, page: undefined,
      'container-title': ['Science with the New Generation of High Energy Gamma-Ray Experiments'], issued: { 'date-parts': [[2006]] } });
    const printed = 'Mantovani, A. (2007). Cancer-related inflammation. Science with the New Generation of High Energy Gamma-Ray Experiments.';
    const next = explainValidation(prepareReference(printed), proceedings);
    expect(next.features['year_0']).toEqual([1, 0]);
    expect(next.similarity).toBeLessThan(0.8);
  });

  it('counts a page range in Roman numerals against a record without it (a book\'s preface, not the book)', () => {
    const book = work({ DOI: '10.1/book', title: ['Designing a structured cabling system to ISO 11801'], author: [{ family: 'Elliott', given: 'Barry J' }],
      'container-title': undefined, volume: undefined, issue: undefined, page: undefined, issued: { 'date-parts': [[2002]] } });
    const preface = explainValidation(prepareReference('Elliott, B. (2002). Preface. Designing a Structured Cabling System to ISO 11801, ix–x.'), book);
    expect(preface.unmatchedNumbers).toEqual(['ix–x']);
    expect(preface.similarity).toBeLessThan(0.8);
    const whole = explainValidation(prepareReference('Elliott, B. (2002). Designing a Structured Cabling System to ISO 11801.'), book);
    expect(whole.similarity).toBeGreaterThan(0.8);
    // The record's own Roman pages, or numerals of its title, are not.
    expect(explainValidation(prepareReference('(1) Elliott, B. Preface. Designing 2002, ix–x.'), { ...book, title: ['Preface'], page: 'ix-x' })
      .unmatchedNumbers).toEqual([]);
  });

  it('reads a page printed against a whole book as a citation of a part of it (a chapter or preface)', () => {
    const book = work({ DOI: '10.1/book', title: ['Designing a structured cabling system to ISO 11801'], author: [{ family: 'Elliott', given: 'Barry J' }],
      'container-title': undefined, volume: undefined, issue: undefined, page: undefined, issued: { 'date-parts': [[2002]] } });
    // Title-less styles print the chapter's first page, or the preface's Roman pages, after the book's title.
    for (const printed of ['1 B.J. ELLIOTT, Designing a Structured Cabling System to ISO 11801 129 (2002).', '(1) Elliott, B. Designing a Structured Cabling System to ISO 11801 2002, ix–x.']) {
      const d = explainValidation(prepareReference(printed), book);
      expect(d.features['part_conflict']).toBeDefined();
      expect(d.similarity).toBeLessThan(0.8);
    }
    // The book itself, and a journal article whose pages the record lacks, are not parts of a book.
    expect(explainValidation(prepareReference('1 B.J. ELLIOTT, Designing a Structured Cabling System to ISO 11801 (2002).'), book).similarity).toBeGreaterThan(0.8);
    const article = explainValidation(prepareReference('1 B.J. ELLIOTT, Cabling Journal 12, 129 (2002).'), { ...book, 'container-title': ['Cabling Journal'], volume: '12' });
    expect(article.features['part_conflict']).toBeUndefined();
  });

  it('scores a similarity of exactly the threshold as the threshold, not a float error below it', () => {
    // Four agreeing fields, a first page not printed and four fifths of the words explained: 4.8 / 6.
    const sim = new GenJaccard();
    for (const key of ['volume', 'year', 'issue', 'author']) sim.set(key, 1, 1);
    sim.set('page', 1, 0);
    sim.set('words', 1, 0.8);
    expect(sim.similarity()).toBe(0.8);
    expect(sim.similarity()).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
  });

  it('penalises a different printed year more than a missing one', () => {
    const other = explainValidation(prepareReference(REF.replace('2008', '1995')), TARGET);
    const none = explainValidation(prepareReference(REF.replace('(2008) ', '')), TARGET);
    expect(other.features['year_conflict']).toBeDefined();
    expect(other.similarity).toBeLessThan(none.similarity);
  });

  it('scores the first author by partial ratio against the start of the string', () => {
    expect(explainValidation(prepareReference(REF), TARGET).authorSimilarity).toBe(1);
    const typo = explainValidation(prepareReference(REF.replace('Mantovani', 'Mantovany')), TARGET);
    expect(typo.authorSimilarity).toBeCloseTo(8 / 9);
    const folded = work({ DOI: '10.1/y', author: [{ family: 'Jørgensen', given: 'K' }] });
    expect(explainValidation(prepareReference('Jorgensen K. Cancer-related inflammation.'), folded).authorSimilarity).toBe(1);
    // A short name after a label and several initials is still at the start ("1 A.Y.L. Ho"), and another name is not.
    const ho = work({ DOI: '10.1/ho', author: [{ family: 'Ho', given: 'A. Y. L.' }] });
    expect(explainValidation(prepareReference('1 A.Y.L. Ho, Nature 454, 436 (2008).'), ho).authorSimilarity).toBe(1);
    expect(explainValidation(prepareReference('1 A.Y.L. Wu and B. Ho, Nature 454, 436 (2008).'), ho).authorSimilarity).toBeLessThan(0.5);
  });

  it('applies the support rule: two agreeing fields are not enough', () => {
    // Only year and volume agree.
    const d = explainValidation(prepareReference('Nobody X. Something else entirely. Cell 2008, 454.'), TARGET);
    expect(d.support).toBeLessThan(3);
    expect(d.rejected).toBe('support');
    expect(d.similarity).toBe(0);
  });

  it('takes a long title printed whole with its exact year for a record that has nothing else', () => {
    const report = work({ DOI: '10.1/report', title: ['Acceptance of spent nuclear fuel in multiple element sealed canisters'],
      author: [], 'container-title': undefined, volume: undefined, issue: undefined, page: undefined, issued: { 'date-parts': [[1990]] } });
    const printed = '“Acceptance of Spent Nuclear Fuel in Multiple Element Sealed Canisters.” (1990): n. pag.';
    const d = explainValidation(prepareReference(printed), report);
    expect(d.support).toBe(2);
    expect(d.rejected).toBeUndefined();
    expect(d.similarity).toBeGreaterThan(0.8);
    // Not another year, a short title, a title printed only in part, or with words the record does not explain.
    for (const other of [printed.replace('1990', '1991'), 'Jones, A. ed. “Acceptance of Spent Nuclear Fuel in Multiple Element Sealed Canisters.” (1990).',
      '“Acceptance of Spent Nuclear Fuel in Multiple Element Canisters.” (1990).']) {
      expect(explainValidation(prepareReference(other), report).rejected, other).toBe('support');
    }
    const short = work({ ...report, DOI: '10.1/short', title: ['Militarism'] });
    expect(explainValidation(prepareReference('“Militarism.” (1990): n. pag.'), short).rejected).toBe('support');
    // Every word of it in another order (a degraded string) names it too; a word of the title left out still does not.
    const scrambled = '. nuclear Acceptance canisters spent of fuel multiple sealed element in. . 1990. . . ';
    expect(explainValidation(prepareReference(scrambled), report).rejected).toBeUndefined();
    expect(explainValidation(prepareReference(scrambled.replace('sealed ', '')), report).rejected).toBe('support');
  });

  it('requires article-specific evidence: one of several authors in a journal year names nothing in particular', () => {
    const d = explainValidation(prepareReference('Mantovani, A. Nature 2008.'), TARGET);
    expect(d.support).toBeGreaterThanOrEqual(3);
    expect(d.rejected).toBe('not-specific');
  });

  it('takes the record\'s whole author list in its journal and year as specific, when the string says nothing else', () => {
    const single = work({ DOI: '10.1/s', author: [{ given: 'Alberto', family: 'Mantovani' }], volume: undefined, issue: undefined, page: undefined });
    for (const printed of ['(1) Mantovani, A. Nature 2008.', '1 A. Mantovani, Nature (2008).']) {
      const d = explainValidation(prepareReference(printed), single);
      expect(d.rejected).toBeUndefined();
      expect(d.similarity).toBeGreaterThan(0.8);
    }
    // Not with initials of another given name, another name, a year off by one, or a number the record lacks.
    for (const printed of [
      '(1) Mantovani, P. Nature 2008.',
      '(1) Mantovani, A.; Sica, A. Nature 2008.',
      '(1) Mantovani, A. Nature 2009.',
      '(1) Mantovani, A. Nature 2008, 12.',
    ]) {
      expect(explainValidation(prepareReference(printed), single).rejected, printed).toBeDefined();
    }
    // Nor when the record has a volume the string does not print.
    expect(explainValidation(prepareReference('(1) Mantovani, A. Nature 2008.'), { ...single, volume: '454' }).rejected).toBe('not-specific');
  });

  it('takes a short title printed whole in its journal and year as specific, unless it is front matter', () => {
    const entry = (DOI: string, title: string) => work({ DOI, title: [title], author: [], 'container-title': ['Oxford Music Online'],
      volume: undefined, issue: undefined, page: undefined, issued: { 'date-parts': [[2003]] } });
    const ref = prepareReference('“Wade, Jimmy.” 2003. Oxford Music Online.');
    const wade = explainValidation(ref, entry('10.1/wade', 'Wade, Jimmy'));
    expect(wade.rejected).toBeUndefined();
    expect(wade.similarity).toBeGreaterThan(0.8);
    // A title the string prints only nearly ("Woode, Jimmy"), or one that recurs in every volume, names nothing.
    expect(explainValidation(ref, entry('10.1/woode', 'Woode, Jimmy')).rejected).toBeDefined();
    for (const title of ['Contents', '7. Literatur', 'Front Matter']) {
      const d = explainValidation(prepareReference(`“${title}.” 2003. Oxford Music Online.`), entry('10.1/fm', title));
      expect(d.rejected, title).toBe('not-specific');
    }
  });

  it('takes several of the record\'s authors, or one author and the volume, in the journal and year as specific', () => {
    // A record without volume or pages, as conference papers often are.
    const paper = work({ DOI: '10.1/conf', volume: undefined, issue: undefined, page: undefined });
    const twoAuthors = explainValidation(prepareReference('(1) Mantovani, A.; Allavena, P. Nature 2008.'), paper);
    expect(twoAuthors.rejected).toBeUndefined();
    expect(twoAuthors.similarity).toBeGreaterThan(0.8);
    expect(explainValidation(prepareReference('(1) Mantovani, A. Nature 2008, 454.'), TARGET).rejected).toBeUndefined();
    // Without the journal the same names are not enough.
    expect(explainValidation(prepareReference('(1) Mantovani, A.; Allavena, P. 2008.'), paper).similarity).toBe(0);
  });

  it('credits a number with one OCR-garbled character ("2n08" for 2008) instead of counting it against', () => {
    const clean = explainValidation(prepareReference('1 A. Mantovani and P. Allavena, Nature 454, 436 (2008).'), TARGET);
    const garbled = explainValidation(prepareReference('1 A. Mantovani and P. Allavena, Nature 454, 436 (2n08).'), TARGET);
    expect(garbled.unmatchedNumbers).toEqual([]);
    expect(garbled.features.year_0).toEqual([1, 0.5]);
    expect(garbled.similarity).toBeLessThan(clean.similarity);
    expect(garbled.similarity).toBeGreaterThan(0.8);
    // A real page label with a letter ("34b") is not taken for a misread year.
    expect(explainValidation(prepareReference('1 A. Mantovani, Nature 454, 43b (2008).'), TARGET).features.year_0).toEqual([1, 1]);
  });

  it('reads a number with a letter put in between its digits, and a long garbled number of the title or journal', () => {
    // "4N36" for page 436, "20W08" for 2008.
    const inserted = explainValidation(prepareReference('1 A. Mantovani and P. Allavena, Nature 454, 4N36 (20W08).'), TARGET);
    expect(inserted.features.page_0).toEqual([1, 0.5]);
    expect(inserted.features.year_0).toEqual([1, 0.5]);
    expect(inserted.unmatchedNumbers).toEqual([]);
    // Not in a short number: "4N5" is not volume 45.
    const short = explainValidation(prepareReference('1 A. Mantovani, Nature 4N5, 436 (2008).'), work({ DOI: '10.1/v', volume: '45' }));
    expect(short.features.volume_0).toEqual([1, 0]);
    // "Congress 20C0" for Structures Congress 2010; a garbled short one ("Leg 3z") could be any number.
    const congress = work({ DOI: '10.1/c', 'container-title': ['Structures Congress 2010'], volume: undefined, issue: undefined,
      page: undefined, issued: { 'date-parts': [[2010]] } });
    const text = explainValidation(prepareReference('Mantovani, A. (2010). Cancer-related inflammation. Structures Congress 20C0.'), congress);
    expect(text.unmatchedNumbers).toEqual([]);
    const leg = work({ DOI: '10.1/l', title: ['Mineralogy data from Leg 36'], volume: undefined, issue: undefined, page: undefined });
    expect(explainValidation(prepareReference('Mantovani, A. (2008). Mineralogy data from Leg 3z. Nature.'), leg).unmatchedNumbers).toEqual(['3']);
  });

  it('joins a number a PDF split with a stray space ("(20 08)", "4 36") when the record holds the whole', () => {
    const split = explainValidation(prepareReference('1 A. Mantovani and P. Allavena, Nature 454, 4 36 (20 08).'), TARGET);
    expect(split.unmatchedNumbers).toEqual([]);
    expect(split.features.year_0).toEqual([1, 1]);
    expect(split.features.page_0).toEqual([1, 1]);
    expect(split.features.page_conflict).toBeUndefined();
    const off = explainValidation(prepareReference('1 A. Mantovani and P. Allavena, Nature 454, 4 36 (20 08).'), TARGET, {
      tuning: { splitNumberCredit: 0 },
    });
    expect(off.similarity).toBeLessThan(split.similarity);
    // Numbers that stand for fields on their own stay apart: volume 45 and page 4 are not "454".
    const apart = explainValidation(prepareReference('Mantovani A. Nature 45 4 (2008).'), work({ DOI: '10.1/v', volume: '45', page: '4' }));
    expect(apart.features.volume_0).toEqual([1, 1]);
    expect(apart.features.page_0).toEqual([1, 1]);
    // A split year is joined before the issue can take one of its pieces: "(20 04)" with issue 4.
    const issueFour = work({ DOI: '10.1/i4', issued: { 'date-parts': [[2004]] }, issue: '4' });
    const year = explainValidation(prepareReference('Mantovani A. Nature 454, 436 (20 04).'), issueFour);
    expect(year.features.year_0).toEqual([1, 1]);
    expect(year.unmatchedNumbers).toEqual([]);
  });

  it('reads any number of the record through PDF noise: a garbled year before the issue, the last page, the title', () => {
    // "(2n04)" with issue 2: the issue does not take the year's "2".
    const issueTwo = work({ DOI: '10.1/i2', issued: { 'date-parts': [[2004]] }, issue: '2' });
    const year = explainValidation(prepareReference('Mantovani A. Nature 454, 436 (2n04).'), issueTwo);
    expect(year.features.year_0).toEqual([1, 0.5]);
    expect(year.unmatchedNumbers).toEqual([]);
    // The last page garbled or split: "436–4Q4", "436–4 44".
    for (const printed of ['436–4Q4', '436–4 44']) {
      const d = explainValidation(prepareReference(`Mantovani A (2008) Cancer-related inflammation. Nature 454:${printed}.`), TARGET);
      expect(d.unmatchedNumbers).toEqual([]);
      expect(d.features.pageend_0?.[1]).toBeGreaterThan(0);
    }
    // A number of the title split by a stray space.
    const reviewers = work({ DOI: '10.1/r', title: ['List of reviewers for 2007 and 2008'], issued: { 'date-parts': [[2009]] } });
    const title = explainValidation(prepareReference('List of reviewers for 20 07 and 2008. (2009). Nature, 454(7203), 436–444.'), reviewers);
    expect(title.unmatchedNumbers).toEqual([]);
  });

  it('reads a volume split by a stray space before the issue, and a year printed once plainly and once split', () => {
    // "4 54" for volume 454 of issue 4: the issue does not take its first piece.
    const volume = explainValidation(prepareReference('1 A. Mantovani, Nature 4 54, 436 (2008).'), { ...TARGET, issue: '4' });
    expect(volume.features.volume_0).toEqual([1, 1]);
    expect(volume.unmatchedNumbers).toEqual([]);
    // Also with no space after the comma ("4 54,436"); "4 54.3" is no split.
    const glued = explainValidation(prepareReference('1 A. Mantovani, Nature 4 54,436 (2008).'), { ...TARGET, issue: '4' });
    expect(glued.features.volume_0).toEqual([1, 1]);
    expect(glued.unmatchedNumbers).toEqual([]);
    expect(prepareReference('Nature 4 54.3 (2008).').splits).toEqual([]);
    // A journal numbered by year, its year printed again split ("2008, 436 (20 08)"): each copy is read once.
    const byYear = work({ DOI: '10.1/y', volume: '2008', issue: undefined });
    const twice = explainValidation(prepareReference('1 A. Mantovani, Nature 2008, 436 (20 08).'), byYear);
    expect(twice.features.volume_0).toEqual([1, 1]);
    expect(twice.features.year_0).toEqual([1, 1]);
    expect(twice.unmatchedNumbers).toEqual([]);
    // Printed once, the year still serves as both.
    const once = explainValidation(prepareReference('1 A. Mantovani, Nature 2008, 436.'), byYear);
    expect(once.features.year_0).toEqual([1, 1]);
    expect(once.unmatchedNumbers).toEqual([]);
  });

  it('reads a garbled volume or first page before the issue can take a piece of it', () => {
    // "4z4" for volume 454 of issue 4: half credit for the volume, and no "4" left over.
    const volume = explainValidation(prepareReference('1 A. Mantovani, Nature 4z4, 436 (2008).'), { ...TARGET, issue: '4' });
    expect(volume.features.volume_0).toEqual([1, 0.5]);
    expect(volume.features.issue_0).toBeUndefined();
    expect(volume.unmatchedNumbers).toEqual([]);
    expect(volume.similarity).toBeGreaterThan(0.8);
    // "4q6" for page 436 of issue 4.
    const page = explainValidation(prepareReference('1 A. Mantovani, Nature 454, 4q6 (2008).'), { ...TARGET, issue: '4' });
    expect(page.features.page_0).toEqual([1, 0.5]);
    expect(page.unmatchedNumbers).toEqual([]);
  });

  it('reads a number split by a stray space and misread at once, and counts a first page read so as printed', () => {
    // "(20 0R)": split and misread; "Y2 008)": a bracket read as a letter, then split.
    const year = explainValidation(prepareReference('1 A. Mantovani and P. Allavena, Nature 454, 436 (20 0R).'), TARGET);
    expect(year.features.year_0).toEqual([1, 0.5]);
    expect(year.unmatchedNumbers).toEqual([]);
    const bracket = explainValidation(prepareReference('1 A. Mantovani, Nature 454, 436 Y2 008).'), TARGET);
    expect(bracket.features.year_0).toEqual([1, 1]);
    expect(bracket.unmatchedNumbers).toEqual([]);
    // A first page split by a stray space ("2 11" for 211): the issue 2 does not take its first piece.
    const split = explainValidation(prepareReference('1 A. Mantovani, Nature 454, 4 36 (2008).'), { ...TARGET, issue: '4' });
    expect(split.features.page_0).toEqual([1, 1]);
    expect(split.unmatchedNumbers).toEqual([]);
    // A first page printed as the start of a range is the page's even when the record's issue has its number.
    const letters = work({ DOI: '10.1/l', title: ['Letters to the editor'], volume: '15', issue: '3', page: '3-9', author: [], issued: { 'date-parts': [[1993]] } });
    const range = explainValidation(prepareReference('(1) Anthropology Newsletter 1993, 15, 3–9.'), { ...letters, 'container-title': ['Anthropology Newsletter'] });
    expect(range.features.page_0).toEqual([1, 1]);
    expect(range.rejected).toBeUndefined();
    // "4 3Q" for page 436 is the first page: no page conflict, and it singles the work out as a plain page would.
    const paper = work({ DOI: '10.1/p', title: ['Editorial'], page: '436' });
    const page = explainValidation(prepareReference('1 A. Mantovani, Nature 454, 4 3Q (2008).'), paper);
    expect(page.features.page_0).toEqual([1, 0.5]);
    expect(page.features.page_conflict).toBeUndefined();
    expect(page.rejected).toBeUndefined();
    // A letter that belongs to a word is not a misread digit: "Research 54" does not print volume 454, nor does a
    // word with a digit ("Naturee6") print volume 26.
    const word = explainValidation(prepareReference('1 A. Mantovani, Cancer Research 54, 436 (2008).'), TARGET);
    expect(word.features.volume_0).toEqual([1, 0]);
    expect(word.unmatchedNumbers).toEqual(['54']);
    const short = explainValidation(prepareReference('1 A. Mantovani, Naturee6, 436 (2008).'), work({ DOI: '10.1/v', volume: '26' }));
    expect(short.features.volume_0).toEqual([1, 0]);
    // With the readings off, the pieces stay unexplained.
    const off = explainValidation(prepareReference('1 A. Mantovani and P. Allavena, Nature 454, 436 (20 0R).'), TARGET, {
      tuning: { garbledNumberCredit: 0 },
    });
    expect(off.features.year_0).toEqual([1, 0]);
  });

  it('counts an author list that contradicts the record\'s against it: order, or a co-author skipped', () => {
    const swapped = explainValidation(prepareReference('Allavena P, Mantovani A, Sica A, Balkwill F (2008) Cancer-related inflammation. Nature 454:436-44.'), TARGET);
    expect(swapped.features.author_list_conflict).toBeDefined();
    const skipped = explainValidation(prepareReference('Mantovani A, Sica A, Balkwill F (2008) Cancer-related inflammation. Nature 454:436-44.'), TARGET);
    expect(skipped.features.author_list_conflict).toBeDefined();
    expect(skipped.similarity).toBeLessThan(validate(REF, TARGET));
    // A list cut short, a first author only, a name misread in PDF text, or the first author's name repeated later
    // in the record's list: no conflict.
    for (const ref of [
      'Mantovani A, Allavena P, … Balkwill F (2008) Cancer-related inflammation. Nature 454:436-44.',
      'Mantovani A, Sica A, et al. (2008) Cancer-related inflammation. Nature 454:436-44.',
      'Mantovani A (2008) Cancer-related inflammation. Nature 454:436-44.',
      'Mantovani A, Allavcna P, Sica A, Balkwill F (2008) Cancer-related inflammation. Nature 454:436-44.',
      'Mantov ani A, Allavena P, Sica A, Balkwill F (2008) Cancer-related inflammation. Nature 454:436-44.',
    ]) {
      expect(explainValidation(prepareReference(ref), TARGET).features.author_list_conflict, ref).toBeUndefined();
    }
    // A co-author's name inside the first author's name, or as the word after it (a given name), is not a listing.
    const compound = work({ DOI: '10.1/c', author: [{ family: 'Beyazal Çeliker' }, { family: 'Dursun' }, { family: 'Çeliker' }] });
    expect(explainValidation(prepareReference('Beyazal Çeliker, Fatma. Cancer-related inflammation. Nature 2008;454:436-44.'), compound).features.author_list_conflict).toBeUndefined();
    const givenName = work({ DOI: '10.1/g', author: [{ family: 'Wang' }, { family: 'Liao' }, { family: 'Chen' }] });
    expect(explainValidation(prepareReference('Wang, Chen. Cancer-related inflammation. Nature 2008;454:436-44.'), givenName).features.author_list_conflict).toBeUndefined();
    // The string opens with a co-author and never names the record's first author.
    const led = explainValidation(prepareReference('S. Allavena, K. Sica, Nature 454 (2008) 436.'), work({ DOI: '10.1/l', author: [{ family: 'Kallas' }, { family: 'Allavena' }, { family: 'Sica' }] }));
    expect(led.features.author_conflict).toBeUndefined();
    expect(led.features.author_list_conflict).toBeDefined();
    const repeated = work({ DOI: '10.1/r', author: [{ family: 'Lee' }, { family: 'Park' }, { family: 'Lee' }] });
    expect(explainValidation(prepareReference('Lee J (2008) Cancer-related inflammation. Nature 454:436-44.'), repeated).features.author_list_conflict).toBeUndefined();
    const off = explainValidation(prepareReference('Allavena P, Mantovani A (2008) Cancer-related inflammation. Nature 454:436-44.'), TARGET, {
      tuning: { authorListConflict: false },
    });
    expect(off.features.author_list_conflict).toBeUndefined();
  });

  it('does not take the last page of a printed range for the record\'s first page', () => {
    const next = work({ DOI: '10.1/next', page: '444-452' });
    const d = explainValidation(prepareReference(REF.replace('436-44', '436-444')), next);
    expect(d.features.page_0).toEqual([1, 0]);
    expect(d.features.page_conflict).toBeDefined();
    // Page labels and decimals are not ranges: "5_17-5_17", "306.1-306".
    expect(prepareReference('J Med 1887;20(5):5_17-5_17').pageRanges).toEqual([]);
    expect(prepareReference('Am J Clin Pathol 1956;26(3):306.1-306').pageRanges).toEqual([]);
    expect(prepareReference(REF).pageRanges).toEqual([['436', '444']]);
  });

  it('explains words split by a stray space, run together, or with one misread character, as PDF text has them', () => {
    const noisy = '1 A.Mantovani, Cancer-relatedinfla mmation, Naturr 454, 436 (2008).';
    const on = explainValidation(prepareReference(noisy), TARGET);
    const off = explainValidation(prepareReference(noisy), TARGET, { tuning: { noisyWords: false } });
    expect(on.features.words![1]).toBe(1);
    expect(off.features.words![1]).toBeLessThan(0.5);
    expect(on.similarity).toBeGreaterThan(off.similarity);
    // Another paper's words stay unexplained.
    const other = explainValidation(prepareReference('1 A.Mantovani, Tumour metabo lism, Naturr 454, 436 (2008).'), TARGET);
    expect(other.features.words![1]).toBeLessThan(0.5);
    // Run together and misread at once, one character in six ("Cancerrelatedinflammatxon").
    const garbled = explainValidation(prepareReference('1 A. Mantovani, Cancerrelatedinflammatxon, Nature 454, 436 (2008).'), TARGET);
    expect(garbled.unexplainedWords).toEqual([]);
    const tooGarbled = explainValidation(prepareReference('1 A. Mantovani, Cxncxrrelatedinxlammxtxon, Nature 454, 436 (2008).'), TARGET);
    expect(tooGarbled.unexplainedWords).toEqual(['cxncxrrelatedinxlammxtxon']);
    // A short word is not read that loosely: "Elatedim" is one letter from "elatedin", but could be anything.
    expect(explainValidation(prepareReference('1 A. Mantovani, Elatedim, Nature 454, 436 (2008).'), TARGET).unexplainedWords).toEqual(['elatedim']);
  });

  it('finds a pattern within a few edits anywhere in a text', () => {
    expect(withinEditsOfSubstring('thenursingstandardweekly', 'nuwsibgstandard', 2)).toBe(true);
    expect(withinEditsOfSubstring('thenursingstandardweekly', 'nuwsibgstandard', 1)).toBe(false);
    expect(withinEditsOfSubstring('journalofecology', 'ecoaogy', 1)).toBe(true);
    expect(withinEditsOfSubstring('journalofecology', 'ecxaxgy', 1)).toBe(false);
    expect(withinEditsOfSubstring('', 'ab', 2)).toBe(true);
  });

  it('does not count the day of a printed date against the record, nor take a name for a month', () => {
    const dated = explainValidation(prepareReference(`${REF} (January 31)`), TARGET);
    expect(dated.unmatchedNumbers).toEqual([]);
    expect(Object.keys(dated.features).filter((k) => k.startsWith('rest_'))).toEqual([]);
    expect(dated.similarity).toBeGreaterThan(0.95);
    expect(prepareReference('Nature 2008 Jul 24;454(7203):436-44.').asides).toEqual(['24']);
    expect(prepareReference('Mayer 12 (2001); Science 1987 Mar;235:182').asides).toEqual([]);
    expect(explainValidation(prepareReference(`${REF} Mayer 12`), TARGET).unmatchedNumbers).toEqual(['12']);
  });

  it('does not count an online date, a discussion\'s pages or a name\'s ordinal against the record', () => {
    const noIssue = work({ DOI: '10.1/no-issue', issue: undefined });
    for (const extra of ['Epub 2008 Nov 5.', 'Epub 2007 Dec 23.', 'discussion 445.', 'discussion 445-6.', 'author reply 447.']) {
      expect(explainValidation(prepareReference(`${REF} ${extra}`), TARGET).unmatchedNumbers, extra).toEqual([]);
    }
    expect(explainValidation(prepareReference(REF.replace('Balkwill F', 'Balkwill F 3rd')), TARGET).unmatchedNumbers).toEqual([]);
    // The same numbers elsewhere still count.
    expect(explainValidation(prepareReference(`${REF} 2007 445`), TARGET).unmatchedNumbers).toEqual(['2007', '445']);
    // Supplements and parts beside the issue, and a volume with a letter ("146A(16)"), against a record without issue.
    for (const printed of ['454 Suppl 1', '454(7203 Suppl 1)', '454(Spec No 1)', '454(1 Pt 1)', '454A(16)']) {
      const d = explainValidation(prepareReference(REF.replace('454:436-44', `${printed}:436-44`)), noIssue);
      expect(d.unmatchedNumbers, printed).toEqual([]);
    }
  });

  it('reads a front-matter page in Roman numerals as the first page', () => {
    const preface = work({ DOI: '10.1/pref', title: ['Preface'], author: [{ family: 'Hawkes', given: 'P. W.' }],
      'container-title': ['Advances in Imaging and Electron Physics'], volume: '163', issue: undefined, page: 'vii-viii' });
    const d = explainValidation(prepareReference('(1) Hawkes, P. W. Advances in Imaging and Electron Physics 2008, 163, vii–viii.'), preface);
    expect(d.features.page_0).toEqual([1, 1]);
    expect(d.features.pageend_0).toEqual([1, 1]);
    expect(d.rejected).toBeUndefined();
    expect(d.similarity).toBeGreaterThan(0.9);
    // Another numeral is not the record's page; page "i" alone, like page 1, names nothing in particular.
    expect(explainValidation(prepareReference('(1) Hawkes, P. W. Advances in Imaging and Electron Physics 2008, 163, xiii.'), preface).features.page_0).toEqual([1, 0]);
    const first = work({ ...preface, DOI: '10.1/i', page: 'i' });
    expect(explainValidation(prepareReference('(1) Advances in Imaging and Electron Physics 2008, 163, i.'), first).rejected).toBe('not-specific');
  });

  it('takes a title printed with all its words in another order as the title', () => {
    const paper = work({ DOI: '10.1/t', title: ['Inflammation of the tumour microenvironment in cancer'], volume: undefined, issue: undefined, page: undefined });
    const d = explainValidation(prepareReference('Mantovani, A.. cancer microenvironment Inflammation tumour the of in. Nature. 2008. . .'), paper);
    expect(d.titleSupported).toBe(true);
    expect(d.rejected).toBeUndefined();
    // Three of its four words are not the title.
    expect(explainValidation(prepareReference('Mantovani, A.. cancer microenvironment Inflammation. Nature. 2008.'), paper).titleSupported).toBe(false);
  });

  it('does not take a page label with letters ("S57", "e31") for a word of another title', () => {
    const d = explainValidation(prepareReference('(1) Mantovani, A. Nature 2008, 454, S436–S444.'), TARGET);
    expect(d.unexplainedWords).toEqual([]);
    expect(d.features.words).toEqual([1, 1]);
  });

  it('counts another printed title against a record on the same page of the same journal', () => {
    // A book review printed on the same page as the cited paper: numbers, author and journal all agree.
    const review = work({ DOI: '10.1/review', title: ['Educational exchanges: essays on the Sino-American experience'],
      author: [{ family: 'Chiu', given: 'H.' }], volume: '61', issue: '3', page: '490', 'container-title': ['Pacific Affairs'],
      issued: { 'date-parts': [[1988]] } });
    const paper = { ...review, DOI: '10.1/paper', title: ['The Sino-Indian border dispute: a legal study'] };
    const ref = prepareReference('Chiu, H., & Lu, C. H. (1988). The Sino-Indian Border Dispute: A Legal Study. Pacific Affairs, 61(3), 490.');
    const d = explainValidation(ref, review);
    expect(d.unexplainedRun).toBeGreaterThanOrEqual(3);
    expect(d.features.title_conflict).toEqual([0, 2]);
    expect(d.similarity).toBeLessThan(0.8);
    expect(explainValidation(ref, review, { tuning: { titleConflictRun: 0 } }).similarity).toBeGreaterThan(0.8);
    expect(explainValidation(ref, paper).features.title_conflict).toBeUndefined();
    // A string without a title (ACS) has nothing to contradict the record's.
    expect(explainValidation(prepareReference('(1) Chiu, H.; Lu, C. H. Pacific Affairs 1988, 61, 490.'), review).features.title_conflict).toBeUndefined();
  });

  it('counts a sibling\'s title against the record: most of its words printed, other words in place of the rest', () => {
    const entry = (DOI: string, title: string) => work({ DOI, title: [title], author: [{ family: 'Azimova', given: 'S. S.' }],
      'container-title': ['Lipids, Lipophilic Components and Essential Oils from Plant Sources'], volume: undefined,
      issue: undefined, page: '597-597', issued: { 'date-parts': [[2012]] } });
    const printed = entry('10.1/bituminosa', 'Psoralea bituminosa L.');
    const sibling = entry('10.1/corylifolia', 'Psoralea corylifolia L.');
    const ref = prepareReference('Azimova, S. S. (2012). Psoralea bituminosa L. Lipids, Lipophilic Components and Essential Oils from Plant Sources, 597–597.');
    expect(explainValidation(ref, sibling).features.title_substitution).toEqual([0, 2]);
    expect(explainValidation(ref, sibling).similarity).toBeLessThan(0.8);
    expect(explainValidation(ref, sibling, { tuning: { titleSubstitution: false } }).similarity).toBeGreaterThan(0.8);
    expect(explainValidation(ref, printed).features.title_substitution).toBeUndefined();
    expect(matchReference('Azimova, S. S. (2012). Psoralea bituminosa L. Lipids, Lipophilic Components and Essential Oils from Plant Sources, 597–597.',
      [sibling], { minNormalizedScore: 0 }).doi).toBeNull();
  });

  it('does not take a title read through PDF noise, or a spelling variant, for a sibling\'s', () => {
    const paper = work({ DOI: '10.1/cscl', title: ['Structure defects in CsCl intermetallic compounds—I. Theory'],
      author: [{ family: 'Wasilewski', given: 'R. J.' }], 'container-title': ['Journal of Physics and Chemistry of Solids'],
      volume: '29', issue: '1', page: '39-49', issued: { 'date-parts': [[1968]] } });
    const noisy = 'Wasilewski, R. J. (1968). StWucture defects in CsCl intermetallic compounds—I. TheoCyc Journal of Physics and Chemistry of Solids,29(1), 39–49.';
    expect(explainValidation(prepareReference(noisy), paper).features.title_substitution).toBeUndefined();
    const colour = work({ DOI: '10.1/colour', title: ['Colour vision in the behaviour of bees'], volume: '29', page: '39-49' });
    const us = 'Mantovani A (2008) Color vision in the behavior of bees. Nature 29:39-49.';
    expect(explainValidation(prepareReference(us), colour).features.title_substitution).toBeUndefined();
  });

  it('counts a notice against a title-less string that prints another page: the page of the work its title cites', () => {
    const erratum = work({ DOI: '10.1/erratum', title: ['Erratum: MSXα calculation of adiabatic potential energy surfaces [J. Chem. Phys. 77, 2460 (1982)]'],
      author: [{ family: 'Chermette', given: 'H.' }, { family: 'Pedrini', given: 'C.' }], 'container-title': ['The Journal of Chemical Physics'],
      volume: '77', issue: '12', page: '6350-6350', issued: { 'date-parts': [[1982]] } });
    const original = explainValidation(prepareReference('1 H. Chermette and C. Pedrini, The Journal of Chemical Physics 77, 2460 (1982).'), erratum);
    expect(original.features.notice_conflict).toEqual([0, 2]);
    expect(original.similarity).toBeLessThan(0.8);
    // Title-less styles cite the notice itself at its own page, with nothing to say it is one.
    const itself = explainValidation(prepareReference('1 H. Chermette and C. Pedrini, The Journal of Chemical Physics 77, 6350 (1982).'), erratum);
    expect(itself.features.notice_conflict).toBeUndefined();
    expect(itself.similarity).toBeGreaterThan(0.8);
  });

  it('reads a last page only beside the first page or after a dash: printed alone, it is the next work\'s first page', () => {
    const paper = work({ DOI: '10.1/p', author: [{ family: 'Faustov', given: 'V. I.' }, { family: 'Smit', given: 'W. A.' }],
      'container-title': ['Bulletin of the Academy of Sciences of the USSR'], volume: '38', issue: '7', page: '1439-1445', issued: { 'date-parts': [[1989]] } });
    const next = explainValidation(prepareReference('1 V.I. Faustov and W.A. Smit, Bulletin of the Academy of Sciences of the USSR 38, 1445 (1989).'), paper);
    expect(next.features.pageend_0).toBeUndefined();
    expect(next.unmatchedNumbers).toEqual(['1445']);
    expect(next.similarity).toBeLessThan(0.8);
    // A first page garbled past reading ("1JJ9–1445") leaves the range's end to count.
    const garbled = explainValidation(prepareReference('1 V.I. Faustov and W.A. Smit, Bulletin of the Academy of Sciences of the USSR 38, 1JJ9–1445 (1989).'), paper);
    expect(garbled.features.pageend_0).toEqual([1, 1]);
    // A page that is not a plain range ("2_108-2_116") keeps its numbers as they come.
    const parts = work({ DOI: '10.1/parts', author: [{ family: 'Watanabe', given: 'K.' }], 'container-title': ['IEICE Communications Society Magazine'],
      volume: '2007', issue: '2', page: '2_108-2_116', issued: { 'date-parts': [[2007]] } });
    expect(explainValidation(prepareReference('1 K. Watanabe, IEICE Communications Society Magazine 2007, 2_108 (2007).'), parts).unmatchedNumbers).toEqual([]);
  });

  it('counts an erratum or retraction notice against a string that does not say it cites one', () => {
    const notice = work({ DOI: '10.1/erratum', title: ['F.. Erratum: Cancer-related inflammation'] });
    expect(explainValidation(prepareReference(REF), notice).features.notice_conflict).toEqual([0, 2]);
    expect(explainValidation(prepareReference(REF), TARGET).features.notice_conflict).toBeUndefined();
    const citesNotice = REF.replace('Cancer-related', 'Erratum: Cancer-related');
    expect(explainValidation(prepareReference(citesNotice), notice).features.notice_conflict).toBeUndefined();
    // A title-less style (ACS) cites a notice with nothing to say so.
    expect(explainValidation(prepareReference('(1) Mantovani, A. Nature 2008, 454, 436.'), notice).features.notice_conflict).toBeUndefined();
    // A title about retraction is not a notice.
    const gingival = work({ DOI: '10.1/gingival', title: ['Gingival retraction methods'] });
    expect(explainValidation(prepareReference(REF), gingival).features.notice_conflict).toBeUndefined();
  });

  it('takes a string without numbers only when it prints a specific title, its first author and its journal or book', () => {
    const paper = work({ DOI: '10.1/smt', title: ['Analyzing the mechanical strength of SMT attached solder joints'],
      author: [{ family: 'Chen', given: 'W.' }], 'container-title': ['Proceedings. Seventh IEEE/CHMT International Electronic Manufacturing Technology Symposium'],
      volume: undefined, issue: undefined, page: undefined, issued: undefined });
    const full = 'Chen, W.. Analyzing the mechanical strength of SMT attached solder joints. Proceedings. Seventh IEEE/CHMT International Electronic Manufacturing Technology Symposium. . . . ';
    expect(explainValidation(prepareReference(full), paper).rejected).toBeUndefined();
    expect(explainValidation(prepareReference(full), paper).similarity).toBeGreaterThan(0.8);
    // A record's year the string does not print still counts against it.
    expect(explainValidation(prepareReference(full), { ...paper, issued: { 'date-parts': [[1989]] } }).similarity).toBeLessThan(0.8);
    expect(explainValidation(prepareReference(full.replace('Chen, W.. ', '')), paper).rejected).toBe('no-numbers');
    expect(explainValidation(prepareReference(full.replace(/Proceedings\..*$/, '')), paper).rejected).toBe('no-numbers');
  });

  it('does not count a printed issue, or both numbers of a combined one, against a record without an issue', () => {
    const noIssue = work({ DOI: '10.1/no-issue', issue: undefined });
    for (const printed of ['454(7203)', '454(1-3)']) {
      const d = explainValidation(prepareReference(REF.replace('454:436-44', `${printed}:436-44`)), noIssue);
      expect(d.unmatchedNumbers, printed).toEqual([]);
    }
    // A record with another issue still has it counted against it.
    const other = explainValidation(prepareReference(REF.replace('454:436-44', '454(1-3):436-44')), TARGET);
    expect(other.unmatchedNumbers).toEqual(['1', '3']);
    // A supplement in place of the issue.
    const suppl = explainValidation(prepareReference(REF.replace('454:436-44', '454(Suppl 2):436-44')), noIssue);
    expect(suppl.unmatchedNumbers).toEqual([]);
    expect(explainValidation(prepareReference(REF.replace('454:436-44', '454(Suppl 2):436-44')), TARGET).unmatchedNumbers).toEqual(['2']);
  });

  it('reads the last page of a lettered page range a record with only its first page leaves out', () => {
    for (const [range, first] of [['E436-E444', 'E436'], ['S436- S444', 'S436'], ['436S-444S', '436S'], ['S436-44', 'S436']] as const) {
      const d = explainValidation(prepareReference(REF.replace('436-44', range)), { ...TARGET, page: first });
      expect(d.unmatchedNumbers, range).toEqual([]);
    }
    // A range's last page that another record's first page does not start stays evidence against it.
    expect(explainValidation(prepareReference(REF.replace('436-44', 'E436-E444')), { ...TARGET, page: 'E440' }).unmatchedNumbers.length).toBeGreaterThan(0);
  });

  it('explains the names of a chapter\'s book editors by the record\'s editors', () => {
    const chapter = work({ DOI: '10.1/chapter', type: 'book-chapter', author: [{ family: 'Mantovani', given: 'Alberto' }],
      editor: [{ family: 'Balkwill', given: 'Frances' }, { family: 'Coussens', given: 'Lisa' }], 'container-title': ['Inflammation and cancer'] });
    const ref = prepareReference('Mantovani A (2008) Cancer-related inflammation. In: Balkwill F, Coussens L (eds) Inflammation and cancer, pp 436-444.');
    expect(explainValidation(ref, chapter).unexplainedWords).not.toContain('coussens');
    expect(explainValidation(ref, { ...chapter, editor: undefined }).unexplainedWords).toContain('coussens');
  });

  it('penalises unexplained numbers', () => {
    const extra = validate(`${REF} 17 99 312`, TARGET);
    expect(extra).toBeLessThan(validate(REF, TARGET));
  });
});

describe('candidate selection', () => {
  it('keeps the first hit and the following ones while score / query length stays above the minimum', () => {
    const q = 'x'.repeat(100);
    const items = [work({ DOI: 'a', score: 10 }), work({ DOI: 'b', score: 45 }), work({ DOI: 'c', score: 30 }), work({ DOI: 'd', score: 90 })];
    expect(selectCandidates(q, items).map((c) => c.DOI)).toEqual(['a', 'b']);
    expect(selectCandidates(q, items, { scoreScale: 2 }).map((c) => c.DOI)).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('matchReference', () => {
  it('accepts the right record among similar works', () => {
    const r = matchReference(REF, [SIBLING, TARGET, UNRELATED], { minNormalizedScore: 0 });
    expect(r.doi).toBe('10.1038/nature07205');
    if (r.doi !== null) {
      expect(r.confidence).toBeGreaterThanOrEqual(0.9);
      expect(r.candidate).toBe(TARGET);
    }
  });

  it('rejects the near-duplicate "similar work" when the target is absent', () => {
    expect(matchReference(REF, [SIBLING, UNRELATED], { minNormalizedScore: 0 }).doi).toBeNull();
  });

  it('abstains when nothing fits, reporting the best similarity', () => {
    const r = matchReference(REF, [UNRELATED]);
    expect(r.doi).toBeNull();
    if (r.doi === null) expect(r.best).toBeLessThan(DEFAULT_THRESHOLD);
    expect(matchReference(REF, []).doi).toBeNull();
  });

  it('abstains between two records the string cannot tell apart', () => {
    const twin = { ...TARGET, DOI: '10.1038/nature07205-duplicate' };
    expect(matchReference(REF, [TARGET, twin], { minNormalizedScore: 0 }).doi).toBeNull();
  });

  it('between two records of one work, prefers the one the string reproduces exactly', () => {
    const noTitleRef = 'Mantovani A, Allavena P, Sica A, Balkwill F (2008) Nature 454:436-44.';
    // A publisher's record and JSTOR's of the same paper: only the first has the printed last page.
    const firstPageOnly = { ...TARGET, DOI: '10.2307/duplicate', page: '436' };
    expect(matchReference(REF, [firstPageOnly, TARGET], { minNormalizedScore: 0 }).doi).toBe('10.1038/nature07205');
    // Same fields, the title printed with the capitals and punctuation of one of them.
    const upper = { ...TARGET, DOI: '10.2307/upper', title: ['CANCER-RELATED INFLAMMATION'] };
    expect(matchReference(REF, [upper, TARGET], { minNormalizedScore: 0 }).doi).toBe('10.1038/nature07205');
    expect(matchReference(REF.replace('Cancer-related inflammation', 'CANCER-RELATED INFLAMMATION'), [TARGET, upper], { minNormalizedScore: 0 }).doi).toBe('10.2307/upper');
    // A deposit with the title inside a longer one (a review's byline added): the printed page range decides.
    const byline = { ...TARGET, DOI: '10.2307/byline', title: ['Cancer-related inflammation, by A. Mantovani'], page: '436' };
    expect(matchReference(noTitleRef, [byline, TARGET], { minNormalizedScore: 0 }).doi).toBe('10.1038/nature07205');
    // Nothing printed tells them apart: abstain.
    expect(matchReference(REF.replace('Cancer-related', 'Cancer related'), [upper, TARGET], { minNormalizedScore: 0 }).doi).toBeNull();
    // Two works (other titles) that a title-less string fits equally: exact journal wording decides nothing.
    const noTitle = 'Mantovani A, Allavena P, Sica A, Balkwill F (2008) Nature 454:436-44.';
    const sibling = { ...TARGET, DOI: '10.1038/sibling', title: ['Another paper'], 'container-title': ['Nature (London)'] };
    expect(matchReference(noTitle, [sibling, TARGET], { minNormalizedScore: 0 }).doi).toBeNull();
  });

  it('between two records of one work, reads written-out given names, whole titles and title-cased titles', () => {
    const opts = { minNormalizedScore: 0 };
    // Two deposits of one paper, one with the first author's given name written out.
    const paper = work({
      DOI: '10.1000/written-out',
      title: ['Evaluation of biexponential relaxation behaviour in the human brain by magnetic resonance imaging'],
      author: [{ given: 'Lasse', family: 'Kjær' }, { given: 'C.', family: 'Thomsen' }, { given: 'O.', family: 'Henriksen' }],
      'container-title': ['Acta Radiologica'],
      issued: { 'date-parts': [[1989]] },
      volume: '30',
      issue: '4',
      page: '433-437',
    });
    const initials = { ...paper, DOI: '10.1000/initials', author: [{ given: 'L.', family: 'Kjær' }, ...paper.author!.slice(1)] };
    const chicago =
      'Kjær, Lasse, C. Thomsen, and O. Henriksen. 1989. “Evaluation of Biexponential Relaxation Behaviour in the Human Brain by Magnetic Resonance Imaging.” Acta Radiologica 30 (4): 433–437.';
    expect(matchReference(chicago, [initials, paper], opts).doi).toBe('10.1000/written-out');
    // A style that writes every given name as initials says nothing about which deposit it was written from.
    const apa = 'Kjær, L., Thomsen, C., & Henriksen, O. (1989). Evaluation of biexponential relaxation behaviour in the human brain by magnetic resonance imaging. Acta Radiologica, 30(4), 433–437.';
    expect(matchReference(apa, [paper, initials], opts).doi).toBeNull();
    // Only a whole title counts as printed: "KAS-R" is inside "KAS-RR" but is not what the string prints.
    const entry = (doi: string, t: string): Candidate =>
      work({ DOI: doi, title: [t], author: [], 'container-title': ['Encyclopedia of Clinical Neuropsychology'], volume: undefined, issue: undefined, page: '1389', issued: { 'date-parts': [[2011]] } });
    const kasRR = entry('10.1007/kas-rr', 'KAS-RR');
    const kasR = entry('10.1007/kas-r', 'KAS-R');
    const kas = '“KAS-RR.” 2011. Encyclopedia of Clinical Neuropsychology: 1389–1389.';
    expect(matchReference(kas, [kasR, kasRR], opts).doi).toBe('10.1007/kas-rr');
    // A title-cased title is still the printed one when the other deposit's title is longer.
    const longer = { ...TARGET, DOI: '10.1000/longer', title: ['Cancer-related inflammation: a review of the evidence'], page: '436' };
    const nature = 'Mantovani, Alberto, Paola Allavena, Antonio Sica, and Frances Balkwill. 2008. “Cancer-Related Inflammation.” Nature 454 (7203): 436.';
    expect(matchReference(nature, [longer, { ...TARGET, page: '436' }], opts).doi).toBe('10.1038/nature07205');
  });

  it('maps the threshold to 0.9 confidence, monotonically', () => {
    expect(confidenceFromSimilarity(DEFAULT_THRESHOLD)).toBeCloseTo(0.9);
    let last = -1;
    for (let s = 0; s <= 1; s += 0.05) {
      const c = confidenceFromSimilarity(s);
      expect(c).toBeGreaterThanOrEqual(last);
      expect(c).toBeLessThanOrEqual(1);
      last = c;
    }
  });
});

describe('structured validation', () => {
  const csl = {
    author: [{ family: 'Mantovani', given: 'A' }],
    title: 'Cancer-related inflammation',
    'container-title': 'Nature',
    issued: { 'date-parts': [[2008]] },
    volume: '454',
    page: '436',
  };

  it('recognises journal abbreviations', () => {
    expect(isJournalAbbreviation('J Clin Oncol', 'Journal of Clinical Oncology')).toBe(true);
    expect(isJournalAbbreviation('Proc Natl Acad Sci U S A', 'Proceedings of the National Academy of Sciences U S A')).toBe(true);
    expect(isJournalAbbreviation('J Clin Oncol', 'Journal of Clinical Neurology')).toBe(false);
  });

  it('scores the right record high and a sibling low', () => {
    expect(validateStructured(csl, TARGET)).toBeGreaterThan(0.95);
    expect(validateStructured(csl, SIBLING)).toBeLessThan(0.76);
    expect(validateStructured({ ...csl, 'container-title': 'Nat' }, TARGET)).toBeGreaterThan(0.9);
  });

  it('rejects journal-issue records and chapters without a first page', () => {
    expect(validateStructured(csl, { ...TARGET, type: 'journal-issue' })).toBe(0);
    const { page: _page, ...noPage } = csl;
    expect(validateStructured(noPage, { ...TARGET, type: 'book-chapter' })).toBe(0);
  });

  it('matches through matchStructured and builds the bibliographic query', () => {
    expect(matchStructured(csl, [SIBLING, TARGET]).doi).toBe('10.1038/nature07205');
    expect(matchStructured(csl, [SIBLING]).doi).toBeNull();
    expect(structuredQuery(csl)).toBe('Mantovani Cancer-related inflammation Nature 2008 454 436');
  });
});

describe('offline evaluation helpers', () => {
  it('calls two records the same work only when no string could tell them apart', () => {
    expect(sameWork(TARGET, { ...TARGET, DOI: 'x', title: ['Cancer-related <i>inflammation</i>'], issue: '07203' })).toBe(true);
    // A review's byline added to the title, same first page.
    expect(sameWork(TARGET, { ...TARGET, DOI: 'x', title: ['Cancer-related inflammation. By A. Mantovani'], page: '436' })).toBe(true);
    expect(sameWork(TARGET, SIBLING)).toBe(false);
    expect(sameWork(TARGET, { ...TARGET, DOI: 'x', issued: { 'date-parts': [[2009]] } })).toBe(false);
    expect(sameWork(TARGET, { ...TARGET, DOI: 'x', page: '437' })).toBe(false);
    // Containment alone, without the same first page, is not enough.
    expect(sameWork(TARGET, { ...TARGET, DOI: 'x', title: ['Cancer-related inflammation and its treatment'], page: undefined })).toBe(false);
    // One article deposited twice, its title written two ways: the same first author on the same page range.
    const review = work({ DOI: '10.1353/ral.2004.0091', title: ['Women and the Amistad Connection--Sierra Leone Krio Society (review)'],
      author: [{ family: 'Kande', given: 'Sylvie' }], volume: '35', page: '180-185', issued: { 'date-parts': [[2004]] } });
    const deposit = { ...review, DOI: '10.2979/ral.2004.35.4.180', author: [{ family: 'Kandé', given: 'Sylvie' }],
      title: ['BOOK REVIEW:Filomina Chioma Steady. WOMEN AND THE AMISTAD CONNECTION?SIERRA LEONE KRIO SOCIETY. Rochester, VT: Schenkman, 2001.'] };
    expect(sameWork(review, deposit)).toBe(true);
    // Not two reviews sharing one page, nor another author's pages.
    expect(sameWork({ ...review, page: '180' }, { ...deposit, page: '180' })).toBe(false);
    expect(sameWork(review, { ...deposit, author: [{ family: 'Steady', given: 'Filomina' }] })).toBe(false);
  });
});

describe('offline evaluation on the committed sample', () => {
  // 302 cases (22 per Crossref artificial style, 60 glutton PMC strings) and 1,596 index records: the gold records,
  // the top hits of each string in the full index (near-duplicates) and random distractors. Measured at the
  // default threshold: P 1.000, R 0.940 (artificial 0.938, glutton 0.950), leave-target-out false links 1.0%.
  const fixture = (name: string): string =>
    readFileSync(join(FIXTURES, name), 'utf8');

  it('keeps precision and recall above their floors', { timeout: 60_000 }, () => {
    const index = buildSimSearch(parseSimRecords(fixture('index-sample.jsonl')));
    const cases = parseCases(fixture('matching-sample.jsonl'));
    const outcomes = runCases(cases, index, { leaveTargetOut: true, minNormalizedScore: SIM_MIN_NORMALIZED_SCORE });
    const all = score(outcomes, DEFAULT_THRESHOLD, true);
    expect(all.n).toBe(302);
    expect(all.precision).toBeGreaterThanOrEqual(0.98);
    expect(all.recall).toBeGreaterThanOrEqual(0.9);
    expect(all.falseLinkRate).toBeLessThanOrEqual(0.04);
    // Every case with a gold DOI and no correct link is given its cause, and no other case.
    for (const o of outcomes) {
      const linked = o.predicted !== null && o.gold.includes(o.predicted) && o.similarity >= DEFAULT_THRESHOLD;
      expect(o.missCause === null, o.id).toBe(o.gold.length === 0 || linked);
    }
    expect(new Set(outcomes.map((o) => o.missCause).filter(Boolean)).size).toBeGreaterThanOrEqual(3);
    const glutton = score(outcomes.filter((o) => o.source === 'glutton-pmc1943'), DEFAULT_THRESHOLD, true);
    expect(glutton.recall).toBeGreaterThanOrEqual(0.88);
    expect(glutton.precision).toBeGreaterThanOrEqual(0.97);
  });
});
