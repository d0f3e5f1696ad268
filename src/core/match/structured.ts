/**
 * Validation for references whose fields the page gives in markup (authors, title, journal, year, volume, first
 * page), after Crossref SBMV's structured variant (docs/matching.md §1.1): exact first numbers, fuzzy ratio for
 * titles, ≥1 textual and ≥3 overall supports, no journal-issue records, no chapter without a first page.
 */
import type { CslItem } from '../csl';
import { issuedYear } from '../csl';
import {
  candidateContainer,
  candidateFirstAuthor,
  candidatePage,
  candidateShortContainer,
  candidateTitle,
  candidateVolume,
  candidateYear,
} from './candidate';
import { ratio } from './fuzzy';
import { GenJaccard } from './jaccard';
import { FUZZY_SUPPORT, MIN_SUPPORT } from './validate';
import { normalizeText, numbersIn } from './text';
import type { Candidate } from './types';

/** Crossref's production default for structured references (Java `structuredMinScore`). */
export const DEFAULT_STRUCTURED_THRESHOLD = 0.76;

const JOURNAL_STOP = new Set(['of', 'the', 'and', 'for', 'in', 'on', 'a', 'an', 'de', 'la', 'le', 'des', 'der', 'und', 'fur']);

/** Whether `short` keeps the first letter of `word` and the rest of its letters in order ("natl" ⊑ "national"). */
function abbreviates(short: string, word: string): boolean {
  if (short[0] !== word[0]) return false;
  let i = 1;
  for (let j = 1; j < word.length && i < short.length; j++) if (word[j] === short[i]) i++;
  return i === short.length;
}

/**
 * Whether `abbrev` is an ISO-4/NLM-style abbreviation of `full` ("J Clin Oncol" ↔ "Journal of Clinical Oncology",
 * "Proc Natl Acad Sci" ↔ "Proceedings of the National Academy of Sciences"): word for word, stop words skipped.
 * Avoids shipping an abbreviation list in the extension.
 */
export function isJournalAbbreviation(abbrev: string, full: string): boolean {
  const a = normalizeText(abbrev).split(' ').filter((w) => w && !JOURNAL_STOP.has(w));
  const f = normalizeText(full).split(' ').filter((w) => w && !JOURNAL_STOP.has(w));
  if (a.length === 0 || a.length !== f.length) return false;
  return a.every((w, i) => abbreviates(w, f[i]!));
}

/** Journal-title similarity: fuzzy ratio against full and short titles, 1 for a matching abbreviation. */
export function journalSimilarity(refJournal: string, cand: Candidate): number {
  let best = 0;
  const r = normalizeText(refJournal);
  for (const name of [candidateContainer(cand), candidateShortContainer(cand)]) {
    if (!name) continue;
    const n = normalizeText(name);
    best = Math.max(best, ratio(r, n));
    if (isJournalAbbreviation(refJournal, name) || isJournalAbbreviation(name, refJournal)) best = 1;
  }
  return best;
}

function firstNumber(s: string | number | undefined): string | undefined {
  if (s === undefined) return undefined;
  const n = numbersIn(String(s))[0];
  return n === undefined ? undefined : n.replace(/^0+(?=\d)/, '');
}

/** Exact comparison of the first number of a field; 0.5 on the candidate side when either side has none (SBMV). */
function compareNumber(sim: GenJaccard, key: string, candValue: string | undefined, refValue: string | undefined): void {
  const c = firstNumber(candValue);
  const r = firstNumber(refValue);
  if (c !== undefined && r !== undefined) sim.set(key, 1, c === r ? 1 : 0);
  else sim.set(key, 0.5, 0);
}

function firstAuthorFamily(csl: Partial<CslItem>): string | undefined {
  const a = csl.author?.[0] ?? csl.editor?.[0];
  return a?.family ?? a?.literal;
}

/** Similarity in [0,1] of a candidate for structured reference fields (0 = rejected). */
export function validateStructured(csl: Partial<CslItem>, cand: Candidate): number {
  const sim = new GenJaccard();
  const refYear = issuedYear(csl);
  const candYear = candidateYear(cand);

  if (csl.volume) compareNumber(sim, 'volume', candidateVolume(cand), csl.volume);
  if (refYear !== undefined) {
    compareNumber(sim, 'year', candYear === undefined ? undefined : String(candYear), String(refYear));
    if (candYear !== undefined && Math.abs(candYear - refYear) === 1) sim.set('year', 1, 0.5);
  }
  if (csl.page) compareNumber(sim, 'page', candidatePage(cand), csl.page);
  if (csl.title) sim.set('title', 1, ratio(normalizeText(candidateTitle(cand) ?? ''), normalizeText(csl.title)));
  const journal = csl['container-title'] ?? csl['container-title-short'];
  if (journal) sim.set('ctitle', 1, journalSimilarity(journal, cand));
  const refAuthor = firstAuthorFamily(csl);
  if (refAuthor) {
    const candAuthor = candidateFirstAuthor(cand);
    sim.set('author', 1, candAuthor ? ratio(normalizeText(candAuthor), normalizeText(refAuthor)) : 0);
  }

  const agrees = (key: string, min: number): boolean => (sim.get(key)?.[1] ?? 0) > min;
  const textual = ['title', 'ctitle', 'author'].filter((k) => agrees(k, FUZZY_SUPPORT)).length;
  const numeric = ['year', 'volume', 'page'].filter((k) => agrees(k, 0)).length;
  if (textual < 1 || textual + numeric < MIN_SUPPORT) return 0;
  if (cand.type === 'journal-issue') return 0;
  if (cand.type === 'book-chapter' && !csl.page) return 0;
  return sim.similarity();
}

/** The `query.bibliographic` string for structured fields: author, title, journal, year, volume, issue, first page. */
export function structuredQuery(csl: Partial<CslItem>): string {
  const year = issuedYear(csl);
  return [
    firstAuthorFamily(csl),
    csl.title,
    csl['container-title'] ?? csl['container-title-short'],
    year === undefined ? undefined : String(year),
    csl.volume,
    csl.issue,
    firstNumber(csl.page),
  ]
    .filter((v): v is string => typeof v === 'string' && v.trim() !== '')
    .join(' ');
}
