import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADAPTERS } from '../../src/sites';
import { generic } from '../../src/sites/generic';
import type { SiteAdapter } from '../../src/sites/types';

const ENTRY_DIR = join(__dirname, '../../entrypoints');
const bundleFiles = readdirSync(ENTRY_DIR).filter((f) => f.endsWith('.content.ts'));

async function bundles(): Promise<Array<{ file: string; adapters: SiteAdapter[]; matches?: string[] }>> {
  return Promise.all(
    bundleFiles.map(async (file) => {
      const mod = (await import(join(ENTRY_DIR, file))) as { adapters: SiteAdapter[]; default: { matches?: string[] } };
      return { file, adapters: mod.adapters, matches: mod.default.matches };
    }),
  );
}

describe('content-script bundles', () => {
  it('cover every adapter exactly once, plus the click-injected generic detector', async () => {
    const all = (await bundles()).flatMap((b) => b.adapters.map((a) => a.id));
    expect([...all].sort()).toEqual([...ADAPTERS, generic].map((a) => a.id).sort());
  });

  it('declare exactly their adapters hosts, and no host is claimed by two bundles', async () => {
    const seen = new Map<string, string>();
    for (const b of await bundles()) {
      const hosts = [...new Set(b.adapters.flatMap((a) => a.hosts))];
      if (hosts.length === 0) {
        expect(b.matches ?? [], `${b.file} is injected on click only`).toEqual([]);
        continue;
      }
      expect(b.matches).toEqual(hosts.map((h) => `*://${h}/*`));
      for (const h of hosts) {
        expect(seen.get(h), `host ${h} in ${b.file} and ${seen.get(h)}`).toBeUndefined();
        seen.set(h, b.file);
      }
    }
  });
});
