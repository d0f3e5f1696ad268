/**
 * Checks a user-supplied CSL style file without a DOM (the background service worker has no DOMParser):
 * well-formed XML, a <style> root in the CSL namespace with <citation> and <bibliography>. Each error names its line.
 */
export const CSL_NS = 'http://purl.org/net/xbiblio/csl';
export const MAX_STYLE_BYTES = 512 * 1024;

export type CslCheck =
  | { ok: true; title?: string; defaultLocale?: string }
  | { ok: false; error: string };

const NAME = /^[A-Za-z_][\w.:-]*$/;
const ENTITY = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9A-Fa-f]+);)/;

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decode = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9A-Fa-f]+);/g, (_, e: string) =>
    e.startsWith('#x') ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : PREDEFINED[e]!,
  );

interface Open {
  name: string;
  line: number;
}

export function checkCslXml(xml: string): CslCheck {
  if (typeof xml !== 'string' || xml.trim() === '') return { ok: false, error: 'The file is empty.' };
  if (xml.length > MAX_STYLE_BYTES) return { ok: false, error: 'The file is too large for a CSL style (over 512 KB).' };
  const src = xml.replace(/^\uFEFF/, '');
  const lineAt = (i: number) => src.slice(0, i).split('\n').length;
  const fail = (i: number, what: string): CslCheck => ({ ok: false, error: `Not valid XML (line ${lineAt(i)}): ${what}.` });

  const stack: Open[] = [];
  let root: { name: string; attrs: Map<string, string> } | undefined;
  let rootClosed = false;
  const children = new Set<string>();
  let title: string | undefined;
  let inTitle = false;
  let i = 0;
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    const text = src.slice(i, lt === -1 ? src.length : lt);
    if (text) {
      if (ENTITY.test(text)) return fail(i + text.search(ENTITY), 'a bare "&" (write &amp;)');
      if (stack.length === 0 && text.trim()) return fail(i, 'text outside the root element');
      if (inTitle) title = (title ?? '') + decode(text);
    }
    if (lt === -1) break;
    if (src.startsWith('<!--', lt)) {
      const end = src.indexOf('-->', lt + 4);
      if (end === -1) return fail(lt, 'unclosed comment');
      i = end + 3;
      continue;
    }
    if (src.startsWith('<![CDATA[', lt)) {
      if (stack.length === 0) return fail(lt, 'CDATA outside the root element');
      const end = src.indexOf(']]>', lt);
      if (end === -1) return fail(lt, 'unclosed CDATA section');
      if (inTitle) title = (title ?? '') + src.slice(lt + 9, end);
      i = end + 3;
      continue;
    }
    if (src.startsWith('<?', lt)) {
      const end = src.indexOf('?>', lt);
      if (end === -1) return fail(lt, 'unclosed processing instruction');
      i = end + 2;
      continue;
    }
    // A CSL style needs no DTD; refusing one also refuses entity-expansion tricks.
    if (src.startsWith('<!', lt)) return fail(lt, 'a DOCTYPE or declaration, which CSL styles do not use');
    const gt = findTagEnd(src, lt);
    if (gt === -1) return fail(lt, 'unclosed tag');
    const tag = src.slice(lt + 1, gt);
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (!open) return fail(lt, `closing tag </${name}> without an opening tag`);
      if (open.name !== name) return fail(lt, `closing tag </${name}> does not match <${open.name}> opened on line ${open.line}`);
      if (name === 'title' && stack.length === 2) inTitle = false;
      if (stack.length === 0) rootClosed = true;
    } else {
      const selfClosing = tag.endsWith('/');
      const body = selfClosing ? tag.slice(0, -1) : tag;
      const m = /^([^\s/>]+)/.exec(body);
      if (!m || !NAME.test(m[1]!)) return fail(lt, `bad tag name "<${body.slice(0, 20)}"`);
      const name = m[1]!;
      const attrs = parseAttributes(body.slice(name.length));
      if (typeof attrs === 'string') return fail(lt, `${attrs} in <${name}>`);
      if (stack.length === 0) {
        if (rootClosed || root) return fail(lt, 'more than one root element');
        root = { name, attrs };
      } else if (stack.length === 1) children.add(name);
      if (!selfClosing) {
        stack.push({ name, line: lineAt(lt) });
        if (name === 'title' && stack.length === 3 && stack[1]!.name === 'info') inTitle = true;
      } else if (stack.length === 0) rootClosed = true;
    }
    i = gt + 1;
  }
  if (stack.length > 0) {
    const open = stack[stack.length - 1]!;
    return { ok: false, error: `Not valid XML: <${open.name}> opened on line ${open.line} is never closed.` };
  }
  if (!root) return { ok: false, error: 'Not valid XML: there is no element.' };
  if (root.name !== 'style') return { ok: false, error: `Not a CSL style: the root element is <${root.name}>, not <style>.` };
  if (root.attrs.get('xmlns') !== CSL_NS) return { ok: false, error: `Not a CSL style: <style> is not in the CSL namespace (${CSL_NS}).` };
  if (!children.has('citation') && !children.has('bibliography')) {
    return { ok: false, error: 'This is a dependent CSL style (it has no <citation> or <bibliography> of its own): add its parent style instead.' };
  }
  if (!children.has('citation')) return { ok: false, error: 'Not a usable CSL style: it has no <citation> element.' };
  if (!children.has('bibliography')) return { ok: false, error: 'Not usable for copying references: the style has no <bibliography> element.' };
  const defaultLocale = root.attrs.get('default-locale');
  return { ok: true, title: title?.trim().replace(/\s+/g, ' ') || undefined, ...(defaultLocale ? { defaultLocale } : {}) };
}

/** Index of the ">" that ends the tag starting at `lt`, skipping quoted attribute values. */
function findTagEnd(src: string, lt: number): number {
  let quote = '';
  for (let j = lt + 1; j < src.length; j++) {
    const c = src[j]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '<') return -1;
    else if (c === '>') return j;
  }
  return -1;
}

function parseAttributes(rest: string): Map<string, string> | string {
  const attrs = new Map<string, string>();
  const re = /\s+([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;
  let pos = 0;
  while (pos < rest.length) {
    if (/^\s*$/.test(rest.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(rest);
    if (!m) return 'a malformed attribute';
    const [, name, dq, sq] = m;
    if (!NAME.test(name!)) return `a bad attribute name "${name}"`;
    if (attrs.has(name!)) return `the attribute "${name}" twice`;
    const value = dq ?? sq ?? '';
    if (value.includes('<')) return `a "<" in the value of "${name}"`;
    if (ENTITY.test(value)) return `a bare "&" in the value of "${name}"`;
    attrs.set(name!, decode(value));
    pos = re.lastIndex;
  }
  return attrs;
}

/** A short stable id for a style's text (FNV-1a), so an edited file gets a new id. */
export function styleHash(xml: string): string {
  let h = 0x811c9dc5;
  for (let k = 0; k < xml.length; k++) {
    h ^= xml.charCodeAt(k);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
