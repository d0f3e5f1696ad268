/** Accessors over Crossref-shaped candidates (fields may be missing, empty or oddly typed in real responses). */
import type { Candidate, CandidateName } from './types';

function firstString(v: unknown): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  if (typeof s === 'number') return String(s);
  if (typeof s !== 'string') return undefined;
  const t = s.replace(/<[^>]+>/g, ' ').trim(); // Crossref titles can carry JATS/HTML markup (<i>, <sub>)
  return t === '' ? undefined : t;
}

export function candidateTitle(c: Candidate): string | undefined {
  return firstString(c.title);
}

export function candidateContainer(c: Candidate): string | undefined {
  return firstString(c['container-title']);
}

export function candidateShortContainer(c: Candidate): string | undefined {
  return firstString(c['short-container-title']);
}

export function candidateYear(c: Candidate): number | undefined {
  const y = c.issued?.['date-parts']?.[0]?.[0];
  const n = typeof y === 'string' ? Number.parseInt(y, 10) : y;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
}

export function candidateVolume(c: Candidate): string | undefined {
  return firstString(c.volume);
}

export function candidateIssue(c: Candidate): string | undefined {
  return firstString(c.issue);
}

/** `page`, or `article-number` for e-only articles that have no page. */
export function candidatePage(c: Candidate): string | undefined {
  return firstString(c.page) ?? firstString(c['article-number']);
}

export function nameFamily(n: CandidateName | undefined): string | undefined {
  if (!n) return undefined;
  return firstString(n.family) ?? firstString(n.literal) ?? firstString(n.name);
}

/** Family name of the first author, or of the first editor when there are no authors (edited books). */
export function candidateFirstAuthor(c: Candidate): string | undefined {
  return nameFamily(c.author?.[0]) ?? nameFamily(c.editor?.[0]);
}

/** The authors, or the editors when there are none (edited books). */
export function candidateNames(c: Candidate): CandidateName[] {
  return c.author && c.author.length > 0 ? c.author : (c.editor ?? []);
}

export function candidateAuthorFamilies(c: Candidate): string[] {
  return candidateNames(c).map(nameFamily).filter((f): f is string => f !== undefined);
}
