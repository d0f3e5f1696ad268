/**
 * Token features for the reference labeller: the word and its neighbours, shapes, surrounding punctuation,
 * sentence position and shape, quotes/brackets, year position, look-ahead to the next number.
 */
import type { Token } from './tokenize';

/** Labels of the sequence model, in weight-table order. */
export const LABELS = [
  'author',
  'editor',
  'title',
  'container',
  'date',
  'volume',
  'issue',
  'pages',
  'publisher',
  'location',
  'doi',
  'pmid',
  'url',
  'note',
  'other',
] as const;
export type Label = (typeof LABELS)[number];

const MONTHS =
  /^(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|spring|summer|autumn|fall|winter|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|januar|februar|märz|juni|juli|oktober|dezember|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)$/i;
export const YEAR = /^(?:1[5-9]\d\d|20[0-4]\d)[a-z]?$/;
const RANGE = /^[A-Za-z]?\d+[-‐–][A-Za-z]?\d+$/;
const ROMAN = /^(?=[ivxlcdm]+$)m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})$/i;

function shapeOf(word: string): string {
  let s = '';
  for (const ch of word) {
    const c = /\p{Lu}/u.test(ch) ? 'X' : /\p{Ll}/u.test(ch) ? 'x' : /\d/.test(ch) ? 'd' : /\p{L}/u.test(ch) ? 'L' : ch;
    if (word.length > 4 && s.endsWith(c)) continue;
    s += c;
  }
  return s;
}

/** Punctuation between tokens, compacted: "" glued, "_" space only, else the non-space characters (max 3). */
function punct(s: string): string {
  if (s.length === 0) return '';
  const t = s.replace(/\s+/g, '');
  if (t.length === 0) return '_';
  return (s.startsWith(' ') ? '_' : '') + t.slice(0, 3);
}

function numberClass(word: string): string | undefined {
  if (YEAR.test(word)) return 'year';
  if (RANGE.test(word)) return 'range';
  if (/^\d+$/.test(word)) return `n${Math.min(word.length, 6)}`;
  if (/^[A-Za-z]{1,2}\d+$/.test(word)) return 'an';
  if (/^\d+[A-Za-z]{1,2}$/.test(word)) return 'na';
  if (/\d/.test(word)) return 'mix';
  return undefined;
}

const NONE = '<none>';

const lower = (t: Token | undefined): string =>
  !t ? NONE : t.kind !== 'word' ? `<${t.kind}>` : /\d/.test(t.text) ? `<${numberClass(t.text)}>` : t.text.toLowerCase().slice(0, 20);

