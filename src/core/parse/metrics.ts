/**
 * Field-level evaluation of parseReference against labelled strings (parsing-train.jsonl format), shared by
 * scripts/eval-parse.ts and tests/unit/parse.test.ts.
 *
 * Target schema: authors (family names), title, container, year, volume, issue, first page, DOI, PMID.
 * Per field, per reference: gold and prediction both present and equal → TP; both present but different → FP + FN;
 * only gold → FN; only prediction → FP (GROBID convention). Micro P/R/F1 sums TP/FP/FN over the nine fields.
 *  - strict: equal after whitespace normalisation (and trimming of enclosing punctuation/quotes, "In:", "pp.", "Vol.");
 *  - soft: equal after case folding, diacritic folding and removal of everything but letters and digits.
 * Volume spans are read with the parser's volumeAndIssue ("vol. 27, no. 3" → volume 27, issue 3; "2013;124:" →
 * volume 124), the first page is the first designator of the pages span.
 * Multi-valued gold: a title/container/year prediction is correct when it equals any gold value. Authors: all author
 * spans are joined and split into names with the parser's own name splitter; strict = same ordered family list,
 * soft = same set of folded family names. First-author accuracy compares the first family name (soft).
 * Monographs: see alignMonograph (title vs container convention of the two annotation sources).
 * GROBID rows that mark volume/pages only as numeric "other" were annotated without that detail: their
 * volume/issue/pages are skipped (neither credited nor penalised).
 */
import { issuedYear } from '../csl';
import { findDois, idsFromText, normalizePmid } from '../identifiers';
import { familyOf, splitNames } from './names';
import { SCOPE_PREFIX, stripDoiView, volumeAndIssue } from './fields';
import type { ParsedReference } from './index';

export interface GoldRow {
  source?: string;
  fields: Record<string, string[]>;
}

export const FIELDS = ['author', 'title', 'container', 'year', 'volume', 'issue', 'page', 'doi', 'pmid'] as const;
export type Field = (typeof FIELDS)[number];

/** Per field: accepted strict values (any-of) — authors are one value: the ordered family list joined by "|". */
export type Target = Partial<Record<Field, string[]>>;

