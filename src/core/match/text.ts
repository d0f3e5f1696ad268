/** String preparation shared by query building and validation. Pure, no DOM. */

// Letters that NFKD does not decompose into ASCII + combining mark.
const SPECIAL_LETTERS: Record<string, string> = {
  ø: 'o', Ø: 'o', ß: 'ss', æ: 'ae', Æ: 'ae', œ: 'oe', Œ: 'oe', ł: 'l', Ł: 'l', đ: 'd', Đ: 'd', ð: 'd', þ: 'th',
  ı: 'i', ĸ: 'k',
};
const SPECIAL_RE = /[øØßæÆœŒłŁđĐðþıĸ]/g;

/** Lower case, diacritics folded (é→e, ø→o), everything else kept. */
export function foldText(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(SPECIAL_RE, (c) => SPECIAL_LETTERS[c] ?? c)
    .toLowerCase();
}

/** Folded, non-alphanumerics collapsed to single spaces, trimmed. */
export function normalizeText(s: string): string {
  return foldText(s)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

// PDF-extracted strings break DOIs across lines ("10.1016/  S0962-…", "10.  1890/…"), hence the optional spaces.
const DOI_RE = /(?:https?:\/\/(?:dx\.)?doi\.org\/|\bdoi:?\s*)?(?<!\d)10\.\s*\d{4,9}\/\s*[-._;()/:<>[\]a-zA-Z0-9]+/gi;
// What is left after "doi:" when the prefix was lost or the DOI is cut ("doi:  1033.1989.tb15109.x").
const DOI_LABEL_RE = /\bdoi\s*:\s*\S*/gi;
const ARXIV_RE = /(?:https?:\/\/arxiv\.org\/(?:abs|pdf)\/|(?<![a-zA-Z0-9])arxiv:\s*)(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[a-z]{2})?\/\d{7})(?:v\d+)?/gi;
const PMID_RE = /\b(?:PMID|PMCID|PubMed(?:\s+ID)?)\s*:?\s*(?:PMC)?\d+/gi;
// Links may be proxied and carry session tokens: they must not reach a search service.
const URL_RE = /\b(?:https?:\/\/|www\.)\S+/gi;
const BRACKETED_RE = /\[[^[\]]*\]/g;
// "(1) ", "[12] ", "3. " and the AIP habit of gluing the label to the first name ("1H.B. Bull"), the initial perhaps
// misread ("1 q.J. Teyler"); not an ordinal ("2nd Conference").
const LEADING_LABEL_RE = /^\s*(?:\(\d{1,3}\)|\d{1,3}[.)](?=\s)|\d{1,3}(?!(?:st|nd|rd|th)\b)(?=\s*\p{L}[^\d]))\s*/iu;

/**
 * Removes what must not be scored as bibliographic numbers: DOIs, arXiv ids, PubMed ids, URLs, [...] groups
 * (reference labels, "[PubMed]" link text, "[German]") and a leading list label.
 */
