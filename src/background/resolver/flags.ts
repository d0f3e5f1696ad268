/**
 * Retraction, correction and expression-of-concern flags for a cited work, from Crossref `updated-by`, Europe PMC
 * publication types and comment/corrections, and OpenAlex `is_retracted`. Only notices ABOUT the work count:
 * Crossref `update-to` and Europe PMC "Retraction of" / "Erratum for" mean the work IS a notice, which is not
 * itself retracted or corrected. One flag per kind, the first that links to its notice (Crossref before Europe PMC
 * before OpenAlex).
 */
import { doiUrl, normalizeDoi, pubmedUrl } from '../../core/identifiers';
import type { Flag, FlagKind } from '../../core/reference';
import { safeHttpUrl } from '../../core/url';
import type { CrossrefUpdate, CrossrefWork } from '../services/crossref';
import type { EuropePmcRecord } from '../services/europepmc';
import type { OpenAlexWork } from '../services/openalex';

export interface FlagSources {
  crossref?: CrossrefWork;
  europepmc?: EuropePmcRecord;
  openalex?: OpenAlexWork;
}

const KIND_ORDER: FlagKind[] = ['retracted', 'expression-of-concern', 'correction'];

/** Crossref/Crossmark update types (Retraction Watch entries use the same names). */
const CROSSREF_TYPES: Record<string, { kind: FlagKind; label: string }> = {
  retraction: { kind: 'retracted', label: 'Retracted' },
  partial_retraction: { kind: 'retracted', label: 'Partially retracted' },
  withdrawal: { kind: 'retracted', label: 'Withdrawn' },
  removal: { kind: 'retracted', label: 'Removed' },
  expression_of_concern: { kind: 'expression-of-concern', label: 'Expression of concern' },
  correction: { kind: 'correction', label: 'Correction' },
  corrigendum: { kind: 'correction', label: 'Correction' },
  erratum: { kind: 'correction', label: 'Correction' },
};

/** PubMed CommentsCorrections types pointing from the work to a later notice. */
const EUROPE_PMC_TYPES: Record<string, { kind: FlagKind; label: string }> = {
  'retraction in': { kind: 'retracted', label: 'Retracted' },
  'partial retraction in': { kind: 'retracted', label: 'Partially retracted' },
  'expression of concern in': { kind: 'expression-of-concern', label: 'Expression of concern' },
  'erratum in': { kind: 'correction', label: 'Correction' },
  'corrected and republished in': { kind: 'correction', label: 'Corrected and republished' },
};

export function flagsFor(sources: FlagSources): Flag[] {
  const found: Flag[] = [];
  if (sources.crossref) found.push(...crossrefFlags(sources.crossref));
  if (sources.europepmc) found.push(...europePmcFlags(sources.europepmc));
  if (sources.openalex?.isRetracted) found.push({ kind: 'retracted', label: 'Retracted' });

  const out: Flag[] = [];
  for (const kind of KIND_ORDER) {
    const ofKind = found.filter((f) => f.kind === kind);
    const chosen = ofKind.find((f) => f.url) ?? ofKind[0];
    if (chosen) out.push(chosen);
  }
  return out;
}

function crossrefFlags(work: CrossrefWork): Flag[] {
  const self = normalizeDoi(work.DOI);
  return (work['updated-by'] ?? []).flatMap((u) => {
    const known = CROSSREF_TYPES[u.type?.trim().toLowerCase().replace(/[\s-]+/g, '_') ?? ''];
    if (!known) return [];
    const flag: Flag = { kind: known.kind, label: withYear(known.label, u) };
    const notice = typeof u.DOI === 'string' ? normalizeDoi(u.DOI) : undefined;
    // Some database-sourced entries repeat the work's own DOI: that is no link to a notice.
    const url = notice && notice !== self ? safeHttpUrl(doiUrl(notice)) : undefined;
    if (url) flag.url = url;
    return [flag];
  });
}

function withYear(label: string, u: CrossrefUpdate): string {
  const year = u.updated?.['date-parts']?.[0]?.[0];
  return typeof year === 'number' && year > 1000 ? `${label} (${year})` : label;
}

function europePmcFlags(record: EuropePmcRecord): Flag[] {
  const flags: Flag[] = [];
  for (const c of record.commentCorrections) {
    const known = EUROPE_PMC_TYPES[c.type.trim().toLowerCase()];
    if (!known) continue;
    const flag: Flag = { kind: known.kind, label: known.label };
    const url = noticeUrl(c.source, c.id);
    if (url) flag.url = url;
    flags.push(flag);
  }
  if (record.pubTypes.some((t) => t.trim().toLowerCase() === 'retracted publication')) {
    flags.push({ kind: 'retracted', label: 'Retracted' });
  }
  return flags;
}

/** MEDLINE ids open on PubMed; other Europe PMC sources (PMC, PPR, AGR...) on Europe PMC's article page. */
function noticeUrl(source: string | undefined, id: string | undefined): string | undefined {
  if (!id || !/^[A-Za-z0-9]+$/.test(id)) return undefined;
  if (!source || source.toUpperCase() === 'MED') return /^\d+$/.test(id) ? pubmedUrl(id) : undefined;
  if (!/^[A-Za-z]+$/.test(source)) return undefined;
  return safeHttpUrl(`https://europepmc.org/article/${source.toUpperCase()}/${id}`);
}
