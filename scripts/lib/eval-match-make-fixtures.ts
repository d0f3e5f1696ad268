/**
 * Regenerates the committed matching fixtures from the shared eval data:
 *   npx tsx scripts/lib/eval-match-make-fixtures.ts --cases shared/eval/matching-tune.jsonl \
 *     --index shared/eval/sim-index.jsonl --out tests/fixtures/eval
 * Picks a fixed sample of cases per style (by sha1 of id), and an index of their gold records, the top hits of
 * their strings in the full index (the near-duplicates and look-alikes the matcher must reject) and random
 * distractors.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { searchQuery } from '../../src/core/match/index.ts';
import { goldDois, groupBy, parseCases, sampleKey } from './eval-match-core.ts';
import { buildSimSearch, parseSimRecords } from './sim-search.ts';

const PER_ARTIFICIAL_STYLE = 22;
const GLUTTON_CASES = 60;
const NEIGHBOURS_PER_CASE = 5;
const DISTRACTORS = 200;

function arg(name: string): string {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? process.argv[i + 1] : undefined;
  if (!v) throw new Error(`missing ${name}`);
  return v;
}

const byKey = <T extends { id?: string; doi?: string }>(key: (t: T) => string) => (a: T, b: T) =>
  key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

const cases = parseCases(readFileSync(arg('--cases'), 'utf8')).filter((c) => c.ref_string && goldDois(c).length > 0);
const records = parseSimRecords(readFileSync(arg('--index'), 'utf8'));
const index = buildSimSearch(records);

const sample = [...groupBy(cases, (c) => `${c.source}/${c.style}`)].flatMap(([group, list]) =>
  list
    .slice()
    .sort(byKey((c) => sampleKey(c.id)))
    .slice(0, group.startsWith('glutton') ? GLUTTON_CASES : PER_ARTIFICIAL_STYLE),
);

const keep = new Set<string>();
for (const c of sample) {
  for (const d of goldDois(c)) keep.add(d);
  for (const hit of index.search(searchQuery(c.ref_string ?? ''), NEIGHBOURS_PER_CASE)) keep.add(hit.DOI);
}
const rest = records.filter((r) => !keep.has(r.doi.toLowerCase())).sort(byKey((r) => sampleKey(r.doi)));
for (const r of rest.slice(0, DISTRACTORS)) keep.add(r.doi.toLowerCase());

const out = arg('--out');
writeFileSync(join(out, 'matching-sample.jsonl'), sample.map((c) => JSON.stringify(c)).join('\n') + '\n');
// The long provenance note is replaced by its first word; the matcher does not read it.
const kept = records
  .filter((r) => keep.has(r.doi.toLowerCase()))
  .map((r) => ({ ...r, source: r.source?.split(' ')[0] }));
writeFileSync(join(out, 'index-sample.jsonl'), kept.map((r) => JSON.stringify(r)).join('\n') + '\n');
console.log(`${sample.length} cases, ${kept.length} index records`);
