/**
 * Trains the reference labeller (averaged structured perceptron over src/core/parse/features.ts) on the TUNE half
 * of a parsing-train.jsonl file and writes src/core/parse/weights.ts.
 *
 *   npx tsx scripts/lib/eval-parse-train.ts --cases /work/shared/eval/parsing-train.jsonl
 *     [--epochs 30] [--min-count 3] [--top 4000] [--top-edges 120] [--scale 0.25] [--min-weight 2]
 *     [--half tune|tune-train] [--out src/core/parse/weights.ts]
 *
 * Two phases keep the shipped table small without losing much accuracy: train on every feature seen min-count
 * times, keep the `top` emission features (and `top-edges` boundary features) with the widest weight spread, then
 * train again from scratch on those only. Weights are stored as integers (× scale).
 * Tokens whose gold label is only partly known (GROBID rows without volume/page detail) are constrained to the
 * plausible labels, and the best constrained path serves as the gold path (latent perceptron).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  decode,
  emission,
  emptyModel,
  featureName,
  forgetCachedTransitions,
  L,
  type ChainModel,
} from '../../src/core/parse/model';
import { readRows, selectRows, trainingSequence, type TrainingSequence } from './eval-parse-data';

const { values } = parseArgs({
  options: {
    cases: { type: 'string' },
    epochs: { type: 'string', default: '30' },
    'min-count': { type: 'string', default: '3' },
    top: { type: 'string', default: '4000' },
    'top-edges': { type: 'string', default: '120' },
    scale: { type: 'string', default: '0.25' },
    'min-weight': { type: 'string', default: '2' },
    out: { type: 'string', default: 'src/core/parse/weights.ts' },
    /** "tune-train" leaves the tune-dev fifth out, for feature work; shipped weights use the whole tune half. */
    half: { type: 'string', default: 'tune' },
  },
});
if (!values.cases) throw new Error('--cases FILE is required');

if (values.half !== 'tune' && values.half !== 'tune-train') throw new Error('--half must be tune or tune-train');

/** Weights as integers (× scale); entries whose integer is below `minAbs` are dropped. Format: see loadModel. */
function saveModel(model: ChainModel, scale: number, minAbs: number): string {
  const q = (v: number): number => Math.round(v * scale);
  const lines = [[...model.start, ...model.trans].map(q).join(',')];
  const kept = [...model.emit].flatMap(([template, values]) =>
    [...values].map(([value, w]) => [featureName(template, value), w] as const),
  );
  kept.sort((a, b) => (a[0] < b[0] ? -1 : 1));
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

const rows = selectRows(readRows(values.cases), { half: values.half });
const data: TrainingSequence[] = rows.map(trainingSequence).filter((s) => s.feats.length > 0);

const pairs = (f: string[]): string[] => {
  const out: string[] = [];
  for (let k = 0; k < f.length; k += 2) out.push(featureName(f[k]!, f[k + 1]!));
  return out;
};

function restrict(keepEmit: (f: string) => boolean, keepEdge: (f: string) => boolean): void {
  for (const s of data) {
    s.feats = s.feats.map((f) => {
      const kept: string[] = [];
      for (let k = 0; k < f.length; k += 2) if (keepEmit(featureName(f[k]!, f[k + 1]!))) kept.push(f[k]!, f[k + 1]!);
      return kept;
    });
    s.edges = s.edges.map((es) => es.filter(keepEdge));
  }
}

function countAll(pick: (s: TrainingSequence) => string[][]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of data) for (const fs of pick(s)) for (const f of fs) counts.set(f, (counts.get(f) ?? 0) + 1);
  return counts;
}

