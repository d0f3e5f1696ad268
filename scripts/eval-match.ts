/**
 * Offline matching evaluation (docs/matching.md §4b).
 *   npx tsx scripts/eval-match.ts --cases FILE --index FILE [--leave-target-out] [--limit N] [--split S]
 *     [--half tune|holdout] [--threshold X] [--sweep] [--dump FILE]
 * Prints P/R/F1 overall, per source and per style, leave-target-out false-link rate, misses by cause, throughput; the
 * last line is one JSON object with the headline figures.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { DEFAULT_THRESHOLD } from '../src/core/match/index.ts';
import {
  groupBy,
  halfOf,
  parseCases,
  runCases,
  sampleKey,
  score,
  type CaseOutcome,
  type Half,
  type Metrics,
} from './lib/eval-match-core.ts';
import { buildSimSearch, parseSimRecords, SIM_MIN_NORMALIZED_SCORE, SIM_SCORE_SCALE } from './lib/sim-search.ts';

interface Args {
  cases: string;
  index: string;
  leaveTargetOut: boolean;
  limit?: number;
  split?: string;
  half?: Half;
  threshold: number;
  sweep: boolean;
  dump?: string;
  tuning?: Record<string, unknown>;
  useScore: boolean;
}

function usage(msg: string): never {
  console.error(`${msg}\nusage: npx tsx scripts/eval-match.ts --cases FILE --index FILE [--leave-target-out] ` +
    '[--limit N] [--split tune|test] [--half tune|holdout] [--threshold X] [--sweep] [--dump FILE] ' +
    '[--use-score] [--tuning JSON]');
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const out: Partial<Args> = { useScore: false, leaveTargetOut: false, threshold: DEFAULT_THRESHOLD, sweep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => argv[++i] ?? usage(`missing value for ${a}`);
    switch (a) {
      case '--cases': out.cases = value(); break;
      case '--index': out.index = value(); break;
      case '--leave-target-out': out.leaveTargetOut = true; break;
      case '--limit': out.limit = Number.parseInt(value(), 10); break;
      case '--split': out.split = value(); break;
      case '--half': {
        const h = value();
        if (h !== 'tune' && h !== 'holdout') usage('--half must be tune or holdout');
        out.half = h;
        break;
      }
      case '--threshold': out.threshold = Number.parseFloat(value()); break;
      case '--sweep': out.sweep = true; break;
      case '--dump': out.dump = value(); break;
      case '--tuning': out.tuning = JSON.parse(value()) as Record<string, unknown>; break;
      case '--use-score': out.useScore = true; break;
      default: usage(`unknown argument ${a}`);
    }
  }
  if (!out.cases || !out.index) usage('--cases and --index are required');
  return out as Args;
}

const pct = (x: number | null): string => (x === null ? '   n/a' : (100 * x).toFixed(2).padStart(6));

function line(label: string, m: Metrics): string {
  const flr = m.falseLinkRate === null ? ''
    : `  falseLinks ${pct(m.falseLinkRate)}% (${m.falseLinks}/${m.withGold}; ${m.falseLinksToDuplicates} to duplicates` +
      `${m.falseLinksWhereGoldDisagrees ? `, ${m.falseLinksWhereGoldDisagrees} where gold disagrees` : ''})`;
  const adj = m.wrongWhereGoldDisagrees > 0 ? `  (P ${pct(m.precisionGoldAdjudicated)} without ${m.wrongWhereGoldDisagrees} gold-disagrees)` : '';
  return `${label.padEnd(40)} n=${String(m.n).padStart(6)}  P ${pct(m.precision)}  R ${pct(m.recall)}  F1 ${pct(m.f1)}${flr}${adj}`;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  let cases = parseCases(readFileSync(args.cases, 'utf8'));
  if (args.split) cases = cases.filter((c) => c.split === args.split);
  if (args.half) cases = cases.filter((c) => halfOf(c.id) === args.half);
  if (args.limit !== undefined && args.limit < cases.length) {
    cases = cases
      .map((c) => ({ c, k: sampleKey(c.id) }))
      .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
      .slice(0, args.limit)
      .map((x) => x.c);
  }

  const t0 = performance.now();
  const index = buildSimSearch(parseSimRecords(readFileSync(args.index, 'utf8')));
  const buildMs = performance.now() - t0;

  const t1 = performance.now();
  const outcomes = runCases(cases, index, {
    leaveTargetOut: args.leaveTargetOut,
    threshold: args.threshold,
    scoreScale: SIM_SCORE_SCALE,
    useScore: args.useScore,
    minNormalizedScore: SIM_MIN_NORMALIZED_SCORE,
    ...(args.tuning ? { tuning: args.tuning } : {}),
  });
  const runMs = performance.now() - t1;

  const lto = args.leaveTargetOut;
  const overall = score(outcomes, args.threshold, lto);
  console.log(`index: ${index.size} records built in ${(buildMs / 1000).toFixed(1)} s; cases: ${cases.length}` +
    `${args.half ? ` (half ${args.half})` : ''}; threshold ${args.threshold}`);
  console.log(line('overall', overall));
  const bySource = groupBy(outcomes, (o) => o.source);
  for (const [source, list] of bySource) console.log(line(`source ${source}`, score(list, args.threshold, lto)));
  for (const [style, list] of [...groupBy(outcomes, (o) => `${o.source}/${o.style}`)].sort()) {
    console.log(line(`  ${style.replace(/^crossref-artificial-11styles\//, 'art/')}`, score(list, args.threshold, lto)));
  }

  console.log(`misses by cause (threshold ${args.threshold}; see MissCause in scripts/lib/eval-match-core.ts):`);
  for (const [style, list] of [...groupBy(outcomes, (o) => `${o.source}/${o.style}`)].sort()) {
    const causes = [...groupBy(list.filter((o) => o.missCause !== null), (o) => o.missCause!)]
      .sort((a, b) => b[1].length - a[1].length)
      .map(([cause, l]) => `${cause} ${l.length}`);
    console.log(`  ${style.replace(/^crossref-artificial-11styles\//, 'art/').padEnd(38)} ${causes.join(', ')}`);
  }

  const withDoi = outcomes.filter((o) => o.doiInString);
  console.log(`trivially resolved (DOI in string, stripped before search): ${withDoi.length}, ` +
    `string DOI equals gold: ${withDoi.filter((o) => o.doiInStringCorrect).length}`);

  if (args.sweep) {
    console.log('threshold sweep (overall | per source P/R, false-link rate):');
    for (let step = 0; step <= 25; step++) {
      const t = (30 + 2 * step) / 100;
      const parts = [line(`  t=${t.toFixed(2)}`, score(outcomes, t, lto))];
      for (const [source, list] of bySource) {
        const m = score(list, t, lto);
        parts.push(`${source.slice(0, 8)} P ${pct(m.precision)} R ${pct(m.recall)} FL ${pct(m.falseLinkRate)}`);
      }
      console.log(parts.join(' | '));
    }
  }
  if (args.dump) writeFileSync(args.dump, outcomes.map((o: CaseOutcome) => JSON.stringify(o)).join('\n') + '\n');

  console.log(`throughput: ${(cases.length / (runMs / 1000)).toFixed(0)} refs/s ` +
    `(${lto ? '2 matches' : '1 match'} + 1 search per ref, ${(runMs / 1000).toFixed(1)} s)`);
  const summary = {
    n: overall.n,
    precision: round(overall.precision),
    recall: round(overall.recall),
    f1: round(overall.f1),
    falseLinkRate: overall.falseLinkRate === null ? null : round(overall.falseLinkRate),
    bySource: Object.fromEntries(
      [...bySource].map(([s, list]) => {
        const m = score(list, args.threshold, lto);
        return [s, { precision: round(m.precision), precisionGoldAdjudicated: round(m.precisionGoldAdjudicated),
          recall: round(m.recall), f1: round(m.f1),
          falseLinkRate: m.falseLinkRate === null ? null : round(m.falseLinkRate), n: m.n }];
      }),
    ),
    // False links to records duplicating the gold's title, year, volume, issue and first page are unavoidable.
    falseLinkRateExcludingDuplicates:
      overall.falseLinks === null ? null : round((overall.falseLinks - (overall.falseLinksToDuplicates ?? 0)) / Math.max(1, overall.withGold)),
    // Leaving out also the strings that cannot cite their gold record (stale NLM gold): the link may be right.
    falseLinkRateAdjudicated:
      overall.falseLinks === null ? null
        : round((overall.falseLinks - (overall.falseLinksToDuplicates ?? 0) - (overall.falseLinksWhereGoldDisagrees ?? 0)) /
          Math.max(1, overall.withGold)),
    threshold: args.threshold,
    half: args.half ?? 'all',
    refsPerSecond: Math.round(cases.length / (runMs / 1000)),
  };
  console.log(JSON.stringify(summary));
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

main();
