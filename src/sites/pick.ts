import type { SiteAdapter } from './types';

/** Whether a host pattern ("www.x.org", "*.biomedcentral.com") covers a hostname. */
export function hostMatches(pattern: string, host: string): boolean {
  return pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : host === pattern;
}

/** The first adapter of `adapters` that takes this page. */
export function pickAdapter(url: URL, doc: Document, adapters: readonly SiteAdapter[]): SiteAdapter | undefined {
  return adapters.find((a) => {
    try {
      return a.matches(url, doc);
    } catch {
      return false;
    }
  });
}

/** Match patterns of every host the adapters serve: a content script's `matches` (http and https). */
export function matchPatterns(adapters: readonly SiteAdapter[]): string[] {
  return [...new Set(adapters.flatMap((a) => a.hosts))].map((h) => `*://${h}/*`);
}