const isBoundary = (tokens: Token[], i: number): boolean => {
  const prev = tokens[i - 1];
  return !!prev && /[.?!]["”’)]*\s/.test(tokens[i]!.pre + ' ') && /\s/.test(tokens[i]!.pre) && !/^\p{Lu}$/u.test(prev.text);
};

/**
 * Features of every token as flat [template, value, …] lists; the same code serves training and parsing.
 * A feature's name in the weight table is "template:value" (or the bare template when the value is empty).
 */
export function featurize(tokens: Token[]): string[][] {
  const n = tokens.length;
  const out: string[][] = [];
  // Sentences (". " boundaries not after an initial): index, length and how title-cased they are.
  const sentenceOf = new Array<number>(n);
  const starts: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i === 0 || isBoundary(tokens, i)) starts.push(i);
    sentenceOf[i] = starts.length - 1;
  }
  const sentenceInfo = starts.map((from, k) => {
    const to = k + 1 < starts.length ? starts[k + 1]! : n;
    let words = 0;
    let caps = 0;
    let digits = 0;
    for (let i = from; i < to; i++) {
      const t = tokens[i]!.text;
      if (/\d/.test(t)) digits++;
      else if (t.length > 3) {
        words++;
        if (/^\p{Lu}/u.test(t)) caps++;
      }
    }
    const len = to - from;
    const lenClass = len <= 2 ? 'a' : len <= 5 ? 'b' : len <= 10 ? 'c' : 'd';
    const capClass = words === 0 ? 'n' : caps / words > 0.7 ? 'h' : caps / words > 0.3 ? 'm' : 'l';
    return `${lenClass}${capClass}${digits > 0 ? 'y' : 'n'}`;
  });
  const sentences = starts.length;
  let quoted = false;
  let parens = 0;
  let yearSeen = 0;
  let afterIn = false;
  const shapes = tokens.map((t) => (t.kind === 'word' ? shapeOf(t.text) : t.kind));
  // Style cues of the whole string: where the first year sits (APA/Harvard put it right after the authors).
  const firstYear = tokens.findIndex((t) => YEAR.test(t.text));
  const yearAt =
    firstYear < 0 ? 'none' : sentenceOf[firstYear]! <= 1 && firstYear < n / 3 ? (/\(\s*$/.test(tokens[firstYear]!.pre) ? 'early(' : 'early') : 'late';
  let initials = 0;
  // Look-ahead to the next number (volume/year/pages): how far, and across how many strong separators.
  const toNumber = new Array<string>(n);
  let distance = -1;
  let separators = 0;
  for (let i = n - 1; i >= 0; i--) {
    const t = tokens[i]!;
    const next = tokens[i + 1];
    if (next && distance >= 0) {
      distance++;
      if (/[,;:]/.test(next.pre) || (/\.\s/.test(next.pre) && t.text.length > 3)) separators++;
    }
    toNumber[i] = distance < 0 ? 'none' : `${distance <= 1 ? distance : distance <= 3 ? 'b' : distance <= 8 ? 'c' : 'd'}|${Math.min(separators, 2)}`;
    if (/^\d/.test(t.text)) {
      distance = 0;
      separators = 0;
    }
  }
  const shapePost = tokens.map((t, i) => `${shapes[i]}|${punct(t.post)}`);
  const words = tokens.map(lower);
  const pres = tokens.map((t) => punct(t.pre));
  const posts = tokens.map((t) => punct(t.post));
  for (let i = 0; i < n; i++) {
    const t = tokens[i]!;
    const pre = t.pre;
    const wasQuoted = quoted;
    for (const ch of pre) {
      if (ch === '“' || ch === '«' || ch === '„' || ch === '`') quoted = true;
      else if (ch === '”' || ch === '»') quoted = false;
      else if (ch === '"') quoted = !quoted;
      else if (ch === '(' || ch === '[') parens++;
      else if ((ch === ')' || ch === ']') && parens > 0) parens--;
    }
    const sentence = sentenceOf[i]!;
    const info = sentenceInfo[sentence]!;
    const w = words[i]!;
    const sh = shapes[i]!;
    const p = pres[i]!;
    const a = posts[i]!;
    const prevWord = words[i - 1] ?? NONE;
    // Flat [template, value, template, value, …]; values are shared strings where possible (cheap map look-ups).
    const f = [
      'b', '',
      'w', w,
      's', sh,
      'p', p,
      'a', a,
      'ps', `${p}|${sh}`,
      'sa', shapePost[i]!,
      'w-1', prevWord,
      'w+1', words[i + 1] ?? NONE,
      'w-2', words[i - 2] ?? NONE,
      'w+2', words[i + 2] ?? NONE,
      'w-1p', `${prevWord}|${p}`,
      'wa', `${w}|${a}`,
      's-1', shapes[i - 1] ?? NONE,
      's+1', shapes[i + 1] ?? NONE,
      'pos', String(Math.floor((10 * i) / n)),
      'seg', String(Math.min(sentence, 6)),
      'segr', sentences === 1 ? 'only' : sentence === sentences - 1 ? 'last' : String(Math.floor((4 * sentence) / sentences)),
      'sin', String(Math.min(i - starts[sentence]!, 3)),
      'sl', info,
      'ys', String(Math.min(yearSeen, 2)),
      'ysg', `${Math.min(yearSeen, 1)}|${Math.min(sentence, 4)}`,
      'st', `${yearAt}|${Math.min(sentence, 4)}|${firstYear < 0 ? '-' : i < firstYear ? '<' : i === firstYear ? '=' : '>'}`,
      'ini', `${Math.min(initials, 3)}|${Math.min(sentence, 2)}`,
      'nn', toNumber[i]!,
      'sa-1', shapePost[i - 1] ?? NONE,
      'sa+1', shapePost[i + 1] ?? NONE,
    ];
    if (t.kind === 'word' && t.text.length > 5 && !/\d/.test(t.text)) f.push('suf', t.text.slice(-3).toLowerCase());
    if (quoted) f.push(wasQuoted ? 'q' : 'qo', '');
    else if (wasQuoted) f.push('qx', '');
    if (parens > 0) f.push('par', '');
    if (afterIn) f.push('in', '');
    if (i === 0) f.push('first', '');
    if (i === n - 1) f.push('last', '');
    if (t.kind === 'word') {
      const nc = numberClass(t.text);
      if (nc) f.push('nc', nc, 'ncp', `${nc}|${p}|${a}`);
      if (MONTHS.test(t.text)) f.push('month', '');
      if (ROMAN.test(t.text) && t.text.length > 1) f.push('roman', '');
      if (/^\p{Lu}{2,}$/u.test(t.text)) f.push('caps', '');
      if (/^\p{Lu}{1,3}$/u.test(t.text)) f.push('init', a);
      f.push('ln', String(Math.min(t.text.length, 8)));
    }
    if (YEAR.test(t.text)) yearSeen++;
    if (/^\p{Lu}{1,2}$/u.test(t.text)) initials++;
    if (/^(?:in|dans|en|em)$/i.test(t.text) && (/[.,]\s*$/.test(pre) || i === 0 || /:/.test(t.post))) afterIn = true;
    out.push(f);
  }
  return out;
}

/** Features of the boundary before each token (index 0 unused), conditioning label transitions. */
export function edgeFeatures(tokens: Token[]): string[][] {
  return tokens.map((t, i) => {
    if (i === 0) return [];
    const prev = tokens[i - 1]!;
    const p = punct(t.pre);
    const prevKind = /^\p{Lu}$/u.test(prev.text) ? 'I' : YEAR.test(prev.text) ? 'Y' : /\d/.test(prev.text) ? 'D' : 'W';
    const nextKind = /^\p{Lu}/u.test(t.text) ? 'U' : /\d/.test(t.text) ? 'D' : 'L';
    return [p, `${p}|${prevKind}`, `${p}|${nextKind}`];
  });
}
