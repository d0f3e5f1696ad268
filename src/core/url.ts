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
