import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADAPTERS } from '../../src/sites';
import { generic } from '../../src/sites/generic';
import { adapterFor, coverageTable, fixtures } from '../support/coverage';

const README = join(__dirname, '../../README.md');

describe('publisher coverage', () => {
  it('has a fixture for every adapter, each taken by the adapter it was made for', () => {
    const covered = new Set(fixtures().map((f) => adapterFor(f)?.id));
    for (const a of [...ADAPTERS, generic]) expect(covered, `fixture for adapter ${a.id}`).toContain(a.id);
  });

  it('README coverage table is up to date (regenerate: npm run coverage:table)', () => {
    const readme = readFileSync(README, 'utf8');
    const section = /<!-- coverage:start -->\n([\s\S]*?)\n<!-- coverage:end -->/.exec(readme)?.[1];
    expect(section).toBe(coverageTable());
  });
});
