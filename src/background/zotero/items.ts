/**
 * CSL items → Zotero "translator" items, the shape the Zotero connector's /connector/saveItems expects
 * (zotero/zotero: server_connector.js SaveItems → Translate.ItemSaver → Item#fromJSON). Pure.
 */
import type { CslItem, CslName, CslType } from '../../core/csl';

export interface ZoteroCreator {
  creatorType: 'author' | 'editor';
  firstName?: string;
  lastName?: string;
  /** Single-field name (institutions). */
  name?: string;
}

export interface ZoteroItem {
  itemType: string;
  /** The connector's key for the item within one save session. */
  id: string;
  title?: string;
  creators: ZoteroCreator[];
  date?: string;
  notes: Array<{ note: string }>;
  tags: never[];
  attachments: never[];
  [field: string]: unknown;
}

const ITEM_TYPE: Record<CslType, string> = {
  'article-journal': 'journalArticle',
  book: 'book',
  chapter: 'bookSection',
  'paper-conference': 'conferencePaper',
  report: 'report',
  thesis: 'thesis',
  webpage: 'webpage',
  dataset: 'dataset',
  article: 'preprint',
  document: 'document',
};

/** The Zotero field that holds the CSL container title, per item type. */
const CONTAINER_FIELD: Record<string, string> = {
  journalArticle: 'publicationTitle',
  bookSection: 'bookTitle',
  conferencePaper: 'proceedingsTitle',
  report: 'seriesTitle',
  webpage: 'websiteTitle',
  preprint: 'repository',
  dataset: 'repository',
};

/** The Zotero field for the CSL publisher. */
const PUBLISHER_FIELD: Record<string, string> = {
  book: 'publisher',
  bookSection: 'publisher',
  conferencePaper: 'publisher',
  report: 'institution',
  thesis: 'university',
  document: 'publisher',
  preprint: 'repository',
  dataset: 'repository',
};

/** Types with a DOI field; elsewhere the DOI goes into Extra as "DOI: …", Zotero's own convention. */
const HAS_DOI = new Set(['journalArticle', 'conferencePaper', 'preprint', 'dataset']);
const HAS_VOLUME = new Set(['journalArticle', 'book', 'bookSection', 'conferencePaper']);
const HAS_PAGES = new Set(['journalArticle', 'bookSection', 'conferencePaper', 'report']);

function creator(n: CslName, creatorType: ZoteroCreator['creatorType']): ZoteroCreator | undefined {
  if (n.family) return { creatorType, lastName: n.family, firstName: n.given ?? '' };
  const name = n.literal ?? n.given;
  return name ? { creatorType, name } : undefined;
}

/** "2020", "2020-03" or "2020-03-05" from CSL date parts; else the raw or literal text. */
function dateOf(item: CslItem): string | undefined {
  const parts = item.issued?.['date-parts']?.[0];
  if (parts?.length) {
    const [y, m, d] = parts.map((p) => String(p));
    return [y, m?.padStart(2, '0'), d?.padStart(2, '0')].filter(Boolean).join('-');
  }
  return item.issued?.raw ?? item.issued?.literal;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A private note becomes a Zotero child note: escaped text, one paragraph per line. */
function noteHtml(text: string): string {
  return text
    .split(/\n/)
    .map((line) => `<p>${escapeHtml(line)}</p>`)
    .join('');
}

export function toZoteroItem(item: CslItem, index: number): ZoteroItem {
  const itemType = ITEM_TYPE[item.type] ?? 'journalArticle';
  const out: ZoteroItem = {
    itemType,
    id: `reflens-${index + 1}`,
    creators: [
      ...(item.author ?? []).map((n) => creator(n, 'author')),
      ...(item.editor ?? []).map((n) => creator(n, 'editor')),
    ].filter((c): c is ZoteroCreator => !!c),
    notes: item.note?.trim() ? [{ note: noteHtml(item.note.trim()) }] : [],
    tags: [],
    attachments: [],
  };
  const extra: string[] = [];
  const set = (field: string | undefined, value: string | undefined) => {
    if (field && value && out[field] === undefined) out[field] = value;
  };
  set('title', item.title);
  set('date', dateOf(item));
  set(CONTAINER_FIELD[itemType], item['container-title']);
  if (itemType === 'journalArticle') {
    set('journalAbbreviation', item['container-title-short']);
    set('ISSN', item.ISSN);
  }
  set(PUBLISHER_FIELD[itemType], item.publisher);
  set('place', item['publisher-place']);
  if (HAS_VOLUME.has(itemType)) set('volume', item.volume);
  if (itemType === 'journalArticle') set('issue', item.issue);
  if (HAS_PAGES.has(itemType)) set('pages', item.page);
  if (itemType === 'report') set('reportNumber', item.number);
  if (itemType === 'preprint') set('archiveID', item.number);
  if (item.DOI) {
    if (HAS_DOI.has(itemType)) out.DOI = item.DOI;
    else extra.push(`DOI: ${item.DOI}`);
  }
  if (item.PMID) extra.push(`PMID: ${item.PMID}`);
  if (item.PMCID) extra.push(`PMCID: ${item.PMCID}`);
  set('url', item.URL);
  if (extra.length) out.extra = extra.join('\n');
  return out;
}
