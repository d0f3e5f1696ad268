/**
 * Free-text reference parser: clean-up → tokens → linear-chain labeller (weights trained on the tune half of
 * parsing-train.jsonl by scripts/lib/eval-parse-train.ts) → field assembly with rules (names, pages, volume/issue).
 * DOI/PMID/PMCID/arXiv come from the identifier module, never from the labeller. Pure and synchronous; never throws.
 */
import type { CslItem, CslName, CslType } from '../csl';
import { findDois, idsFromText } from '../identifiers';
import { safeHttpUrl } from '../url';
import { edgeFeatures, featurize, LABELS, YEAR, type Label } from './features';
import { decode, loadModel, type ChainModel } from './model';
import { splitNames } from './names';
import { cleanReference, numberingPrefixLength } from './normalize';
import { tokenize, type Token } from './tokenize';
import { MODEL_SCALE, MODEL_WEIGHTS } from './weights';

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

const SCOPE_PREFIX =
  /^(?:vol(?:ume)?|v|bd|band|t|tome|tomo|no|nos|nr|num(?:ber|éro|ero)?|n[°º]|issue|iss|heft|h|fasc|pp|p|pages?|s|seiten|str|art(?:icle)?)\s*\.?\s*[:#]?\s*/i;

function stripScope(s: string): string {
  let t = s.trim().replace(/^[\s(,.;:[]+/, '');
  for (let i = 0; i < 2; i++) t = t.replace(SCOPE_PREFIX, '');
  return t;
}

function tidy(s: string, container = false): string {
  let t = s.replace(/\s+/g, ' ').trim();
  if (container) t = t.replace(/^(?:in|dans|en|em)\s*:?\s+/i, '');
  t = t.replace(/^[\s.,;:"“”‘’«»„(]+/, '').replace(/[\s.,;:"“”‘’«»„]+$/, '');
  while (/[)\]]$/.test(t) && (t.match(/[([]/g)?.length ?? 0) < (t.match(/[)\]]/g)?.length ?? 0)) {
    t = t.slice(0, -1).replace(/[\s.,;:"“”‘’«»]+$/, '');
  }
  return t;
}

function pageRange(s: string): string | undefined {
  const m = /^([A-Za-z]{0,2}\d+[a-z]?)(?:\s*(?:[-‐–—_]+|\bto\b)\s*([A-Za-z]{0,2}\d+[a-z]?))?/.exec(stripScope(s));
  if (!m?.[1]) return undefined;
  const first = m[1];
  let last = m[2];
  if (last && /^\d+$/.test(first) && /^\d+$/.test(last) && last.length < first.length && Number(last) < Number(first)) {
    last = first.slice(0, first.length - last.length) + last;
  }
  return last && last !== first ? `${first}-${last}` : first;
}

/** "…/pdf", "/abstract", "/full" after a DOI taken from a publisher URL name a view, not the work. */
export function stripDoiView(doi: string): string {
  return doi.replace(/\/(?:e?pdf|abstract|full|fulltext|html?|pdfplus|summary)$/i, '');
}

/** Rejoins identifiers broken by PDF line ends: "dx.doi. org", "10.1016/ S0045-", "S0045- 6535". */
function repairIdentifiers(text: string): string {
  let t = text
    .replace(/\bdoi\.\s+org\b/gi, 'doi.org')
    .replace(/\b10\.\s(?=\d{4,9}\/)/g, '10.')
    .replace(/\b(10\.\d{4,9}\/)\s+/g, '$1');
  for (let i = 0; i < 3; i++) {
    t = t.replace(/(\b10\.\d{4,9}\/\S*?(?:[-–(]|:(?=\s\d)|\.(?=\s\p{Ll}[\w.]*\d)))\s+(?=[\w(])/gu, '$1');
  }
  return t;
}

const VOLUME = /^(?:[\p{L}]{0,3}\d+[\p{L}]{0,2}(?:\s*[-–/]\s*\d+)?|[ivxlcdm]+\b)/iu;

function typeOf(csl: Partial<CslItem>, text: string, arxiv: string | undefined): CslType {
  const container = csl['container-title'] ?? '';
  if (/\b(?:thesis|dissertation|th[èe]se|doctoral|dissertação|tese)\b/i.test(text)) return 'thesis';
  if (/\b(?:proc(?:eedings|\.)?|conference|conf\.|congress|symposium|workshop|meeting)\b/i.test(container)) return 'paper-conference';
  if (container && (csl.volume || csl.issue)) return 'article-journal';
  if (/\b(?:technical report|tech\. rep|report no|working paper|white paper)\b/i.test(text)) return 'report';
  if (container && (csl.editor?.length || csl.publisher || /\b(?:in|dans)\s*:?\s/i.test(text.slice(0, text.indexOf(container))))) return 'chapter';
  if (container) return 'article-journal';
  if (arxiv) return 'article';
  if (csl.publisher) return 'book';
  if (csl.URL) return 'webpage';
  return 'document';
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
  if (container && tidy(container.text, true)) csl['container-title'] = tidy(container.text, true);

  const yearOf = (r: Run): string | undefined =>
    tokens.slice(r.first, r.last + 1).find((t) => YEAR.test(t.text))?.text.slice(0, 4);
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
    const v = VOLUME.exec(stripScope(volumeRun.text))?.[0];
    if (v) csl.volume = v.replace(/\s+/g, '');
    const inner = /\(\s*(?:no\.?\s*)?(\d+(?:\s*[-–/]\s*\d+)?)\s*\)/i.exec(volumeRun.text)?.[1];
    if (inner) csl.issue = inner.replace(/\s+/g, '');
  }
  const issueRun = firstRun('issue');
  if (issueRun) {
    const v = VOLUME.exec(stripScope(issueRun.text))?.[0];
    if (v) csl.issue = v.replace(/\s+/g, '');
  }
  const pagesRun = firstRun('pages');
  const page = pagesRun ? pageRange(pagesRun.text) : undefined;
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
  csl.type = typeOf(csl, text, ids.arxiv);
  const out: ParsedReference = { csl, segments };
  if (ids.arxiv) out.arxiv = ids.arxiv;
  return out;
}
