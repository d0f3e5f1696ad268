/**
 * Styles of the tools bar, scoped by the shadow root so neither the page nor RefLens leaks into the other.
 * content-visibility: auto lets the browser skip the bars of a long list that are off screen, and contains their
 * changes (links arriving) so the rest of the page is not laid out again; the padding (instead of margin) keeps
 * focus outlines inside the paint containment that comes with it. The host resets the inherited properties a page
 * may set rather than using all: initial, whose hundreds of longhands made styling thousands of hosts slow. Written
 * without optional spaces: the text is part of every page's content script.
 */
export const TOOLS_CSS = `
:host{display:block;margin:1px 0 -1px;padding:3px 0;font:12px/1.5 system-ui,sans-serif;color:#1f2328;text-align:start;text-indent:0;text-transform:none;text-shadow:none;letter-spacing:normal;word-spacing:normal;white-space:normal;visibility:visible;cursor:auto;font-feature-settings:normal;font-variation-settings:normal;content-visibility:auto;contain-intrinsic-block-size:auto 22px;overflow-clip-margin:4px}
.bar{display:flex;flex-wrap:wrap;align-items:center;gap:4px}
a,button,select{font:inherit;min-height:20px;padding:0 4px;border:1px solid #c6ccd2;border-radius:10px;background:#f6f8fa;color:#0b57a4;cursor:pointer}
a,button{display:inline-flex;align-items:center;gap:3px;padding:0 7px;text-decoration:none}
a:hover,button:hover{background:#eaf1fb;border-color:#8fb3de}
a:focus-visible,button:focus-visible,select:focus-visible,textarea:focus-visible{outline:2px solid #0b57a4;outline-offset:1px}
a[data-reflens-source="lookup"]{border-style:dashed}
:host([data-has-note]) button[data-reflens-action="note"]{background:#fff5cc;border-color:#d4a72c;color:#6b4f00}
a.search{border-style:dotted;color:#57606a}
button.reject{padding:0 5px;color:#57606a}
.brand,.tools::before{color:#57606a;font-weight:600;letter-spacing:.02em;margin-right:2px}.tools::before{content:"RefLens"/""}
.flag{padding:0 7px;border-radius:10px;background:#ffebe9;border:1px solid #ff8182;color:#a40e26;font-weight:600}
.flag[data-reflens-flag="correction"]{background:#fff8c5;border-color:#d4a72c;color:#6b4f00}
.status{color:#57606a;min-height:1em}
.status[data-kind="error"]{color:#a40e26;font-weight:600}
.note{margin-top:4px}
.note[hidden]{display:none}
textarea{box-sizing:border-box;width:100%;max-width:48em;min-height:4.5em;padding:4px 6px;font:inherit;color:inherit;background:#fffdf5;border:1px solid #d4a72c;border-radius:4px;resize:vertical}
`;

const sheets = new Map<string, CSSStyleSheet | null>();

/** One constructed sheet per CSS text, shared by every root (null where construction is unavailable). */
function sheetFor(css: string): CSSStyleSheet | null {
  let sheet = sheets.get(css);
  if (sheet === undefined) {
    try {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
    } catch {
      sheet = null;
    }
    sheets.set(css, sheet);
  }
  return sheet;
}

const TOOLS_ONLY = [TOOLS_CSS];
/** The sheets of every tools bar (one per reference), looked up once. */
let toolsSheets: Array<CSSStyleSheet | null> | undefined;

/** The tools styles plus `extra` in a shadow root: adopted sheets, or <style> elements where adoption is refused. */
export function applyStyles(root: ShadowRoot, ...extra: string[]): void {
  const css = extra.length ? [TOOLS_CSS, ...extra] : TOOLS_ONLY;
  const adopted = extra.length ? css.map(sheetFor) : (toolsSheets ??= css.map(sheetFor));
  if ('adoptedStyleSheets' in root && adopted.every((s): s is CSSStyleSheet => s !== null)) {
    try {
      root.adoptedStyleSheets = adopted;
      return;
    } catch {
      // Firefox content scripts can refuse page-world sheet adoption; use elements instead.
    }
  }
  for (const text of css) {
    const style = document.createElement('style');
    style.textContent = text;
    root.append(style);
  }
}

/** An element with attributes and text; text always goes in as textContent, never as HTML. */
export const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string, doc = document) => {
  const e = doc.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
};
