/** Small DOM readers shared by site adapters. They never mutate the page. */

const BLOCK = /^(ADDRESS|ARTICLE|ASIDE|BLOCKQUOTE|DD|DIV|DL|DT|FIGCAPTION|FIGURE|FOOTER|H[1-6]|HEADER|LI|OL|P|SECTION|TABLE|TD|TH|TR|UL)$/;

/**
 * Visible-ish text of an element: text nodes joined, block boundaries become spaces, whitespace collapsed.
 * Subtrees matching `exclude` (link buttons, labels, our own tools) are skipped.
 */
export function textOf(el: Element, exclude?: string): string {
  const parts: string[] = [];
  const walk = (node: Node): void => {
    for (let c = node.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 3) parts.push(c.nodeValue ?? '');
      else if (c.nodeType === 1) {
        const e = c as Element;
        const tag = e.tagName.toUpperCase();
        if (tag === 'SCRIPT' || tag === 'STYLE' || tag === 'TEMPLATE' || tag === 'REFLENS-TOOLS') continue;
        if (exclude && e.matches(exclude)) continue;
        const block = BLOCK.test(tag) || tag === 'BR';
        if (block) parts.push(' ');
        walk(e);
        if (block) parts.push(' ');
      }
    }
  };
  walk(el);
  return collapse(parts.join(''));
}

export function collapse(s: string): string {
  return s.replace(/[\s\u00a0\u2009\u200b]+/g, ' ').trim();
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
