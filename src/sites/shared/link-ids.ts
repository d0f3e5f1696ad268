import { idsFromText, idsFromUrl, mergeIds } from '../../core/identifiers';
import type { Identifiers } from '../../core/reference';

/**
 * Identifiers of the item's links, then of its text (first value wins per field).
 * Google Scholar look-ups are skipped: they carry only the title.
 */
export function idsFromLinksAndText(item: Element, text: string): Identifiers {
  const sets: Identifiers[] = [];
  for (const a of item.querySelectorAll('a[href]')) {
    const href = a.getAttribute('href') ?? '';
    if (!/scholar\.google\./i.test(href)) sets.push(idsFromUrl(href));
  }
  return mergeIds(...sets, idsFromText(text));
}
