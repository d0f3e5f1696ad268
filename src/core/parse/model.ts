import { LABELS } from './features';

/**
 * A linear-chain model: per-feature label scores, label-to-label transition scores, start scores, and transition
 * scores conditioned on what separates two tokens (a field change is likely at ". " and unlikely at a space).
 */
export interface ChainModel {
  emit: Map<string, Float64Array>;
  trans: Float64Array;
  start: Float64Array;
  /** Per boundary feature: L×L transition scores. */
  edge: Map<string, Float64Array>;
}

export const L = LABELS.length;

export function emptyModel(): ChainModel {
  return { emit: new Map(), trans: new Float64Array(L * L), start: new Float64Array(L), edge: new Map() };
}

/**
 * Best label sequence (Viterbi). `allowed[i]`, when given, restricts token i to those labels
 * (used in training for tokens whose gold label is only partly known).
 */
export function decode(
  model: ChainModel,
  feats: string[][],
  edges: string[][],
  allowed?: Array<readonly number[] | undefined>,
): number[] {
  const n = feats.length;
  if (n === 0) return [];
  const score = new Float64Array(n * L);
  for (let i = 0; i < n; i++) {
    for (const f of feats[i]!) {
      const w = model.emit.get(f);
      if (!w) continue;
      for (let y = 0; y < L; y++) score[i * L + y]! += w[y]!;
    }
    const only = allowed?.[i];
    if (only) for (let y = 0; y < L; y++) if (!only.includes(y)) score[i * L + y] = -1e9;
  }
  const best = new Float64Array(n * L);
  const back = new Int32Array(n * L);
  for (let y = 0; y < L; y++) best[y] = model.start[y]! + score[y]!;
  const trans = new Float64Array(L * L);
  for (let i = 1; i < n; i++) {
    trans.set(model.trans);
    for (const e of edges[i] ?? []) {
      const w = model.edge.get(e);
      if (w) for (let k = 0; k < L * L; k++) trans[k]! += w[k]!;
    }
    for (let y = 0; y < L; y++) {
      let top = -Infinity;
      let arg = 0;
      for (let x = 0; x < L; x++) {
        const s = best[(i - 1) * L + x]! + trans[x * L + y]!;
        if (s > top) {
          top = s;
          arg = x;
        }
      }
      best[i * L + y] = top + score[i * L + y]!;
      back[i * L + y] = arg;
    }
  }
  const path = new Array<number>(n);
  let top = -Infinity;
  for (let y = 0; y < L; y++) {
    const s = best[(n - 1) * L + y]!;
    if (s > top) {
      top = s;
      path[n - 1] = y;
    }
  }
  for (let i = n - 1; i > 0; i--) path[i - 1] = back[i * L + path[i]!]!;
  return path;
}

/*
 * Serialised form (written by scripts/lib/eval-parse-train.ts): line 1 = start and transition integers,
 * then one line per feature: "<feature>\t<label letter><integer>…" with only non-zero labels listed,
 * and one line per boundary feature: "~<feature>\t<index>:<integer>,…" (index = from × L + to).
 */
export function loadModel(serialised: string, scale: number): ChainModel {
  const model = emptyModel();
  const lines = serialised.split('\n');
  const head = (lines[0] ?? '').split(',').map(Number);
  for (let y = 0; y < L; y++) model.start[y] = (head[y] ?? 0) / scale;
  for (let k = 0; k < L * L; k++) model.trans[k] = (head[L + k] ?? 0) / scale;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const tab = line.lastIndexOf('\t');
    if (tab < 0) continue;
    if (line.startsWith('~')) {
      const e = new Float64Array(L * L);
      for (const m of line.slice(tab + 1).matchAll(/(\d+):(-?\d+)/g)) e[Number(m[1])] = Number(m[2]) / scale;
      model.edge.set(line.slice(1, tab), e);
      continue;
    }
    const w = new Float64Array(L);
    for (const m of line.slice(tab + 1).matchAll(/([a-z])(-?\d+)/g)) w[m[1]!.charCodeAt(0) - 97] = Number(m[2]) / scale;
    model.emit.set(line.slice(0, tab), w);
  }
  return model;
}

/** Keeps the `top` emission features with the largest weight spread; entries below `minAbs` (scaled) are dropped. */
export function saveModel(model: ChainModel, scale: number, minAbs: number, top = Infinity): string {
  const q = (v: number): number => Math.round(v * scale);
  const lines = [[...model.start, ...model.trans].map(q).join(',')];
  const spread = (w: Float64Array): number => Math.max(...w) - Math.min(...w);
  const kept = [...model.emit].sort((a, b) => spread(b[1]) - spread(a[1])).slice(0, top);
  for (const [f, w] of kept) {
    let entries = '';
    for (let y = 0; y < L; y++) {
      const v = q(w[y]!);
      if (Math.abs(v) >= minAbs) entries += String.fromCharCode(97 + y) + v;
    }
    if (entries && !f.includes('\n') && !f.includes('\t')) lines.push(`${f}\t${entries}`);
  }
  for (const [f, w] of model.edge) {
    const entries: string[] = [];
    w.forEach((v, k) => {
      if (Math.abs(q(v)) >= minAbs) entries.push(`${k}:${q(v)}`);
    });
    if (entries.length && !f.includes('\n') && !f.includes('\t')) lines.push(`~${f}\t${entries.join(',')}`);
  }
  return lines.join('\n');
}
