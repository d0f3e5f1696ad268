/** Word-level tokens of a cleaned reference; punctuation is kept as context (pre/post), not as tokens. */
export type TokenKind = 'word' | 'url' | 'doi';

export interface Token {
  text: string;
  start: number;
  end: number;
  kind: TokenKind;
  /** Characters between the previous token and this one (spaces collapsed). */
  pre: string;
  /** Characters between this token and the next one. */
  post: string;
}

const TOKEN =
  /(https?:\/\/[^\s<>"]+|www\.[^\s<>"]+)|((?<![\w.])10\.\d{4,9}\/[^\s<>"]+)|([\p{L}\p{M}\p{N}]+(?:['’\-‐–][\p{L}\p{M}\p{N}]+)*)/gu;

/** Sentence punctuation and unopened brackets trailing a URL/DOI. */
function trimLinkTail(s: string): string {
  let t = s.replace(/[.,;:]+$/, '');
  while (/[)\]]$/.test(t)) {
    const close = t.endsWith(')') ? ')' : ']';
    const open = close === ')' ? '(' : '[';
    if (t.split(open).length >= t.split(close).length) break;
    t = t.slice(0, -1).replace(/[.,;:]+$/, '');
  }
  return t;
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    let value = m[0];
    const kind: TokenKind = m[1] ? 'url' : m[2] ? 'doi' : 'word';
    if (kind !== 'word') {
      value = trimLinkTail(value);
      TOKEN.lastIndex = m.index + value.length;
    }
    // "D70", "B143" (series letter + volume), "Nature248", "Prosthodont1997" (PDF-glued): letters and number
    // may belong to different fields.
    const split = kind === 'word' ? /^(?:\p{Lu}|\p{L}{3,})(?=\d+$)/u.exec(value) : null;
    if (split && (split[0].length === 1 || value.length - split[0].length >= 2)) {
      const k = split[0].length;
      tokens.push({ text: value.slice(0, k), start: m.index, end: m.index + k, kind, pre: '', post: '' });
      tokens.push({ text: value.slice(k), start: m.index + k, end: m.index + value.length, kind, pre: '', post: '' });
    } else tokens.push({ text: value, start: m.index, end: m.index + value.length, kind, pre: '', post: '' });
  }
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const prevEnd = i > 0 ? tokens[i - 1]!.end : 0;
    t.pre = text.slice(prevEnd, t.start);
    const nextStart = i + 1 < tokens.length ? tokens[i + 1]!.start : text.length;
    t.post = text.slice(t.end, nextStart);
  }
  return tokens;
}
