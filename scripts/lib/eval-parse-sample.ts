/**
 * Writes the committed evaluation sample: rows of the HOLDOUT half, ordered by a hash of their id, first N.
 *
 *   npx tsx scripts/lib/eval-parse-sample.ts --cases /work/shared/eval/parsing-train.jsonl \
 *     [--n 200] [--out tests/fixtures/eval/parsing-sample.jsonl]
 *
 * Sources: AnyStyle training data (BSD-2-Clause) and the GROBID citation corpus (Apache-2.0).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { fnv1a, readRows, selectRows } from './eval-parse-data';

const { values } = parseArgs({
  options: {
    cases: { type: 'string' },
    n: { type: 'string', default: '200' },
    out: { type: 'string', default: 'tests/fixtures/eval/parsing-sample.jsonl' },
  },
});
if (!values.cases) throw new Error('--cases FILE is required');
const rows = selectRows(readRows(values.cases), { half: 'holdout' })
  .map((r) => ({ r, key: fnv1a(`sample:${r.id}`) }))
  .sort((a, b) => a.key - b.key)
  .slice(0, Number(values.n))
  .map(({ r }) => r);
mkdirSync(dirname(values.out), { recursive: true });
// Spans are only needed for training; the metrics read `fields`.
const trimmed = rows.map(({ id, source, split, raw, fields }) => JSON.stringify({ id, source, split, raw, fields }));
writeFileSync(values.out, trimmed.join('\n') + '\n');
console.error(`wrote ${rows.length} rows to ${values.out}`);
