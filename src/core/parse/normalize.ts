/**
 * Text clean-up before tokenising: markup, entities, ligatures, PDF line breaks and hyphenation.
 * Every step keeps a map from output characters to raw offsets, so training labels (given on the raw string)
 * can be carried over to tokens of the cleaned text.
 */

/** Longer strings are not a single reference; parsing only their head keeps hostile input cheap. */
export const MAX_REFERENCE_LENGTH = 3000;

export interface Cleaned {
  text: string;
  /** map[i] = offset in the raw string of text[i]. */
  map: number[];
}

function replaceTracked(src: Cleaned, re: RegExp, replacement: (m: RegExpExecArray) => string): Cleaned {
  let text = '';
  const map: number[] = [];
  let last = 0;
  re.lastIndex = 0;
  for (let m = re.exec(src.text); m; m = re.exec(src.text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    text += src.text.slice(last, m.index);
    for (let i = last; i < m.index; i++) map.push(src.map[i] ?? 0);
    const rep = replacement(m);
    text += rep;
    for (let i = 0; i < rep.length; i++) map.push(src.map[m.index + Math.min(i, m[0].length - 1)] ?? 0);
    last = m.index + m[0].length;
  }
  if (last === 0) return src;
  text += src.text.slice(last);
  for (let i = last; i < src.text.length; i++) map.push(src.map[i] ?? 0);
  return { text, map };
}

const LIGATURES: Record<string, string> = {
  '\uFB00': 'ff',
  '\uFB01': 'fi',
  '\uFB02': 'fl',
  '\uFB03': 'ffi',
  '\uFB04': 'ffl',
  '\uFB05': 'st',
  '\uFB06': 'st',
};
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—' };
const INLINE_TAG = /^(?:i|b|em|strong|italic|bold|sup|sub|span|a|u|small|font|sc|named-content)$/i;

export function cleanReference(raw: string): Cleaned {
  const input = typeof raw === 'string' ? raw.slice(0, MAX_REFERENCE_LENGTH) : '';
  let c: Cleaned = { text: input, map: Array.from({ length: input.length }, (_, i) => i) };
  // Markup pasted with the text: inline tags vanish, block tags separate words.
  c = replaceTracked(c, /<\/?([a-zA-Z][\w-]{0,30})(?:\s[^<>]{0,300})?\/?>/g, (m) => (INLINE_TAG.test(m[1] ?? '') ? '' : ' '));
  c = replaceTracked(c, /&(?:#(\d{1,6})|#x([0-9a-f]{1,5})|([a-z]{2,6}));/gi, (m) => {
    if (m[3]) return ENTITIES[m[3].toLowerCase()] ?? m[0];
    const code = m[1] ? Number(m[1]) : Number.parseInt(m[2] ?? '', 16);
    return code > 31 && code < 0x10ffff ? String.fromCodePoint(code) : ' ';
  });
  c = replaceTracked(c, /[\uFB00-\uFB06]/g, (m) => LIGATURES[m[0]] ?? m[0]);
  // Some PDF fonts map the "ff" ligature to U+21B5 ("a↵ects").
  c = replaceTracked(c, /(?<=\p{L})\u21B5(?=\p{L})/gu, () => 'ff');
  c = replaceTracked(c, /[\u00AD\u200B-\u200D\u2060\uFEFF]/g, () => '');
  // "treat-\nment" and "treat- ment" (PDF line ends) → "treatment"; "pre- and post-" stays.
  c = replaceTracked(c, /(?<=\p{Ll}\p{Ll})[-\u2010\u00AD]\s+(?!(?:and|or|to|und|oder|et|ou|en|og|och|y|e|i|o|nor|as|vs|bzw)\b)(?=\p{Ll}\p{Ll})/gu, () => '');
  c = replaceTracked(c, /\s+/g, () => ' ');
  return c;
}

/** Length of a list-numbering prefix: "1.", "[12]", "(3)", "12)", "5-De Gabory", "60 Smith". */
export function numberingPrefixLength(text: string): number {
  const m =
    /^\s*(?:\[\s*\d{1,4}[a-z]?\s*\]\.?|\(\s*\d{1,3}\s*\)\.?|\d{1,3}\s*[.)](?!\d)|\d{1,3}\s*-(?=\p{Lu})|\d{1,3}(?=\s+\p{Lu}[\p{Ll}\p{Lu}'’-]*[\s,.]))\s*/u.exec(
      text,
    );
  return m ? m[0].length : 0;
}
