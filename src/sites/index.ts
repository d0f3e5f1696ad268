import { elsevierHealth } from './elsevier-health';
import { sciencedirect } from './sciencedirect';
import type { SiteAdapter } from './types';

/** Every site adapter, most specific first. */
export const ADAPTERS: readonly SiteAdapter[] = [elsevierHealth, sciencedirect];

export function pickAdapter(url: URL, doc: Document): SiteAdapter | undefined {
  return ADAPTERS.find((a) => {
    try {
      return a.matches(url, doc);
    } catch {
      return false;
    }
  });
}

/** Match patterns of every host an adapter serves: the content script's `matches` (http and https). */
export function contentScriptMatches(): string[] {
  const hosts = new Set(ADAPTERS.flatMap((a) => a.hosts));
  return [...hosts].map((h) => `*://${h}/*`);
}
