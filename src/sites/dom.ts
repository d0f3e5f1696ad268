/** Small DOM readers shared by site adapters. They never mutate the page. */

import { collapse } from '../core/text';

export { collapse };

const BLOCK = new Set(['address', 'article', 'aside', 'blockquote', 'dd', 'div', 'dl', 'dt', 'figcaption', 'figure', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'li', 'ol', 'p', 'section', 'table', 'td', 'th', 'tr', 'ul', 'br']);
const SKIP = new Set(['script', 'style', 'template', 'reflens-tools']);

/** Elements whose presence makes textOf differ from textContent: block boundaries become spaces, skipped subtrees. */
export const STRUCTURE = [...BLOCK, ...SKIP].join(',');

/**
 * Visible-ish text of an element: text nodes joined, block boundaries become spaces, whitespace collapsed.
 * Subtrees matching `exclude` (link buttons, labels, our own tools) are skipped. Reads no layout (runs for every
 * item of long lists): the excluded elements are found in one query, not matched one element at a time. An element
 * with only inline content is read with textContent, one call: walking it node by node from a content script's
 * isolated world costs a wrapper per node.
 */
export function textOf(el: Element, exclude?: string): string {
  if (el.childElementCount === 0) return collapse(el.textContent ?? '');
  const excluded = exclude && el.querySelector(exclude) ? el.querySelectorAll(exclude) : [];
  if (excluded.length === 0 && !el.querySelector(STRUCTURE)) return collapse(el.textContent ?? '');
  const skip = excluded.length ? new Set<Element>(excluded) : undefined;
  const parts: string[] = [];
  const walk = (node: Node): void => {
    for (let c = node.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 3) parts.push(c.nodeValue ?? '');
      else if (c.nodeType === 1) {
        const e = c as Element;
        const tag = e.localName.toLowerCase();
        if (SKIP.has(tag) || skip?.has(e)) continue;
        const block = BLOCK.has(tag);
        if (block) parts.push(' ');
        walk(e);
        if (block) parts.push(' ');
      }
    }
  };
  walk(el);
  return collapse(parts.join(''));
}

/** Text of the first element matching `selector` inside `root`, or undefined. */
export function textAt(root: Element, selector: string, exclude?: string): string | undefined {
  const el = root.querySelector(selector);
  if (!el) return undefined;
  const t = textOf(el, exclude);
  return t || undefined;
}

/** All `href` values of anchors inside `root` (absolute as the browser resolves them). */
export function hrefsIn(root: Element, selector = 'a[href]'): string[] {
  const out: string[] = [];
  for (const a of root.querySelectorAll<HTMLAnchorElement>(selector)) {
    const h = a.getAttribute('href');
    if (h) out.push(a.href || h);
  }
  return out;
}

/** Elements of `selector` that are not inside an element matching `notInside`. */
export function queryOutside(root: ParentNode, selector: string, notInside: string): Element[] {
  return [...root.querySelectorAll(selector)].filter((el) => !el.parentElement?.closest(notInside));
}