export function softKey(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

export function cleanText(s: string, field?: 'container'): string {
  let t = s
    .replace(/<[^>]{0,200}>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (field === 'container') t = t.replace(/^(?:in|dans|en|em|in:)\s*:?\s+/i, '');
  t = t.replace(/^[\s.,;:()[\]"'“”‘’«»„]+/, '').replace(/[\s.,;:"'“”‘’«»„]+$/, '');
  // Drop closing brackets the value itself did not open.
  while (/[)\]]$/.test(t) && (t.match(/[([]/g)?.length ?? 0) < (t.match(/[)\]]/g)?.length ?? 0)) {
    t = t.slice(0, -1).replace(/[\s.,;:"'“”‘’«»]+$/, '');
  }
  return t;
}

/** The first volume/issue/page designator of a labelled span: "(Vol. 3, Part A," → "3", "pp. 1761–1800)." → "1761". */
export function scopeToken(s: string): string | undefined {
  let t = s.replace(/<[^>]{0,200}>/g, '').trim().replace(/^[\s(,.;:[]+/, '');
  for (let i = 0; i < 2; i++) t = t.replace(SCOPE_PREFIX, '');
  const m = /^(?:[\p{L}]{0,3}\d+[\p{L}]{0,2}|[ivxlcdm]+\b)/iu.exec(t);
  return m?.[0];
}

export function yearsIn(s: string): string[] {
  return [...s.matchAll(/(?<!\d)(1[5-9]\d\d|20[0-4]\d)(?!\d)/g)].map((m) => m[1]!);
}

export function hasUnannotatedScope(row: GoldRow): boolean {
  const f = row.fields;
  return (
    (row.source ?? '').startsWith('grobid') &&
    !f.volume &&
    !f.pages &&
    !f.issue &&
    (f.other ?? []).some((v) => /^\s*[\dIVXLivxl][\d\s\-–—.,:;()]*$/.test(v))
  );
}

export function goldTarget(row: GoldRow): Target {
  const f = row.fields;
  const t: Target = {};
  if (f.author?.length) {
    const fam = splitNames(f.author.join('; ')).names.map(familyOf).filter(Boolean);
    if (fam.length) t.author = [fam.join('|')];
  }
  const texts = (vals: string[] | undefined, field?: 'container'): string[] | undefined => {
    const out = (vals ?? []).map((v) => cleanText(v, field)).filter(Boolean);
    return out.length ? out : undefined;
  };
  t.title = texts(f.title);
  t.container = texts(f.container, 'container');
  const years = (f.date ?? []).flatMap(yearsIn);
  if (years.length) t.year = [...new Set(years)];
  if (!hasUnannotatedScope(row)) {
    const vol = f.volume?.[0] ? volumeAndIssue(f.volume[0]) : {};
    if (vol.volume) t.volume = [vol.volume];
    const issueFromVolume = vol.issue;
    const issue = f.issue?.[0] ? scopeToken(f.issue[0]) : issueFromVolume;
    if (issue) t.issue = [issue];
    const page = f.pages?.[0] ? scopeToken(f.pages[0]) : undefined;
    if (page) t.page = [page];
  }
  // Identifiers printed anywhere in the string belong to the target, whichever label the annotators gave them.
  const idSpans = [...(f.doi ?? []), ...(f.pmid ?? []), ...(f.url ?? []), ...(f.note ?? []), ...(f.other ?? [])];
  const dois = idSpans
    .flatMap((d) => findDois(d.replace(/\s+/g, '')))
    .map(stripDoiView);
  if (dois.length) t.doi = [...new Set(dois)];
  const pmid = f.pmid?.[0]
    ? normalizePmid(f.pmid[0].replace(/\D+/g, ''))
    : idSpans.map((s) => idsFromText(s).pmid).find(Boolean);
  if (pmid) t.pmid = [pmid];
  for (const k of Object.keys(t) as Field[]) if (!t[k]?.length) delete t[k];
  return t;
}

export function predictedTarget(p: ParsedReference): Target {
  const c = p.csl;
  const t: Target = {};
  const fam = (c.author ?? []).map(familyOf).filter(Boolean);
  if (fam.length) t.author = [fam.join('|')];
  if (c.title) t.title = [cleanText(c.title)];
  if (c['container-title']) t.container = [cleanText(c['container-title'], 'container')];
  const year = issuedYear(c);
  if (year) t.year = [String(year)];
  const vol = c.volume ? scopeToken(c.volume) : undefined;
  if (vol) t.volume = [vol];
  const iss = c.issue ? scopeToken(c.issue) : undefined;
  if (iss) t.issue = [iss];
  const page = c.page ? scopeToken(c.page) : undefined;
  if (page) t.page = [page];
  if (c.DOI) t.doi = [c.DOI.toLowerCase()];
  if (c.PMID) t.pmid = [c.PMID];
  for (const k of Object.keys(t) as Field[]) if (!t[k]?.[0]) delete t[k];
  return t;
}

/**
 * A work cited as a whole (book, thesis, proceedings) has one title: GROBID labels it "container", AnyStyle and CSL
 * "title". When one side has only a title and the other only a container, the prediction is read in the gold's convention.
 */
export function alignMonograph(gold: Target, pred: Target): Target {
  const out = { ...pred };
  if (gold.container && !gold.title && pred.title && !pred.container) {
    out.container = pred.title;
    delete out.title;
  } else if (gold.title && !gold.container && pred.container && !pred.title) {
    out.title = pred.container;
    delete out.container;
  }
  return out;
}

const strictKey = (s: string): string => s.replace(/\s+/g, ' ').trim();

function matches(field: Field, gold: string[], pred: string, soft: boolean): boolean {
  if (field === 'author') {
    const g = gold[0] ?? '';
    if (!soft) return strictKey(g) === strictKey(pred);
    const set = (s: string): string => [...new Set(s.split('|').map(softKey))].sort().join('|');
    return set(g) === set(pred);
  }
  return gold.some((g) => (soft ? softKey(g) === softKey(pred) : strictKey(g) === strictKey(pred)));
}

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

export interface Prf {
  p: number;
  r: number;
  f1: number;
}

export function prf(c: Counts): Prf {
  const p = c.tp + c.fp ? c.tp / (c.tp + c.fp) : 0;
  const r = c.tp + c.fn ? c.tp / (c.tp + c.fn) : 0;
  return { p, r, f1: p + r ? (2 * p * r) / (p + r) : 0 };
}

const zero = (): Counts => ({ tp: 0, fp: 0, fn: 0 });

export interface Accuracy {
  correct: number;
  total: number;
}

/** Accumulates field counts and the matching-relevant accuracies over many references. */
export class ParseScorer {
  n = 0;
  readonly strict = new Map<Field, Counts>(FIELDS.map((f) => [f, zero()]));
  readonly soft = new Map<Field, Counts>(FIELDS.map((f) => [f, zero()]));
  readonly acc = {
    firstAuthor: { correct: 0, total: 0 },
    year: { correct: 0, total: 0 },
    volume: { correct: 0, total: 0 },
    firstPage: { correct: 0, total: 0 },
  };

  add(row: GoldRow, parsed: ParsedReference): void {
    const gold = goldTarget(row);
    const pred = alignMonograph(gold, predictedTarget(parsed));
    const skipScope = hasUnannotatedScope(row);
    this.n++;
    for (const field of FIELDS) {
      if (skipScope && (field === 'volume' || field === 'issue' || field === 'page')) continue;
      const g = gold[field];
      const p = pred[field]?.[0];
      for (const soft of [false, true]) {
        const c = (soft ? this.soft : this.strict).get(field)!;
        if (g && p !== undefined) {
          if (matches(field, g, p, soft)) c.tp++;
          else {
            c.fp++;
            c.fn++;
          }
        } else if (g) c.fn++;
        else if (p !== undefined) c.fp++;
      }
    }
    const first = (s: string | undefined): string => softKey((s ?? '').split('|')[0] ?? '');
    const tally = (a: Accuracy, g: string[] | undefined, ok: boolean): void => {
      if (!g) return;
      a.total++;
      if (ok) a.correct++;
    };
    tally(this.acc.firstAuthor, gold.author, !!pred.author && first(gold.author?.[0]) === first(pred.author[0]));
    tally(this.acc.year, gold.year, !!gold.year && !!pred.year && gold.year.includes(pred.year[0]!));
    tally(this.acc.volume, gold.volume, !!gold.volume && !!pred.volume && matches('volume', gold.volume!, pred.volume[0]!, true));
    tally(this.acc.firstPage, gold.page, !!gold.page && !!pred.page && matches('page', gold.page!, pred.page[0]!, true));
  }

  micro(soft: boolean): Prf {
    const sum = zero();
    for (const c of (soft ? this.soft : this.strict).values()) {
      sum.tp += c.tp;
      sum.fp += c.fp;
      sum.fn += c.fn;
    }
    return prf(sum);
  }

  macroF1(soft: boolean): number {
    const fs = [...(soft ? this.soft : this.strict).values()].filter((c) => c.tp + c.fn > 0).map((c) => prf(c).f1);
    return fs.length ? fs.reduce((a, b) => a + b, 0) / fs.length : 0;
  }
}

export const rate = (a: Accuracy): number => (a.total ? a.correct / a.total : 0);
