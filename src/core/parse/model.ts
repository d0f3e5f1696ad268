import { LABELS } from './features';

/**
 * A linear-chain model: per-feature label scores, label-to-label transition scores, start scores, and transition
 * scores conditioned on what separates two tokens (a field change is likely at ". " and unlikely at a space).
 */
export interface ChainModel {
  /** template → value → per-label scores (see featurize). */
  emit: Map<string, Map<string, Float64Array>>;
  trans: Float64Array;
  start: Float64Array;
  /** Per boundary feature: L×L transition scores. */
  edge: Map<string, Float64Array>;
}

export const L = LABELS.length;

export const featureName = (template: string, value: string): string => (value ? `${template}:${value}` : template);

/** The score vector of a feature, created (zero) when missing. */
export function emission(model: ChainModel, template: string, value: string): Float64Array {
  let values = model.emit.get(template);
  if (!values) model.emit.set(template, (values = new Map()));
  let w = values.get(value);
  if (!w) values.set(value, (w = new Float64Array(L)));
  return w;
}

export function emptyModel(): ChainModel {
  return { emit: new Map(), trans: new Float64Array(L * L), start: new Float64Array(L), edge: new Map() };
}

const transitionCache = new WeakMap<ChainModel, Map<string, Float64Array>>();

/** Must be called after changing a model's weights (training). */
export function forgetCachedTransitions(model: ChainModel): void {
  transitionCache.delete(model);
}

/** Base transitions plus those of the boundary's features; few distinct boundaries occur, so results are cached. */
function transitionsFor(model: ChainModel, features: string[]): Float64Array {
  let cache = transitionCache.get(model);
  if (!cache) transitionCache.set(model, (cache = new Map()));
  const key = features.join('\u0001');
  let trans = cache.get(key);
  if (!trans) {
    trans = Float64Array.from(model.trans);
    for (const e of features) {
      const w = model.edge.get(e);
      if (w) for (let k = 0; k < L * L; k++) trans[k]! += w[k]!;
    }
    // Bounded: boundary features come from a small alphabet, but hostile text could vary them.
    if (cache.size > 5000) cache.clear();
    cache.set(key, trans);
  }
  return trans;
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
    const f = feats[i]!;
    for (let k = 0; k < f.length; k += 2) {
      const w = model.emit.get(f[k]!)?.get(f[k + 1]!);
      if (!w) continue;
      for (let y = 0; y < L; y++) score[i * L + y]! += w[y]!;
    }
    const only = allowed?.[i];
    if (only) for (let y = 0; y < L; y++) if (!only.includes(y)) score[i * L + y] = -1e9;
  }
  const best = new Float64Array(n * L);
  const back = new Int32Array(n * L);
  for (let y = 0; y < L; y++) best[y] = model.start[y]! + score[y]!;
  for (let i = 1; i < n; i++) {
    const trans = transitionsFor(model, edges[i] ?? []);
    const prev = (i - 1) * L;
    for (let y = 0; y < L; y++) {
      let top = -Infinity;
      let arg = 0;
      for (let x = 0; x < L; x++) {
        const s = best[prev + x]! + trans[x * L + y]!;
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

/** Reads "<index or label letter><integer>" entries without regular expressions (loading stays in the millisecond range). */
function readEntries(line: string, from: number, into: Float64Array, scale: number, lettered: boolean): void {
  let i = from;
  while (i < line.length) {
    let index = 0;
    if (lettered) index = line.charCodeAt(i++) - 97;
    else {
      while (i < line.length && line[i] !== ':') index = index * 10 + line.charCodeAt(i++) - 48;
      i++;
    }
    let sign = 1;
    if (line[i] === '-') {
      sign = -1;
      i++;
    }
    let value = 0;
    for (let c = line.charCodeAt(i); c >= 48 && c <= 57; c = line.charCodeAt(++i)) value = value * 10 + c - 48;
    if (line[i] === ',') i++;
    if (index >= 0 && index < into.length) into[index] = (sign * value) / scale;
  }
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
      readEntries(line, tab + 1, e, scale, false);
      model.edge.set(line.slice(1, tab), e);
      continue;
    }
    const key = line.slice(0, tab);
    const colon = key.indexOf(':');
    readEntries(line, tab + 1, emission(model, colon < 0 ? key : key.slice(0, colon), colon < 0 ? '' : key.slice(colon + 1)), scale, true);
  }
  return model;
}
