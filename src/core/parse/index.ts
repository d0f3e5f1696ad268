/**
 * Free-text reference parser: clean-up → tokens → linear-chain labeller (weights trained on the tune half of
 * parsing-train.jsonl by scripts/lib/eval-parse-train.ts) → field assembly with rules (names, pages, volume/issue).
 * DOI/PMID/PMCID/arXiv come from the identifier module, never from the labeller. Pure and synchronous; never throws.
 */
import type { CslItem, CslName } from '../csl';
import { findDois, idsFromText } from '../identifiers';
import { safeHttpUrl } from '../url';
import { edgeFeatures, featurize, LABELS, YEAR, type Label } from './features';
import { decode, loadModel, type ChainModel } from './model';
import { splitNames } from './names';
import { cleanReference, numberingPrefixLength } from './normalize';
import {
  JOURNAL_WORD,
  pageRange,
  repairIdentifiers,
  splitQuotedTitle,
  stripDoiView,
  stripScope,
  tidy,
  typeOf,
  VOLUME,
  volumeAndIssue,
} from './fields';
import { tokenize, type Token } from './tokenize';
import { MODEL_SCALE, MODEL_WEIGHTS } from './weights';

export { stripDoiView, volumeAndIssue } from './fields';

export interface ParsedReference {
  csl: Partial<CslItem>;
  arxiv?: string;
  /** Raw text the labeller assigned to each field (first span per label), for debugging and evaluation. */
  segments: Partial<Record<Label, string>>;
}

/** Longer token sequences are not one reference; the tail is ignored. */
const MAX_TOKENS = 300;

let model: ChainModel | undefined;
function getModel(): ChainModel {
  model ??= loadModel(MODEL_WEIGHTS, MODEL_SCALE);
  return model;
}

/** Two common shapes (Vancouver, APA with a DOI): parsing them once compiles the parser's code paths. */
const WARM_UP = [
  'Murthy RK, Loi S, Okines A, et al. Tucatinib, trastuzumab, and capecitabine for HER2-positive metastatic breast cancer. N Engl J Med. 2020;382(7):597-609.',
  'Smith, J. A., & Jones, B. (2019). A title of the work: With a subtitle. Journal of Things, 12(3), 45–67. https://doi.org/10.1000/xyz123',
];

/**
 * Loads the model and warms the parser up now, while nothing waits: a fresh worker's first parses run unoptimised
 * code (about 100 ms more for the first page's references).
 */
export function preloadParser(): void {
  getModel();
  for (const s of WARM_UP) parseReference(s);
}

export interface Prepared {
  text: string;
  /** Offsets in the raw string of each character of `text`. */
  map: number[];
  tokens: Token[];
  feats: string[][];
  edges: string[][];
}

/** The cleaned text, its tokens and their features (shared with training). */
export function prepare(raw: string): Prepared {
  const cleaned = cleanReference(raw);
  const skip = numberingPrefixLength(cleaned.text);
  const text = cleaned.text.slice(skip);
  const map = cleaned.map.slice(skip);
  const tokens = tokenize(text).slice(0, MAX_TOKENS);
  return { text, map, tokens, feats: featurize(tokens), edges: edgeFeatures(tokens) };
}

interface Run {
  label: Label;
  text: string;
  first: number;
  last: number;
}

/** Closing brackets the run opened, and "?"/"!", belong to it although they follow its last token. */
function closeRun(run: Run, tokens: Token[]): void {
  const post = tokens[run.last]!.post;
  // Names keep the period of a final initial ("Kuhn, Thomas S.").
  if ((run.label === 'author' || run.label === 'editor') && /^\p{Lu}$/u.test(tokens[run.last]!.text) && post.startsWith('.')) {
    run.text += '.';
    return;
  }
  let open = (run.text.match(/[([]/g)?.length ?? 0) - (run.text.match(/[)\]]/g)?.length ?? 0);
  let k = 0;
  for (; k < post.length; k++) {
    const ch = post[k]!;
    if ((ch === ')' || ch === ']') && open > 0) open--;
    else if (ch !== '?' && ch !== '!' && ch !== '"' && ch !== '”' && ch !== '’') break;
  }
  run.text += post.slice(0, k);
}

