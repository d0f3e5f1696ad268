/**
 * Pure conversions and checks between what services return and what RefLens shows:
 * Crossref works and PubMed summaries to CSL, and the confirmation of an ECitMatch PMID against the reference.
 */
import type { CslItem, CslName, CslType } from '../../core/csl';
import { issuedYear } from '../../core/csl';
import { normalizeTitle } from '../../core/identifiers';
import { ratio } from '../../core/match';
import type { CrossrefWork } from '../services/crossref';
import type { PubmedSummary } from '../services/ncbi';

const CROSSREF_TYPES: Record<string, CslType> = {
  'journal-article': 'article-journal',
  'book-chapter': 'chapter',
  book: 'book',
  monograph: 'book',
  'edited-book': 'book',
  'proceedings-article': 'paper-conference',
  'posted-content': 'article',
  report: 'report',
  dissertation: 'thesis',
  dataset: 'dataset',
};

/** Crossref metadata as CSL, keeping the page's id and anything Crossref lacks. */
export function cslFromCrossref(work: CrossrefWork, base: CslItem): CslItem {
  const out: CslItem = { ...base, DOI: work.DOI.toLowerCase() };
  delete out._etAl; // Crossref lists every author
  const type = work.type ? CROSSREF_TYPES[work.type] : undefined;
  if (type) out.type = type;
  const title = [work.title?.[0], work.subtitle?.[0]].filter(Boolean).join(': ');
  if (title) out.title = title;
  if (work['container-title']?.[0]) out['container-title'] = work['container-title'][0];
  if (work['short-container-title']?.[0]) out['container-title-short'] = work['short-container-title'][0];
  const authors: CslName[] = (work.author ?? [])
    .map((a): CslName => (a.family ? { family: a.family, ...(a.given ? { given: a.given } : {}) } : { literal: a.name ?? '' }))
    .filter((a) => a.family || a.literal);
  if (authors.length) out.author = authors;
  else if (base._etAl) out._etAl = true;
  const parts = (work.issued ?? work.published)?.['date-parts']?.[0]?.filter((p): p is number => typeof p === 'number');
  if (parts?.length) out.issued = { 'date-parts': [parts] };
  for (const k of ['volume', 'issue', 'page', 'publisher'] as const) if (work[k]) out[k] = work[k];
  if (!work.page && work['article-number']) out.number = work['article-number'];
  return out;
}

/** "Nicholas SE" → { family: "Nicholas", given: "S.E." }. */
export function pubmedName(name: string): CslName {
  const m = /^(.*\S)\s+([A-Z]{1,4})$/.exec(name.trim());
  if (!m) return { literal: name.trim() };
  return { family: m[1]!, given: m[2]!.split('').map((c) => `${c}.`).join('') };
}

/** PubMed metadata as CSL (used when a work has a PMID but no DOI). */
export function cslFromPubmed(s: PubmedSummary, base: CslItem): CslItem {
  const out: CslItem = { ...base, PMID: s.pmid };
  if (s.title) out.title = s.title.replace(/\.$/, '');
  if (s.fulljournalname) out['container-title'] = s.fulljournalname;
  if (s.source) out['container-title-short'] = s.source;
  if (s.authors.length) {
    out.author = s.authors.map(pubmedName);
    delete out._etAl;
  }
  if (s.year) out.issued = { 'date-parts': [[s.year]] };
  for (const k of ['volume', 'issue'] as const) if (s[k]) out[k] = s[k];
  if (s.pages) out.page = s.pages;
  if (s.doi) out.DOI = s.doi.toLowerCase();
  if (s.pmcid) out.PMCID = s.pmcid;
  return out;
}

const fold = (s: string | undefined) => normalizeTitle(s ?? '').replace(/\s+/g, '');

/**
 * Confidence that a PubMed summary is the work the reference describes, or 0. ECitMatch can answer a wrong PMID
 * silently, so a PMID is kept only when first author and year agree and, where the page gives a title, the title too.
 */
export function confirmPubmed(s: PubmedSummary, ref: Partial<CslItem>): number {
  const refFamily = fold(ref.author?.[0]?.family ?? ref.author?.[0]?.literal);
  const pmFamily = fold(s.authors[0] ? pubmedName(s.authors[0]).family ?? s.authors[0] : '');
  const authorOk = refFamily !== '' && pmFamily !== '' && (refFamily === pmFamily || ratio(refFamily, pmFamily) >= 0.85);
  const refYear = issuedYear(ref);
  const yearOk = refYear !== undefined && s.year !== undefined && Math.abs(refYear - s.year) <= 1;
  if (!authorOk || !yearOk) return 0;
  const refTitle = normalizeTitle(ref.title ?? '');
  if (!refTitle) return refYear === s.year ? 0.9 : 0.85;
  const sim = ratio(refTitle, normalizeTitle(s.title));
  if (sim < 0.75) return 0;
  return Math.min(0.99, 0.9 + (sim - 0.75) * 0.4 - (refYear === s.year ? 0 : 0.03));
}