function train(epochs: number): ChainModel {
  const w = emptyModel();
  // Lazy averaging: acc holds the sum of (step × update); averaged = w - acc / step.
  const acc = emptyModel();
  let step = 1;
  const table = (m: Map<string, Float64Array>, f: string, size: number): Float64Array => {
    let v = m.get(f);
    if (!v) m.set(f, (v = new Float64Array(size)));
    return v;
  };
  const bump = (s: TrainingSequence, path: number[], sign: number): void => {
    for (let i = 0; i < path.length; i++) {
      const y = path[i]!;
      const f = s.feats[i]!;
      for (let k = 0; k < f.length; k += 2) {
        emission(w, f[k]!, f[k + 1]!)[y]! += sign;
        emission(acc, f[k]!, f[k + 1]!)[y]! += sign * step;
      }
      if (i === 0) {
        w.start[y]! += sign;
        acc.start[y]! += sign * step;
        continue;
      }
      const k = path[i - 1]! * L + y;
      w.trans[k]! += sign;
      acc.trans[k]! += sign * step;
      for (const e of s.edges[i] ?? []) {
        table(w.edge, e, L * L)[k]! += sign;
        table(acc.edge, e, L * L)[k]! += sign * step;
      }
    }
  };

  let seed = 12345;
  const random = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  for (let e = 0; e < epochs; e++) {
    const order = data.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let errors = 0;
    let tokens = 0;
    for (const idx of order) {
      const s = data[idx]!;
      const pred = decode(w, s.feats, s.edges);
      const gold = s.allowed.some(Boolean)
        ? decode(w, s.feats, s.edges, s.gold.map((y, i) => s.allowed[i] ?? [y]))
        : s.gold;
      let wrong = 0;
      for (let i = 0; i < gold.length; i++) if (gold[i] !== pred[i]) wrong++;
      if (wrong) {
        bump(s, gold, 1);
        bump(s, pred, -1);
        forgetCachedTransitions(w);
      }
      errors += wrong;
      tokens += gold.length;
      step++;
    }
    console.error(`  epoch ${e + 1}: token error ${(errors / tokens).toFixed(4)} on ${data.length} strings`);
  }

  const avg = emptyModel();
  for (let k = 0; k < L; k++) avg.start[k] = w.start[k]! - acc.start[k]! / step;
  for (let k = 0; k < L * L; k++) avg.trans[k] = w.trans[k]! - acc.trans[k]! / step;
  for (const [f, v] of w.edge) {
    const a = acc.edge.get(f)!;
    avg.edge.set(f, v.map((x, k) => x - a[k]! / step));
  }
  for (const [template, values] of w.emit) {
    for (const [value, v] of values) {
      const a = emission(acc, template, value);
      emission(avg, template, value).set(v.map((x, y) => x - a[y]! / step));
    }
  }
  return avg;
}

const spread = (w: Float64Array): number => Math.max(...w) - Math.min(...w);
const topKeys = (m: Map<string, Float64Array>, k: number): Set<string> =>
  new Set([...m].sort((a, b) => spread(b[1]) - spread(a[1])).slice(0, k).map(([f]) => f));
const flatEmissions = (m: ChainModel): Map<string, Float64Array> =>
  new Map([...m.emit].flatMap(([template, values]) => [...values].map(([value, w]) => [featureName(template, value), w] as const)));

const minCount = Number(values['min-count']);
const emitCounts = countAll((s) => s.feats.map(pairs));
const edgeCounts = countAll((s) => s.edges);
restrict((f) => (emitCounts.get(f) ?? 0) >= minCount, (e) => (edgeCounts.get(e) ?? 0) >= minCount * 3);
const epochs = Number(values.epochs);

console.error('phase 1: all features');
let model = train(epochs);
if (Number(values.top) > 0) {
  const keepEmit = topKeys(flatEmissions(model), Number(values.top));
  const keepEdge = topKeys(model.edge, Number(values['top-edges']));
  restrict((f) => keepEmit.has(f), (e) => keepEdge.has(e));
  console.error(`phase 2: ${keepEmit.size} emission and ${keepEdge.size} boundary features`);
  model = train(epochs);
}

const scale = Number(values.scale);
const serialised = saveModel(model, scale, Number(values['min-weight']));
const file =
  `// Generated by scripts/lib/eval-parse-train.ts from the tune half of parsing-train.jsonl — do not edit.\n` +
  `export const MODEL_SCALE = ${scale};\nexport const MODEL_WEIGHTS =\n  ${JSON.stringify(serialised)};\n`;
writeFileSync(values.out, file);
console.error(`wrote ${values.out}: ${serialised.split('\n').length - 1} feature lines, ${(file.length / 1024).toFixed(1)} KB`);
