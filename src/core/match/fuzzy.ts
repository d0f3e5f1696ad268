/** Small fuzzy string similarities in [0,1] (own implementations; no dependency). Inputs should be normalised. */

let rowA = new Int32Array(256);
let rowB = new Int32Array(256);

function ensureRows(n: number): void {
  if (rowA.length <= n) {
    rowA = new Int32Array(n * 2 + 1);
    rowB = new Int32Array(n * 2 + 1);
  }
}

/** Length of the longest common subsequence. */
function lcsLength(a: string, b: string): number {
  const m = b.length;
  ensureRows(m);
  let prev = rowA;
  let cur = rowB;
  prev.fill(0, 0, m + 1);
  for (let i = 1; i <= a.length; i++) {
    const ca = a.charCodeAt(i - 1);
    cur[0] = 0;
    for (let j = 1; j <= m; j++) {
      cur[j] = ca === b.charCodeAt(j - 1) ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    }
    const t = prev;
    prev = cur;
    cur = t;
  }
  return prev[m]!;
}

/** Indel similarity 2·LCS/(|a|+|b|), the measure behind fuzzywuzzy's `ratio`. */
export function ratio(a: string, b: string): number {
  if (a.length === 0 && b.length === 0) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  if (a === b) return 1;
  return (2 * lcsLength(a, b)) / (a.length + b.length);
}

/**
 * How well the shorter string occurs somewhere inside the longer one: 1 − (fewest Levenshtein edits turning it
 * into some substring of the longer string) / its length. Same intent as fuzzywuzzy's `partial_ratio`.
 */
export function partialRatio(a: string, b: string): number {
  const [needle, hay] = a.length <= b.length ? [a, b] : [b, a];
  const m = needle.length;
  if (m === 0) return hay.length === 0 ? 1 : 0;
  if (hay.includes(needle)) return 1;
  ensureRows(m);
  // Sellers' algorithm: column-wise DP over the haystack, free start and end in the haystack.
  let prev = rowA;
  let cur = rowB;
  for (let i = 0; i <= m; i++) prev[i] = i;
  let best = m;
  for (let j = 1; j <= hay.length; j++) {
    const ch = hay.charCodeAt(j - 1);
    cur[0] = 0;
    for (let i = 1; i <= m; i++) {
      const sub = prev[i - 1]! + (needle.charCodeAt(i - 1) === ch ? 0 : 1);
      const del = prev[i]! + 1;
      const ins = cur[i - 1]! + 1;
      cur[i] = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins;
    }
    if (cur[m]! < best) best = cur[m]!;
    const t = prev;
    prev = cur;
    cur = t;
  }
  return 1 - best / m;
}

/** Fraction of `words` present in `pool` (multiset: each pool word used once). */
export function wordCoverage(words: readonly string[], pool: readonly string[]): number {
  if (words.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const w of pool) counts.set(w, (counts.get(w) ?? 0) + 1);
  let hit = 0;
  for (const w of words) {
    const c = counts.get(w);
    if (c) {
      hit++;
      counts.set(w, c - 1);
    }
  }
  return hit / words.length;
}
