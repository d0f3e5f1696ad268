/** Value clean-up for labelled runs: scope designators, page ranges, titles, identifiers, CSL type. */
import type { CslItem, CslType } from '../csl';

/** "Vol.", "no", "pp.", "pages", "S." (Seite), "Bd." before a number; one-letter cues need a period or space ("S12" is a page). */
export const SCOPE_PREFIX =
  /^(?:(?:vol(?:ume)?s?|bd|band|tome|tomo|nos?|nr|num(?:ber|éro|ero)?|n[°º]|issue|iss|heft|fasc|pp|pgs?|pages?|seiten|str|art(?:icle)?)(?!\p{L})|[vthps](?=[.\s]))\s*\.?\s*[:#]?\s*/iu;

export function stripScope(s: string): string {
  let t = s.trim().replace(/^[\s(,.;:[]+/, '');
  for (let i = 0; i < 2; i++) t = t.replace(SCOPE_PREFIX, '');
  return t;
}

export function tidy(s: string, container = false): string {
  let t = s.replace(/\s+/g, ' ').trim();
  if (container) t = t.replace(/^(?:in|dans|en|em)\s*:?\s+/i, '');
  t = t.replace(/^[\s.,;:"“”‘’«»„(]+/, '').replace(/[\s.,;:"“”‘’«»„]+$/, '');
  while (/[)\]]$/.test(t) && (t.match(/[([]/g)?.length ?? 0) < (t.match(/[)\]]/g)?.length ?? 0)) {
    t = t.slice(0, -1).replace(/[\s.,;:"“”‘’«»]+$/, '');
  }
  return t;
}

export function pageRange(s: string): string | undefined {
  const m = /^([A-Za-z]{0,2}\d+[a-z]?)(?:\s*(?:[-‐–—_]+|\bto\b)\s*([A-Za-z]{0,2}\d+[a-z]?))?/.exec(stripScope(s));
  if (!m?.[1]) return undefined;
  const first = m[1];
  let last = m[2];
  if (last && /^\d+$/.test(first) && /^\d+$/.test(last) && last.length < first.length && Number(last) < Number(first)) {
    last = first.slice(0, first.length - last.length) + last;
  }
  return last && last !== first ? `${first}-${last}` : first;
}

/** A quoted title that swallowed what follows ("“Title,” in Book…") keeps the quotation; the rest may be the container. */
export function splitQuotedTitle(csl: Partial<CslItem>): void {
  const title = csl.title ?? '';
  const quoted = /^(.*?)[“"«]([^”"»]{3,})[”"»]\s*(.*)$/.exec(title);
  if (!quoted || quoted[2]!.length < 0.5 * title.length) return;
  const rest = tidy(quoted[3] ?? '', true);
  csl.title = tidy(quoted[2]!);
  if (rest && !csl['container-title'] && /\S{3,}/.test(rest)) csl['container-title'] = rest;
}

/** "…/pdf", "/abstract", "/full" after a DOI taken from a publisher URL name a view, not the work. */
export function stripDoiView(doi: string): string {
  return doi.replace(/\/(?:e?pdf|abstract|full|fulltext|html?|pdfplus|summary)$/i, '');
}

/** Rejoins identifiers broken by PDF line ends: "dx.doi. org", "10.1016/ S0045-", "S0045- 6535". */
export function repairIdentifiers(text: string): string {
  let t = text
    .replace(/\bdoi\.\s+org\b/gi, 'doi.org')
    .replace(/\b10\.\s(?=\d{4,9}\/)/g, '10.')
    .replace(/\b(10\.\d{4,9}\/)\s+/g, '$1');
  for (let i = 0; i < 3; i++) {
    t = t.replace(/(\b10\.\d{4,9}\/\S*?(?:[-–(]|:(?=\s\d)|\.(?=\s\p{Ll}[\w.]*\d)))\s+(?=[\w(])/gu, '$1');
  }
  return t;
}

/**
 * Volume and issue written in one span: "17(4)", "vol. 27, no. 3", "No 29, Vol. 4", "2013;124" (the year is not
 * the volume), "No. 18" (an issue only).
 */
export function volumeAndIssue(span: string): { volume?: string; issue?: string } {
  const out: { volume?: string; issue?: string } = {};
  const text = span.replace(/<[^>]{0,200}>/g, '');
  const issue =
    /\(\s*(?:no\.?\s*)?(\d+(?:\s*[-–/]\s*\d+)?[a-z]?)\s*\)/i.exec(text)?.[1] ??
    /\b(?:no|nos|nr|n[°º]|issue|iss|heft|h)\s*\.?\s*(\d+(?:\s*[-–/]\s*\d+)?)/i.exec(text)?.[1];
  if (issue) out.issue = issue.replace(/\s+/g, '');
  const labelled = /\bvol(?:ume)?s?\b\.?\s*([\p{L}]{0,3}\d+[\p{L}]{0,2}|[ivxlcdm]+\b)/iu.exec(text)?.[1];
  const startsWithIssue = /^\W*(?:no|nos|nr|n[°º]|issue|iss|heft)\b/i.test(text);
  const bare = startsWithIssue ? undefined : VOLUME.exec(stripScope(text.replace(/^\W*(?:1[5-9]\d\d|20[0-4]\d)\s*[;:,]\s*(?=\S)/, '')))?.[0];
  const volume = labelled ?? bare;
  if (volume) out.volume = volume.replace(/\s+/g, '');
  return out;
}

/** Words that open abbreviated journal names after "J." ("J. Chem. Phys.", "J. Am. Chem. Soc."). */
export const JOURNAL_WORD =
  /^(?:Am|Appl|Biol|Chem|Phys|Org|Mol|Med|Clin|Exp|Cell|Gen|Comput|Math|Stat|Geophys|Pharm|Opt|Neurosci|Immunol|Biochem|Bacteriol|Virol|Mater|Catal|Polym|Electrochem|Fluid|Econ|Acoust|Nutr|Infect|Neurol|Psychol|Agric|Food|Environ|Struct|Inorg|Anal|Nucl|Theor|Mech|Sci|Eng)$/;

export const VOLUME = /^(?:[\p{L}]{0,3}\d+[\p{L}]{0,2}(?:\s*[-–/]\s*\d+)?|[ivxlcdm]+\b)/iu;

/** CSL type from the fields found; `inCue` = the container was introduced by "In". */
export function typeOf(csl: Partial<CslItem>, text: string, arxiv: string | undefined, inCue: boolean): CslType {
  const container = csl['container-title'] ?? '';
  if (/\b(?:thesis|dissertation|th[èe]se|doctoral|dissertação|tese)\b/i.test(text)) return 'thesis';
  const meeting = /\b(?:conference|conf\.|congress|symposium|workshop|meeting)\b/i.test(container);
  if (meeting || (/\bproc(?:eedings|\.)?\b/i.test(container) && !csl.volume)) return 'paper-conference';
  if (container && (csl.volume || csl.issue)) return 'article-journal';
  if (/\b(?:technical report|tech\. rep|report no|working paper|white paper)\b/i.test(text)) return 'report';
  if (container && (csl.editor?.length || csl.publisher || inCue)) return 'chapter';
  if (container) return 'article-journal';
  if (arxiv) return 'article';
  if (csl.publisher) return 'book';
  if (csl.URL) return 'webpage';
  return 'document';
}

