/** Returns the URL as a string when it is absolute http(s); anything else (javascript:, data:, relative junk) is refused. */
export function safeHttpUrl(input: string | undefined | null, base?: string): string | undefined {
  if (!input) return undefined;
  try {
    const u = new URL(input.trim(), base);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** A dot segment ("/./", "/..", "/%2e") that the URL parser would resolve away: a URL holding one is not as written. */
const DOT_SEGMENT = /\/(?:\.|%2e){1,2}(?:[/?#]|$)/i;
export const hasDotSegment = (url: string): boolean => DOT_SEGMENT.test(url);
