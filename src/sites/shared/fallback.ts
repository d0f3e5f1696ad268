import type { CslItem } from '../../core/csl';
import { idsFromText } from '../../core/identifiers';
import type { ExtractedReference } from '../../core/reference';
import { collapse } from '../dom';

/** The whole text of an item, whitespace collapsed. */
const wholeText = (item: Element): string => collapse(item.textContent ?? '');

/**
 * An adapter's `extract` that never throws: `read(item)`, or on malformed markup the item's plain text with the
 * identifiers written in it, so the item still gets tools.
 */
export function extractOrPlainText(
  read: (item: Element) => ExtractedReference,
  plainText: (item: Element) => string = wholeText,
  fallbackCsl: Partial<CslItem> = {},
): (item: Element) => ExtractedReference {
  return (item) => {
    try {
      return read(item);
    } catch {
      const text = plainText(item);
      return { text, ids: idsFromText(text), csl: { ...fallbackCsl } };
    }
  };
}

/** The item's reference from its already-read text: `read()`'s ids and CSL, or (if the markup breaks it) the text's ids. */
export function referenceOrPlainText(text: string, read: () => Omit<ExtractedReference, 'text'>): ExtractedReference {
  try {
    return { text, ...read() };
  } catch {
    return { text, ids: idsFromText(text), csl: {} };
  }
}
