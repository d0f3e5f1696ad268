/** Rewrites the README's publisher coverage table from the adapters and fixtures (checked by tests/unit/coverage.test.ts). */
import { readFileSync, writeFileSync } from 'node:fs';
import { Window } from 'happy-dom';

const window = new Window();
Object.assign(globalThis, { DOMParser: window.DOMParser, Node: window.Node, Element: window.Element });
const { coverageTable } = await import('../tests/support/coverage');
const readme = readFileSync('README.md', 'utf8');
const next = readme.replace(/<!-- coverage:start -->\n[\s\S]*?\n<!-- coverage:end -->/, `<!-- coverage:start -->\n${coverageTable()}\n<!-- coverage:end -->`);
writeFileSync('README.md', next);
console.log(next === readme ? 'coverage table unchanged' : 'coverage table updated');
