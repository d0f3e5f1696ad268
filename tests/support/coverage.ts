/**
 * The publisher coverage table of the README, computed from the adapters and their fixtures: which adapter takes
 * each fixture page (by its real URL and DOM), what it reads there, and which fixture proves it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { withPrintedCsl } from '../../src/core/printed';
import { ADAPTERS } from '../../src/sites';
import { generic } from '../../src/sites/generic';
import type { SiteAdapter } from '../../src/sites/types';

export const PAGES_DIR = join(dirname(new URL(import.meta.url).pathname), '../fixtures/pages');
const FIXTURE_URL = /^<!-- reflens-fixture-url: (\S+) -->/;

export interface Fixture {
  file: string;
  url: string;
  html: string;
  provenance: 'real' | 'reconstructed';
}

export function fixtures(): Fixture[] {
  const out: Fixture[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(PAGES_DIR, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path);
      else if (e.name === 'index.html') {
        const html = readFileSync(join(PAGES_DIR, path), 'utf8');
        const url = FIXTURE_URL.exec(html.slice(0, 600))?.[1];
        const readme = join(PAGES_DIR, dirname(path), 'README.md');
        const text = existsSync(readme) ? readFileSync(readme, 'utf8') : '';
        // A README that calls the page reconstructed (anywhere) marks it so; otherwise it was trimmed from a real page.
        if (url) out.push({ file: path, url, html, provenance: /reconstructed|rebuilt/i.test(text) ? 'reconstructed' : 'real' });
      }
    }
  };
  walk('');
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

export function adapterFor(f: Fixture): SiteAdapter | undefined {
  const doc = new DOMParser().parseFromString(f.html, 'text/html');
  const url = new URL(f.url);
  return [...ADAPTERS, generic].find((a) => {
    try {
      return a.matches(url, doc);
    } catch {
      return false;
    }
  });
}

/** What an adapter reads on a fixture: identifier kinds found and whether items come out structured. */
export function reads(a: SiteAdapter, f: Fixture): { ids: string[]; structured: boolean; items: number } {
  const doc = new DOMParser().parseFromString(f.html, 'text/html');
  const items = a.findItems(doc);
  const ids = new Set<string>();
  let structured = 0;
  for (const item of items) {
    // Structured: as the background gets it (adapters may leave the fields of what a reference prints to it).
    const r = withPrintedCsl(a.extract(item));
    if (r.ids.doi) ids.add('DOI');
    if (r.ids.pmid) ids.add('PMID');
    if (r.ids.pmcid) ids.add('PMCID');
    if (r.csl.title && r.csl.author?.length) structured++;
  }
  return { ids: [...ids], structured: items.length > 0 && structured >= items.length / 2, items: items.length };
}

export function coverageTable(): string {
  const rows = new Map<string, { a: SiteAdapter; fixtures: Fixture[] }>();
  for (const a of [...ADAPTERS, generic]) rows.set(a.id, { a, fixtures: [] });
  for (const f of fixtures()) {
    const a = adapterFor(f);
    if (a) rows.get(a.id)!.fixtures.push(f);
  }
  const lines = [
    '| platform | hosts | reads | fixtures (kind) |',
    '|---|---|---|---|',
  ];
  for (const { a, fixtures: fs } of rows.values()) {
    const seen = fs.map((f) => reads(a, f));
    const ids = [...new Set(seen.flatMap((s) => s.ids))].sort().join(', ') || 'text only';
    const structure = seen.some((s) => s.structured) ? 'structured fields' : 'reference text (parsed in background)';
    const hosts = a.hosts.length ? (a.hosts.length > 4 ? `${a.hosts.slice(0, 4).join(', ')} and ${a.hosts.length - 4} more` : a.hosts.join(', ')) : 'any site (toolbar click)';
    const fx = fs.map((f) => `\`${dirname(f.file)}\` (${f.provenance})`).join('<br>') || '**none**';
    lines.push(`| ${a.name} | ${hosts} | ${ids}; ${structure} | ${fx} |`);
  }
  return lines.join('\n');
}
