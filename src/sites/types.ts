import type { ExtractedReference, Identifiers } from '../core/reference';

/**
 * One publisher platform. Adapters are pure DOM readers: no network, no page mutation.
 * The content script asks `findItems` for the reference items of the page's main list, in page order,
 * and `extract` for each item's data.
 */
export interface SiteAdapter {
  /** Stable id, e.g. "elsevier-health". */
  id: string;
  /** Human name for the coverage table. */
  name: string;
  /** Hostnames the adapter serves; used for content-script matches. A leading "*." covers subdomains. */
  hosts: string[];
  /** True when this adapter should handle the page. Called once per page with the page URL. */
  matches(url: URL, doc: Document): boolean;
  /** The reference items of the page's main list (never duplicated side panels or inline copies). */
  findItems(doc: Document): Element[];
  /** Reads one item. Must not throw on malformed markup: return what can be read. */
  extract(item: Element): ExtractedReference;
  /**
   * The identifiers an item's links name, read without its text (optional). An item whose links name a DOI is looked
   * up by its identifiers alone, and `extract` reads the rest only when the user needs it (a citation, a note, an
   * export): most items of long lists on platforms with link buttons, read at a fraction of the cost.
   */
  linkedIds?(item: Element): Identifiers;
  /**
   * Where the tools element goes. Default: appended inside the item.
   * Adapters whose items are inline (`<li>` text) may prefer that too; return the parent and reference node.
   */
  placeTools?(item: Element, tools: HTMLElement): void;
  /** CSS selector of the element(s) whose subtree may receive the list late; the content script observes them. */
  lateListRoot?: string;
}
