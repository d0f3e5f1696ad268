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
