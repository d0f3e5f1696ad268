/** Reading the labelled reference strings (parsing-train.jsonl format) and aligning their spans to parser tokens. */
import { readFileSync } from 'node:fs';
import { LABELS, YEAR } from '../../src/core/parse/features';
import { prepare } from '../../src/core/parse/index';
import { hasUnannotatedScope, type GoldRow } from '../../src/core/parse/metrics';

export interface LabelledRow extends GoldRow {
  id: string;
  source: string;
  split: string;
  raw: string;
  spans: Array<[string, string]>;
}

export function readRows(file: string): LabelledRow[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as LabelledRow);
}

export function fnv1a(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** FNV-1a of the row id: even → "tune" half, odd → "holdout" half. */
export function halfOf(id: string): 'tune' | 'holdout' {
  return fnv1a(id) % 2 === 0 ? 'tune' : 'holdout';
}

/** Development split inside the tune half (a fifth of it), for choosing features without touching the holdout. */
function isTuneDev(id: string): boolean {
  return fnv1a(id) % 2 === 0 && Math.floor(fnv1a(id) / 2) % 5 === 0;
}

export type Half = 'tune' | 'holdout' | 'all' | 'tune-train' | 'tune-dev';

function inHalf(id: string, half: Half): boolean {
  if (half === 'all') return true;
  if (half === 'tune-dev') return isTuneDev(id);
  if (half === 'tune-train') return halfOf(id) === 'tune' && !isTuneDev(id);
  return halfOf(id) === half;
}

export interface RowFilter {
  half?: Half;
  split?: string;
  source?: string;
  limit?: number;
}

export function selectRows(rows: LabelledRow[], f: RowFilter): LabelledRow[] {
  const out = rows.filter(
    (r) =>
      (!f.half || inHalf(r.id, f.half)) &&
      (!f.split || f.split === 'all' || r.split === f.split) &&
      (!f.source || r.source === f.source || r.source.startsWith(f.source)),
  );
  return f.limit ? out.slice(0, f.limit) : out;
}

/** Label of every raw character ('O' outside spans), walking the spans in order and skipping whitespace. */
function charLabels(row: LabelledRow): string[] {
  const labels = new Array<string>(row.raw.length).fill('O');
  let pos = 0;
  for (const [label, text] of row.spans) {
    for (const ch of text) {
      if (/\s/.test(ch)) continue;
      while (pos < row.raw.length && /\s/.test(row.raw[pos]!)) pos++;
      if (pos >= row.raw.length) return labels;
      if (row.raw[pos] !== ch) {
        const found = row.raw.indexOf(ch, pos);
        if (found < 0) return labels;
        pos = found;
      }
      labels[pos++] = label;
    }
  }
  return labels;
}

export interface TrainingSequence {
  feats: string[][];
  edges: string[][];
  gold: number[];
  /** Allowed labels per token when the gold label is only partly known. */
  allowed: Array<readonly number[] | undefined>;
}

const IDX = new Map<string, number>(LABELS.map((l, i) => [l, i]));
const OTHER = IDX.get('other')!;
const SCOPE = ['volume', 'issue', 'pages', 'other'].map((l) => IDX.get(l)!);

export function trainingSequence(row: LabelledRow): TrainingSequence {
  const labels = charLabels(row);
  const { tokens, feats, edges, map } = prepare(row.raw);
  const masked = hasUnannotatedScope(row);
  // GROBID labels the title of a book cited as a whole "container"; CSL (and AnyStyle) call it the title.
  const f = row.fields;
  const monograph =
    row.source.startsWith('grobid') && !f.title && f.container && (f.publisher || f.location) && !f.volume && !f.pages && !f.issue;
  const gold: number[] = [];
  const allowed: Array<readonly number[] | undefined> = [];
  const unlabelled: boolean[] = [];
  tokens.forEach((t, i) => {
    const counts = new Map<string, number>();
    for (let c = t.start; c < t.end; c++) {
      const l = labels[map[c] ?? 0] ?? 'O';
      counts.set(l, (counts.get(l) ?? 0) + 1);
    }
    let label = 'O';
    let top = 0;
    for (const [l, n] of counts) if (n > top) [label, top] = [l, n];
    if (monograph && label === 'container') label = 'title';
    let y = IDX.get(label) ?? OTHER;
    // "17(4)" labelled as one volume span: the bracketed number is the issue.
    if (label === 'volume' && i > 0 && gold[i - 1] === IDX.get('volume') && t.pre.includes('(') && /^\d+$/.test(t.text)) {
      y = IDX.get('issue')!;
    }
    // "vol. 27, no. 3" labelled as one volume span: the number after "no." is the issue.
    if (label === 'volume' && /^\d/.test(t.text) && i > 0 && /^(?:no|nos|nr|n°|issue|iss|heft|h)$/i.test(tokens[i - 1]!.text)) {
      y = IDX.get('issue')!;
    }
    // AnyStyle labels whitespace tokens: "2000;355(9222):" is one volume token, but its year is the date.
    if ((label === 'volume' || label === 'issue' || label === 'pages') && YEAR.test(t.text) && /^\s*[;,]/.test(t.post)) {
      y = IDX.get('date')!;
    }
    gold.push(y);
    unlabelled.push(label === 'O');
    allowed.push(masked && y === OTHER && /\d/.test(t.text) ? SCOPE : undefined);
  });
  // GROBID leaves field cue words ("In", "pp.", "Vol.", "eds") unlabelled where AnyStyle puts them in the field:
  // either reading is accepted.
  unlabelled.forEach((o, i) => {
    if (!o || allowed[i]) return;
    let before = i - 1;
    while (before >= 0 && unlabelled[before]) before--;
    let after = i + 1;
    while (after < gold.length && unlabelled[after]) after++;
    allowed[i] = [...new Set([OTHER, gold[before] ?? OTHER, gold[after] ?? OTHER])];
  });
  return { feats, edges, gold, allowed };
}
