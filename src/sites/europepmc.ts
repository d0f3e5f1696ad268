import { idsFromText, mergeIds } from '../core/identifiers';
import type { ExtractedReference } from '../core/reference';
import { textOf } from './dom';
import { citationText, linkIdsIn } from './pmc';
import type { SiteAdapter } from './types';

/*
 * Europe PMC (europepmc.org/article/MED/<pmid>, /article/PMC/<pmcid>, /abstract/MED/…), publisher-dom.md §3 and §11:
 * a single-page app; the full text (JATS rendered like classic PMC) is inserted only after the reader opens it
 * (#free-full-text), with the reference list as div.ref-cit-blk[id^="B"] blocks (element-citation / mixed-citation text
 * and bracketed links to /article/PMC/…, /abstract/MED/…, doi.org). Side lists of the app ("Similar articles",
 * "Citations & impact") are other articles' records and are never read.
 */

const ORIGIN = 'https://europepmc.org/';
const ITEMS = 'div.ref-cit-blk, #reference-list li[id], .ref-list li[id]';
const NOT_REFERENCES = '.similar-articles, #similar-articles, .citations-and-impact, #impact, aside, nav';

function findItems(doc: Document): Element[] {
  return [...doc.querySelectorAll(ITEMS)].filter(
    (el) => !el.parentElement?.closest(ITEMS) && !el.closest(NOT_REFERENCES),
  );
}

function extract(item: Element): ExtractedReference {
  const text = citationText(item);
  return { text, ids: mergeIds(linkIdsIn(item, ORIGIN), idsFromText(text)), csl: {} };
}

export const europepmc: SiteAdapter = {
  id: 'europepmc',
  name: 'Europe PMC',
  hosts: ['europepmc.org'],
  matches(url: URL): boolean {
    const host = url.hostname.toLowerCase();
    return (host === 'europepmc.org' || host === 'www.europepmc.org') && /^\/(?:article|abstract|articles)\//i.test(url.pathname);
  },
  findItems,
  extract(item: Element): ExtractedReference {
    try {
      return extract(item);
    } catch {
      const text = textOf(item, 'a, .ref-label, reflens-tools');
      return { text, ids: idsFromText(text), csl: {} };
    }
  },
  placeTools(item: Element, tools: HTMLElement): void {
    item.append(tools);
  },
  // The app root exists at load and receives the full text (the content script falls back to body without it).
  lateListRoot: '#app',
};
