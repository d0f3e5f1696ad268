/** Text helpers shared by site adapters and pure modules. */

/** Whitespace that collapse() changes: a run, any space but " ", a zero-width space, or space at either end. */
const UNCOLLAPSED = /[\s\u200b]{2}|[^\S ]|\u200b|^ | $/;

export function collapse(s: string): string {
  // Most strings are already collapsed: testing is cheaper than building a copy.
  return UNCOLLAPSED.test(s) ? s.replace(/[\s\u00a0\u2009\u200b]+/g, ' ').trim() : s;
}