export function stripNonBibliographic(s: string): string {
  return s
    .replace(DOI_RE, ' ')
    .replace(DOI_LABEL_RE, ' ')
    .replace(ARXIV_RE, ' ')
    .replace(PMID_RE, ' ')
    .replace(URL_RE, ' ')
    .replace(BRACKETED_RE, ' ')
    .replace(LEADING_LABEL_RE, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The string to send as a bibliographic search query: identifiers and link text removed, PDF hyphenation
 * ("Endo-\nscopic") rejoined. Numbers stay: they help ranking.
 */
export function searchQueryText(refString: string): string {
  return stripNonBibliographic(refString.replace(/(\p{Ll})-\s*\n\s*(\p{Ll})/gu, '$1$2'));
}

// A lower-case word run into a capitalised one ("InternationalJournal", "ofEnvironmental"), or letters into digits
// ("Health111"): how PDF text extraction loses spaces. Two lower-case letters before the capital spare "McCartney".
const RUN_TOGETHER_RE = /[\p{L}\p{N}]*(?:\p{Ll}{2}\p{Lu}|\p{L}{3}\d|\d\p{L}{3})[\p{L}\p{N}]*/gu;
const RUN_TOGETHER_SPLIT_RE = /(?<=\p{Ll}{2})(?=\p{Lu})|(?<=\p{L}{3})(?=\d)|(?<=\d)(?=\p{L}{3})/u;

/** Longest query sent: Crossref rejects very long query strings, and a reference is never that long. */
export const MAX_SEARCH_QUERY_CHARS = 1000;

/**
 * The search query for a reference string, as sent to Crossref `query.bibliographic` and to the offline eval's
 * stand-in: searchQueryText plus the parts of words a PDF ran together ("InternationalJourn al ofEnvironmental" adds
 * "International Journ of Environmental"), so that a word search finds them (the run-together words stay, as some
 * are names: "PharmaDeals", "ChemInform"); length capped.
 */
export function searchQuery(refString: string): string {
  return withRunTogetherParts(searchQueryText(refString)).slice(0, MAX_SEARCH_QUERY_CHARS).trim();
}

/** The text followed by the parts of its run-together words (see searchQuery). */
function withRunTogetherParts(text: string): string {
  const parts = (text.match(RUN_TOGETHER_RE) ?? []).flatMap((w) => w.split(RUN_TOGETHER_SPLIT_RE));
  return parts.length === 0 ? text : `${text} ${parts.join(' ')}`;
}

const DASHES = '\\u002D\\u00AD\\u2010\\u2011\\u2012\\u2013\\u2014\\u2015\\u207B\\u208B\\u2212';
// Not inside a decimal ("pH 4.2-5.3"), but a range may end a sentence ("436-44."); not a last page glued to a letter
// ("160–1Q5": PDF noise, not an abbreviated "161").
const RANGE_RE = new RegExp(`(?<!\\d|\\d\\.)(\\d+)\\s?[${DASHES}]\\s?(\\d+)(?![\\d\\p{L}]|\\.\\d)`, 'gu');

// A last page split by a stray space ("625–62 6"), told from an abbreviated one by its pieces making a page as long as
// the first.
const SPLIT_RANGE_END_RE = new RegExp(`(?<!\\d|\\d\\.)(\\d{2,})(\\s?[${DASHES}]\\s?)(\\d+) (\\d{1,3})(?![\\d\\p{L}]|\\.\\d)`, 'gu');

/**
 * Completes abbreviated last pages ("1425-37" → "1425-1437"), joins split ones ("625–62 6" → "625-626") and unifies
 * dashes in numeric ranges.
 */
export function expandPageRanges(s: string): string {
  const joined = s.replace(SPLIT_RANGE_END_RE, (m, first: string, dash: string, head: string, tail: string) =>
    head.length + tail.length === first.length && Number(head + tail) >= Number(first) ? `${first}${dash}${head}${tail}` : m,
  );
  return joined.replace(RANGE_RE, (_m, first: string, last: string) => {
    if (first.length > last.length && Number(first.slice(first.length - last.length)) <= Number(last)) {
      return `${first}-${first.slice(0, first.length - last.length)}${last}`;
    }
    return `${first}-${last}`;
  });
}

/** Every maximal digit run, in order. */
export function numbersIn(s: string): string[] {
  return s.match(/\d+/g) ?? [];
}

/** Number strings compared without leading zeros ("05" == "5"). */
export function canonicalNumber(n: string): string {
  const t = n.replace(/^0+(?=\d)/, '');
  return t;
}

const STOP_WORDS = new Set([
  'a', 'an', 'and', 'the', 'of', 'in', 'on', 'for', 'to', 'at', 'by', 'with', 'from', 'de', 'der', 'die', 'und',
  'la', 'le', 'les', 'des', 'du', 'et', 'al', 'el', 'en', 'y', 'e', 'i', 'da', 'do', 'di', 'von', 'van', 'ed', 'eds',
  'vol', 'pp', 'p', 'no', 'n', 'pag', 'journal', 'j',
  // link and access labels that pages put inside reference items
  'pubmed', 'crossref', 'google', 'scholar', 'medline', 'doi', 'pmid', 'pmcid', 'pmc', 'isi', 'available', 'online',
  'retrieved', 'accessed', 'http', 'https', 'www', 'org', 'com', 'html', 'abstract', 'full', 'text', 'view', 'article',
]);

/** Content words (folded, ≥ 3 letters, not stop words), for word-overlap features. */
export function contentWords(s: string): string[] {
  return normalizeText(s)
    .split(' ')
    .filter((w) => w.length >= 3 && !/\d/.test(w) && !STOP_WORDS.has(w));
}
