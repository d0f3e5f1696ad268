/**
 * Splits an author (or editor) list into names. Handles "Family AB" (Vancouver), "Family, A. B." (APA),
 * "A. B. Family" (IEEE), "Family, Given, and Given Family" (Chicago/MLA), "FAMILY, Given" (ABNT), particles
 * ("van der", "de") and institutional authors.
 */
import type { CslName } from '../csl';

export interface NameList {
  names: CslName[];
  etAl: boolean;
}

const PARTICLE = /^(?:van|von|der|den|de|del|della|di|da|dos|das|du|la|le|ter|ten|bin|ibn|al|el|st\.?|mac|zu|y)$/i;
const SUFFIX = /^(?:jr|sr|ii|iii|iv|2nd|3rd)\.?$/i;
const INSTITUTION =
  /\b(?:department|university|universit[éäà]|institut\w*|council|committee|association|society|group|collaboration|consortium|ministry|agency|office|bureau|cent(?:er|re)|foundation|organi[sz]ation|board|commission|federation|network|alliance|company|corporation|inc|ltd|team|authority|service|laboratory|union|working|panel|program(?:me)?|project|trust|academy|college|national|world|american|european|international)\b/i;
const CJK = /^[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}\s]+$/u;

/** "J.", "J.-P.", "F.-M", "JP", "J.P", "Ch." — `allowBareCaps` accepts undotted capitals ("RK") as initials. */
function isInitials(word: string, allowBareCaps: boolean): boolean {
  if (SUFFIX.test(word)) return false;
  if (/^(?:\p{Lu}\p{Ll}?\.\s?[-‐]?)+$/u.test(word)) return true;
  const letters = word.replace(/[.\-‐]/g, '');
  if (letters.length > 4 || !/^\p{Lu}+$/u.test(letters)) return false;
  return /[.\-‐]/.test(word) || (allowBareCaps && letters.length <= 3);
}

