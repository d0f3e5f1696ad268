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
 * Myers' bit-parallel approximate search (1999), in 32-bit blocks: O(|hay| · ⌈|needle|/32⌉).
 */
export function partialRatio(a: string, b: string): number {
  const [needle, hay] = a.length <= b.length ? [a, b] : [b, a];
  const m = needle.length;
  if (m === 0) return hay.length === 0 ? 1 : 0;
  if (hay.includes(needle)) return 1;
  const blocks = Math.ceil(m / 32);
  const peq = new Map<number, Int32Array>();
  for (let i = 0; i < m; i++) {
    const c = needle.charCodeAt(i);
    let masks = peq.get(c);
    if (!masks) peq.set(c, (masks = new Int32Array(blocks)));
    masks[i >> 5]! |= 1 << (i & 31);
  }
  const none = new Int32Array(blocks);
  const pv = new Int32Array(blocks).fill(-1);
  const mv = new Int32Array(blocks);
  const lastHigh = 1 << ((m - 1) & 31);
  let score = m;
  let best = m;
  for (let j = 0; j < hay.length; j++) {
    const eqs = peq.get(hay.charCodeAt(j)) ?? none;
    let hin = 0; // search mode: row 0 is all zeros, so no carry into the first block
    for (let k = 0; k < blocks; k++) {
      let eq = eqs[k]!;
      const pvk = pv[k]!;
      const mvk = mv[k]!;
      const xv = eq | mvk;
      if (hin < 0) eq |= 1;
      const xh = (((eq & pvk) + pvk) ^ pvk) | eq;
      let ph = mvk | ~(xh | pvk);
      let mh = pvk & xh;
      const high = k === blocks - 1 ? lastHigh : 1 << 31;
      const hout = ph & high ? 1 : mh & high ? -1 : 0;
      ph <<= 1;
      mh <<= 1;
      if (hin < 0) mh |= 1;
      else if (hin > 0) ph |= 1;
      pv[k] = mh | ~(xv | ph);
      mv[k] = ph & xv;
      hin = hout;
    }
    score += hin;
    if (score < best) best = score;
  }
  return 1 - best / m;
}

/** Reference implementation of partialRatio (Sellers' DP), kept for tests. */
export function partialRatioDp(a: string, b: string): number {
  const [needle, hay] = a.length <= b.length ? [a, b] : [b, a];
  const m = needle.length;
  if (m === 0) return hay.length === 0 ? 1 : 0;
  ensureRows(m);
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

/**
 * Whether `text` holds `pattern` with at most `maxEdits` insertions, deletions or substitutions (Sellers' approximate
 * substring search: the match may start anywhere in the text).
 */
export function withinEditsOfSubstring(text: string, pattern: string, maxEdits: number): boolean {
  const m = pattern.length;
  if (m <= maxEdits) return true;
  // Column over the pattern: col[i] = fewest edits for pattern[0..i) ending at the current text position.
  let col = Array.from({ length: m + 1 }, (_v, i) => i);
  for (let j = 0; j < text.length; j++) {
    const next = [0];
    const c = text.charCodeAt(j);
    for (let i = 1; i <= m; i++) {
      next[i] = Math.min(col[i]! + 1, next[i - 1]! + 1, col[i - 1]! + (pattern.charCodeAt(i - 1) === c ? 0 : 1));
    }
    if (next[m]! <= maxEdits) return true;
    col = next;
  }
  return false;
}
