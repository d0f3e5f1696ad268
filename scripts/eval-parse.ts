/**
 * Field-level evaluation of the reference parser on labelled strings (parsing-train.jsonl format).
 *
 *   npx tsx scripts/eval-parse.ts --cases FILE [--half tune|holdout|all|tune-dev] [--split train/dev|extra|extra-hard|all]
 *     [--source grobid-corpus|anystyle-core|…] [--limit N] [--show-errors FIELD]
 *
 * Halves are fixed by a hash of the row id (scripts/lib/eval-parse-data.ts); the shipped weights are trained on
 * "tune" only. Metric definitions: src/core/parse/metrics.ts. The last line is one JSON object.
 */
import { parseArgs } from 'node:util';
import { parseReference, type ParsedReference } from '../src/core/parse/index';
import {
  alignMonograph,
  FIELDS,
  goldTarget,
  hasUnannotatedScope,
  ParseScorer,
  predictedTarget,
  prf,
  rate,
  type Field,
} from '../src/core/parse/metrics';
import { readRows, selectRows, type Half } from './lib/eval-parse-data';

const { values } = parseArgs({
  options: {
    cases: { type: 'string' },
    half: { type: 'string', default: 'all' },
    split: { type: 'string', default: 'all' },
    source: { type: 'string' },
    limit: { type: 'string' },
    'show-errors': { type: 'string' },
  },
});
if (!values.cases) {
  console.error('usage: npx tsx scripts/eval-parse.ts --cases FILE [--half tune|holdout|all] [--split S] [--source X] [--limit N]');
  process.exit(2);
}
const half = values.half as Half;
if (!['tune', 'holdout', 'all', 'tune-train', 'tune-dev'].includes(half)) throw new Error('--half must be tune, holdout or all');

const rows = selectRows(readRows(values.cases), {
  half,
  split: values.split,
  source: values.source,
  limit: values.limit ? Number(values.limit) : undefined,
});

const started = performance.now();
const parsed: ParsedReference[] = rows.map((r) => parseReference(r.raw));
const seconds = (performance.now() - started) / 1000;

const total = new ParseScorer();
const bySource = new Map<string, ParseScorer>();
const showField = values['show-errors'] as Field | undefined;
let shown = 0;
rows.forEach((row, i) => {
  const p = parsed[i]!;
  total.add(row, p);
  if (!bySource.has(row.source)) bySource.set(row.source, new ParseScorer());
  bySource.get(row.source)!.add(row, p);
  const masked = hasUnannotatedScope(row) && (showField === 'volume' || showField === 'issue' || showField === 'page');
  if (showField && shown < 40 && !masked) {
    const g = goldTarget(row)[showField];
    const q = alignMonograph(goldTarget(row), predictedTarget(p))[showField]?.[0];
    const same = (a: string | undefined, b: string[] | undefined) => (a ?? '') === (b?.join(' || ') ?? '');
    if ((g || q) && !same(q, g)) {
      shown++;
      console.log(`--- ${row.id}\n  raw:  ${row.raw}\n  gold: ${g?.join(' || ')}\n  pred: ${q}\n  segs: ${JSON.stringify(p.segments)}`);
    }
  }
});

const pct = (x: number): string => (100 * x).toFixed(1).padStart(5);
console.log(`reference parser — ${values.cases} half=${half} split=${values.split}${values.source ? ` source=${values.source}` : ''}: ${rows.length} strings`);
console.log('field        strict P     R    F1 |  soft P     R    F1 | gold n');
for (const f of FIELDS) {
  const s = prf(total.strict.get(f)!);
  const o = prf(total.soft.get(f)!);
  const c = total.soft.get(f)!;
  console.log(
    `${f.padEnd(12)} ${pct(s.p)} ${pct(s.r)} ${pct(s.f1)} | ${pct(o.p)} ${pct(o.r)} ${pct(o.f1)} | ${c.tp + c.fn}`,
  );
}
const ms = total.micro(false);
const mo = total.micro(true);
console.log(`${'micro'.padEnd(12)} ${pct(ms.p)} ${pct(ms.r)} ${pct(ms.f1)} | ${pct(mo.p)} ${pct(mo.r)} ${pct(mo.f1)}`);
console.log(`${'macro F1'.padEnd(12)} ${' '.repeat(12)}${pct(total.macroF1(false))} | ${' '.repeat(12)}${pct(total.macroF1(true))}`);
const a = total.acc;
console.log(
  `accuracy: first author ${pct(rate(a.firstAuthor))} (n=${a.firstAuthor.total}), year ${pct(rate(a.year))} (n=${a.year.total}), ` +
    `volume ${pct(rate(a.volume))} (n=${a.volume.total}), first page ${pct(rate(a.firstPage))} (n=${a.firstPage.total})`,
);
console.log('source              n   soft F1 strict F1  1st author  year  volume  1st page');
for (const [source, s] of [...bySource].sort()) {
  console.log(
    `${source.padEnd(16)} ${String(s.n).padStart(5)}   ${pct(s.micro(true).f1)}     ${pct(s.micro(false).f1)}      ${pct(rate(s.acc.firstAuthor))}  ${pct(rate(s.acc.year))}   ${pct(rate(s.acc.volume))}     ${pct(rate(s.acc.firstPage))}`,
  );
}
const throughput = seconds > 0 ? rows.length / seconds : 0;
console.log(`throughput: ${Math.round(throughput)} strings/s (${seconds.toFixed(2)} s)`);
const round = (x: number): number => Math.round(x * 10000) / 10000;
console.log(
  JSON.stringify({
    n: rows.length,
    fieldF1Soft: round(mo.f1),
    fieldF1Strict: round(ms.f1),
    firstAuthorAcc: round(rate(a.firstAuthor)),
    yearAcc: round(rate(a.year)),
    volumeAcc: round(rate(a.volume)),
    firstPageAcc: round(rate(a.firstPage)),
    macroF1Soft: round(total.macroF1(true)),
    stringsPerSecond: Math.round(throughput),
    half,
  }),
);
