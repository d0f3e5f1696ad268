/**
 * Merging two edits of one note made from the same starting text (two tabs, or two browsers through sync).
 * Pure. The rule: never silently drop text. Edits to different parts of the note are both applied; edits that
 * overlap keep both versions, one after the other under a visible marker line.
 */

export interface MergeResult {
  text: string;
  /** 'same': nothing to merge; 'clean': both edits applied; 'both-kept': overlapping edits, both texts kept. */
  how: 'same' | 'clean' | 'both-kept';
}

/** The marker line between two overlapping versions; `where` says where the second version was written. */
export const conflictMarker = (where: string): string => `\u2500\u2500 Also written ${where} \u2500\u2500`;

interface Region {
  /** Character offsets in base. */
  start: number;
  end: number;
  replacement: string;
}

/** Words and the white space between them: merging works on whole words, so two edits never splice one word. */
const tokens = (s: string): string[] => s.match(/\s+|\S+/g) ?? [];

/** The one contiguous run of words of `base` that `edited` changed (common leading and trailing words trimmed). */
function changedRegion(base: string[], edited: string[]): Region {
  let p = 0;
  const max = Math.min(base.length, edited.length);
  while (p < max && base[p] === edited[p]) p++;
  let s = 0;
  while (s < max - p && base[base.length - 1 - s] === edited[edited.length - 1 - s]) s++;
  const chars = (list: string[], from: number, to: number) => list.slice(from, to).join('').length;
  const start = chars(base, 0, p);
  return { start, end: start + chars(base, p, base.length - s), replacement: edited.slice(p, edited.length - s).join('') };
}

/**
 * Three-way merge of `ours` and `theirs`, both edited from `base`. `theirs` is what is stored now; `ours` is the
 * edit arriving. `where` names the origin of `ours` for the marker (e.g. "in another tab").
 */
export function mergeTexts(base: string, ours: string, theirs: string, where: string): MergeResult {
  if (ours === theirs || ours === base) return { text: theirs, how: 'same' };
  if (theirs === base) return { text: ours, how: 'same' };
  const baseTokens = tokens(base);
  const a = changedRegion(baseTokens, tokens(theirs));
  const b = changedRegion(baseTokens, tokens(ours));
  const [first, second] = a.start <= b.start ? [a, b] : [b, a];
  // Edits apart from each other are both applied; so are two insertions at one point (theirs first, on its own
  // line). Edits that touch or overlap are not guessed at.
  const insertions = first.start === first.end && second.start === second.end && first.start === second.start;
  if (first.end < second.start || insertions) {
    const between = insertions && !first.replacement.endsWith('\n') && !second.replacement.startsWith('\n') ? '\n' : '';
    const text = base.slice(0, first.start) + first.replacement + base.slice(first.end, second.start) + between + second.replacement + base.slice(second.end);
    return { text, how: 'clean' };
  }
  // Overlapping: one side's text containing the other's means nothing would be lost by taking it.
  if (theirs.includes(ours)) return { text: theirs, how: 'clean' };
  if (ours.includes(theirs)) return { text: ours, how: 'clean' };
  if (ours.trim() === '') return { text: theirs, how: 'clean' };
  if (theirs.trim() === '') return { text: ours, how: 'clean' };
  return { text: `${theirs.replace(/\s+$/, '')}\n\n${conflictMarker(where)}\n${ours}`, how: 'both-kept' };
}