function isCaps(word: string): boolean {
  return /^\p{Lu}[\p{Lu}'’-]+$/u.test(word) && /\p{Lu}{2}/u.test(word);
}

type Kind = 'initials' | 'familyInitials' | 'initialsFamily' | 'single' | 'words' | 'literal';

interface Part {
  text: string;
  words: string[];
  kind: Kind;
}

function classify(raw: string, capsFamilies: boolean): Part {
  const all = raw.split(/\s+|(?<=\.)(?=\p{Lu})/u).filter(Boolean);
  // Generational suffixes ("Jr.", "III") are dropped: they are neither family nor given name.
  const words = all.length > 1 ? all.filter((w) => !SUFFIX.test(w)) : all;
  const text = words.join(' ');
  const bare = !capsFamilies && (words.length === 1 || words.some((w) => /\p{Ll}/u.test(w) || w.length > 3));
  const institution = words.length > 1 && INSTITUTION.test(text) && (words.length > 3 || !words.some((w) => isInitials(w, false)));
  if (CJK.test(text) || institution) {
    return { text: clean(raw), words, kind: 'literal' };
  }
  if (words.every((w) => isInitials(w, true) || SUFFIX.test(w))) {
    return { text, words, kind: words.length === 1 && /^\p{Lu}\p{Ll}/u.test(words[0]!) ? 'single' : 'initials' };
  }
  const last = words[words.length - 1]!;
  if (words.length > 1 && isInitials(last, bare) && !isInitials(words[0]!, false)) return { text, words, kind: 'familyInitials' };
  if (words.length > 1 && isInitials(words[0]!, false)) return { text, words, kind: 'initialsFamily' };
  if (words.length === 1 || words.every((w, i) => i === words.length - 1 || PARTICLE.test(w))) return { text, words, kind: 'single' };
  return { text, words, kind: 'words' };
}

const clean = (s: string): string => s.replace(/^[\s.,;:]+|[\s,;:]+$/g, '').replace(/\s+/g, ' ');

/** Family = trailing capitalised word plus preceding particles, or the all-caps words when some are in caps. */
function directOrder(words: string[]): CslName {
  const body = words.filter((w) => !SUFFIX.test(w));
  const caps = body.filter(isCaps);
  if (caps.length > 0 && caps.length < body.length && body.some((w) => /\p{Ll}/u.test(w) && !PARTICLE.test(w))) {
    return { family: clean(caps.join(' ')), given: clean(body.filter((w) => !isCaps(w)).join(' ')) };
  }
  let k = body.length - 1;
  while (k > 1 && PARTICLE.test(body[k - 1]!)) k--;
  if (k === 1 && PARTICLE.test(body[0]!) && body.length > 1) k = 0;
  return { family: clean(body.slice(k).join(' ')), given: clean(body.slice(0, k).join(' ')) || undefined };
}

function familyFirst(words: string[]): CslName {
  let k = words.length;
  while (k > 1 && (isInitials(words[k - 1]!, true) || SUFFIX.test(words[k - 1]!))) k--;
  return { family: clean(words.slice(0, k).join(' ')), given: clean(words.slice(k).join(' ')) || undefined };
}

function compactName(n: CslName): CslName {
  const out: CslName = {};
  if (n.family) out.family = n.family.replace(/\.$/, (m) => (/\b\p{Lu}\.$/u.test(n.family ?? '') ? m : ''));
  if (n.given) out.given = n.given;
  if (n.literal) out.literal = n.literal;
  return out;
}

export function splitNames(input: string): NameList {
  let s = (input ?? '').replace(/\s+/g, ' ').trim();
  let etAl = false;
  s = s.replace(/,?\s*(?:\bet\.?\s*al\b\.?|\betal\b\.?|\bu\.\s?a\.|\bet\s+coll?\b\.?|\band\s+others\b|\bet\s+alii\b|…|\.\.\.)/giu, () => {
    etAl = true;
    return '';
  });
  s = s
    .replace(/^\s*(?:\d{1,4}\s*[-.)]\s*|\[\d+\]\s*)/, '')
    .replace(/^\s*(?:in|by|edited by|eds?\.?)\s*:?\s+/i, '')
    .replace(/[,(]?\s*\(?\b(?:eds?|editors?|hrsg|hg|coord|dir|orgs?|comps?)\b\.?\)?[.,:]?\s*$/i, '')
    .replace(/\s*\((?:eds?|hrsg|hg)\.?\)\s*/gi, ' ');
  // Trailing punctuation goes, except the period of a final initial.
  s = s.replace(/[.,;:\s]+$/, (m) => (/\b\p{Lu}$/u.test(s.slice(0, s.length - m.length)) && m.startsWith('.') ? '.' : ''));
  if (!s) return { names: [], etAl };
  // "PARK, Heon, Zhaoxia LI": when family names are set in capitals, short capitalised words are names, not initials.
  const capsFamilies = /(?<!\p{L})\p{Lu}{4,}(?!\p{L})/u.test(s) && /\p{Lu}\p{Ll}{2,}/u.test(s);
  const unified = s.replace(/\s*(?:;|&|\band\b|\bund\b|\bet\b|\by\b|\be\b|\bi\b|\bwith\b)\s*/gu, ',');
  const parts = unified
    .split(',')
    .map((p) => clean(p))
    .filter((p) => p && !/^(?:and|&)$/i.test(p))
    .map((p) => classify(p, capsFamilies));

  const names: CslName[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    const next = parts[i + 1];
    if (p.kind === 'literal') {
      names.push({ literal: p.text });
    } else if (p.kind === 'single' && next?.kind === 'familyInitials' && /^\p{Lu}\p{Ll}+$/u.test(next.words[0]!) && /\.$/.test(next.text)) {
      // "Kuhn, Thomas S.": a given name with a dotted middle initial after an inverted family name.
      names.push({ family: p.text, given: next.text });
      i++;
    } else if (p.kind === 'familyInitials') {
      names.push(familyFirst(p.words));
    } else if (p.kind === 'initialsFamily') {
      const k = p.words.findIndex((w) => !isInitials(w, false));
      names.push({ family: clean(p.words.slice(k).join(' ')), given: clean(p.words.slice(0, k).join(' ')) });
    } else if (
      (p.kind === 'single' || (p.kind === 'words' && isCaps(p.words[0]!))) &&
      next &&
      (next.kind === 'initials' || next.kind === 'words' || (next.kind === 'single' && !isCaps(next.words[0]!)))
    ) {
      // Inverted "Family, Given": the next part holds the given names.
      names.push({ family: p.text, given: next.text });
      i++;
    } else if (p.kind === 'initials') {
      // Stray initials (e.g. after a family name that was split off by a comma) belong to the previous name.
      const prev = names[names.length - 1];
      if (prev && !prev.given && prev.family) prev.given = p.text;
      else names.push({ family: p.text });
    } else if (p.kind === 'words') {
      names.push(directOrder(p.words));
    } else {
      names.push({ family: p.text });
    }
  }
  return { names: names.map(compactName).filter((n) => n.family || n.literal), etAl };
}

/** Family name (or institution) of a CSL name, as used for matching and evaluation. */
export function familyOf(n: CslName): string {
  return n.family ?? n.literal ?? '';
}