function runsOf(text: string, tokens: Token[], labels: Label[]): Run[] {
  const runs: Run[] = [];
  tokens.forEach((t, i) => {
    const prev = runs[runs.length - 1];
    if (prev && prev.label === labels[i]) {
      prev.last = i;
      prev.text = text.slice(tokens[prev.first]!.start, t.end);
    } else runs.push({ label: labels[i]!, text: t.text, first: i, last: i });
  });
  for (const r of runs) closeRun(r, tokens);
  return runs;
}

export function parseReference(raw: string): ParsedReference {
  const empty: ParsedReference = { csl: {}, segments: {} };
  if (typeof raw !== 'string' || !raw.trim()) return empty;
  const { text, tokens, feats, edges } = prepare(raw);
  if (tokens.length === 0) return empty;
  const labels = decode(getModel(), feats, edges).map((y) => LABELS[y]!);
  // Identifiers are recognised by pattern, not by the model.
  tokens.forEach((t, i) => {
    if (t.kind === 'doi') labels[i] = 'doi';
    else if (t.kind === 'url') labels[i] = /doi\.org\/10\./i.test(t.text) ? 'doi' : 'url';
    else if (/^\d{1,9}$/.test(t.text) && /\bpmid\s*:?\s*$/i.test(text.slice(Math.max(0, t.start - 8), t.start))) labels[i] = 'pmid';
  });
  // "2012; 108(8)": a year followed by more scope numbers is the date, not the volume.
  tokens.forEach((t, i) => {
    const l = labels[i];
    if ((l === 'volume' || l === 'issue') && YEAR.test(t.text) && /^\s*[;,]/.test(t.post) && /\d/.test(tokens[i + 1]?.text ?? '')) {
      labels[i] = 'date';
    }
  });
  // "Prog. Theor. Phys.": an abbreviated word labelled title right before the container is part of it.
  for (let i = 0; i < tokens.length; i++) {
    if (labels[i] !== 'title' || labels[i - 1] === 'title') continue;
    let j = i;
    while (labels[j + 1] === 'title') j++;
    const short = j - i < 2 && tokens.slice(i, j + 1).every((t) => /^\p{Lu}\p{L}{0,7}$/u.test(t.text) && /^\./.test(t.post));
    if (short && labels[j + 1] === 'container') for (let k = i; k <= j; k++) labels[k] = 'container';
  }
  // ACS/AIP "Becke, A. D. J. Chem. Phys. 1993": the journal abbreviation was read as more initials.
  const firstNonAuthor = labels.findIndex((l) => l !== 'author');
  for (let i = 1; i < firstNonAuthor; i++) {
    if (/^\p{Lu}$/u.test(tokens[i]!.text) && JOURNAL_WORD.test(tokens[i + 1]?.text ?? '') && labels[firstNonAuthor] === 'container') {
      for (let k = i; k < firstNonAuthor; k++) labels[k] = 'container';
      break;
    }
  }
  // "Proc Natl Acad Sci USA 1977;74": a place glued to the journal name belongs to it.
  tokens.forEach((t, i) => {
    if (labels[i] === 'location' && labels[i - 1] === 'container' && t.pre === ' ' && labels.includes('volume')) labels[i] = 'container';
  });
  const runs = runsOf(text, tokens, labels);
  const segments: Partial<Record<Label, string>> = {};
  for (const r of runs) segments[r.label] ??= r.text;
  const firstRun = (label: Label, accept: (r: Run) => boolean = () => true): Run | undefined =>
    runs.find((r) => r.label === label && accept(r));

  const csl: Partial<CslItem> = {};
  const authorRun = firstRun('author');
  if (authorRun) {
    const { names, etAl } = splitNames(authorRun.text);
    if (names.length) csl.author = names;
    if (etAl) csl._etAl = true;
  }
  const editorRun = firstRun('editor');
  if (editorRun) {
    const editors: CslName[] = splitNames(editorRun.text).names;
    if (editors.length) csl.editor = editors;
  }
  const title = firstRun('title');
  if (title && tidy(title.text)) csl.title = tidy(title.text);
  const container = firstRun('container');
  if (container && tidy(container.text, true)) {
    const name = tidy(container.text, true);
    // Abbreviated names keep their final period ("J. Chem. Phys.").
    const abbreviated = /\b\p{Lu}\p{L}{0,5}\.\s/u.test(name) && /\b\p{Lu}\p{L}{0,5}$/u.test(name);
    csl['container-title'] = abbreviated && tokens[container.last]!.post.startsWith('.') ? `${name}.` : name;
  }

  const yearOf = (r: Run): string | undefined =>
    tokens.slice(r.first, r.last + 1).find((t) => YEAR.test(t.text))?.text.slice(0, 4);
  if (csl.title) splitQuotedTitle(csl);

  // A book: the labeller may call its title a container when nothing else is cited.
  if (!csl.title && csl['container-title'] && !firstRun('volume') && !firstRun('pages') && !firstRun('issue') && !firstRun('editor')) {
    csl.title = csl['container-title'];
    delete csl['container-title'];
  }

  const dateRun = firstRun('date', (r) => !!yearOf(r));
  const year = dateRun ? yearOf(dateRun) : undefined;
  if (year) csl.issued = { 'date-parts': [[Number(year)]] };

  const volumeRun = firstRun('volume');
  if (volumeRun) {
    const { volume, issue } = volumeAndIssue(volumeRun.text);
    if (volume) csl.volume = volume;
    if (issue) csl.issue = issue;
  }
  const issueRun = firstRun('issue');
  if (issueRun) {
    const v = VOLUME.exec(stripScope(issueRun.text))?.[0];
    if (v) csl.issue = v.replace(/\s+/g, '');
  }
  const pagesRun = firstRun('pages');
  // ACS "1965, 140, A1133–A1138": volume and pages labelled as one run.
  const both = !csl.volume && pagesRun ? /^(\d{1,5}),\s*([A-Za-z]{0,2}\d+.*)$/.exec(pagesRun.text) : null;
  if (both) csl.volume = both[1];
  const page = pagesRun ? pageRange(both ? both[2]! : pagesRun.text) : undefined;
  if (page) csl.page = page;
  const publisher = firstRun('publisher');
  if (publisher && tidy(publisher.text)) csl.publisher = tidy(publisher.text);
  const location = firstRun('location');
  if (location && tidy(location.text)) csl['publisher-place'] = tidy(location.text);

  const idText = repairIdentifiers(text);
  const ids = idsFromText(idText);
  const doi = findDois(idText)[0] ?? ids.doi;
  if (doi) csl.DOI = stripDoiView(doi);
  if (ids.pmid) csl.PMID = ids.pmid;
  if (ids.pmcid) csl.PMCID = ids.pmcid;
  const url = tokens.find((t, i) => t.kind === 'url' && labels[i] === 'url');
  const safeUrl = url ? safeHttpUrl(url.text.startsWith('www.') ? `https://${url.text}` : url.text) : undefined;
  if (safeUrl) csl.URL = safeUrl;
  const inCue = !!container && (/^(?:in|dans)\b/i.test(container.text) || /^(?:in|dans)$/i.test(tokens[container.first - 1]?.text ?? ''));
  csl.type = typeOf(csl, text, ids.arxiv, inCue);
  const out: ParsedReference = { csl, segments };
  if (ids.arxiv) out.arxiv = ids.arxiv;
  return out;
}
