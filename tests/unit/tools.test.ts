import { describe, expect, it, vi } from 'vitest';
import { ToolsView, type ToolsCallbacks } from '../../src/content/ui/tools';
import { textOf } from '../../src/sites/dom';
import { doiUrl } from '../../src/core/identifiers';

function view(n = 3, callbacks: Partial<ToolsCallbacks> = {}) {
  document.body.innerHTML = '<ol><li id="item">A reference</li></ol>';
  const item = document.getElementById('item')!;
  const cb: ToolsCallbacks = {
    copy: vi.fn(async () => 'Copied APA citation'),
    saveNote: vi.fn(async (text: string) => ({ text })),
    rejectMatch: vi.fn(async () => undefined),
    ...callbacks,
  };
  const v = new ToolsView(item, n, cb);
  item.append(v.host);
  return { item, v, cb, root: v.host.shadowRoot! };
}

const page = (value: string) => ({ value, source: 'page' as const });

describe('tools view (cloned from one template)', () => {
  it('keeps the public DOM contract, with labels naming its own reference', () => {
    const { root, v } = view(7, { menu: { listStyles: async () => [], copyAs: async () => '', saveToZotero: async () => '' } });
    expect(v.host.localName).toBe('reflens-tools');
    expect(root.mode).toBe('open');
    expect(root.querySelector('button[data-reflens-action="copy"]')?.getAttribute('aria-label')).toBe('Copy citation of reference 7');
    // "Cite as…" is built when the bar gets focus (or nears the viewport, below), right after the copy button.
    expect(root.querySelector('select[data-reflens-action="copy-as"]')).toBeNull();
    root.querySelector('button[data-reflens-action="copy"]')!.dispatchEvent(new FocusEvent('focusin', { bubbles: true, composed: true }));
    const actions = () => [...root.querySelectorAll('[data-reflens-action]')].map((e) => e.getAttribute('data-reflens-action'));
    expect(actions()).toEqual(['copy', 'copy-as', 'note']);
    expect(root.querySelector('select[data-reflens-action="copy-as"]')?.getAttribute('aria-label')).toContain('reference 7');
    root.querySelector('button[data-reflens-action="note"]')!.dispatchEvent(new PointerEvent('pointerover', { bubbles: true, composed: true }));
    expect(actions()).toEqual(['copy', 'copy-as', 'note']); // once
    const note = root.querySelector('button[data-reflens-action="note"]') as HTMLButtonElement;
    // The note panel is built when first opened (or when a stored note arrives).
    expect(root.querySelector('textarea[data-reflens-note]')).toBeNull();
    note.click();
    expect(note.getAttribute('aria-controls')).toBe('reflens-note-7');
    expect(root.getElementById('reflens-note-7')?.hasAttribute('hidden')).toBe(false);
    expect(root.querySelector('textarea[data-reflens-note]')?.getAttribute('aria-label')).toContain('reference 7');
    note.click();
    expect(root.getElementById('reflens-note-7')?.hasAttribute('hidden')).toBe(true);
    // A second view does not share nodes with the first.
    const other = view(8);
    expect(other.root.querySelector('button[data-reflens-action="copy"]')?.getAttribute('aria-label')).toBe('Copy citation of reference 8');
  });

  it('builds "Cite as…" when the browser stops skipping the bar (content-visibility: auto) or the bar gets focus', async () => {
    vi.resetModules();
    const { ToolsView: Fresh } = await import('../../src/content/ui/tools');
    const menu = { listStyles: async () => [], copyAs: async () => '', saveToZotero: async () => '' };
    const item = document.createElement('li');
    document.body.append(item);
    const [a, b, c] = [1, 2, 3].map((n) => new Fresh(item, n, { copy: vi.fn(), saveNote: vi.fn(), rejectMatch: vi.fn(), menu }));
    const plain = new Fresh(item, 4, { copy: vi.fn(), saveNote: vi.fn(), rejectMatch: vi.fn() });
    for (const v of [a, b, c, plain]) item.append(v!.host);
    const select = (v: typeof a) => v!.host.shadowRoot!.querySelectorAll('select[data-reflens-action="copy-as"]');
    const stateChange = (v: typeof a, skipped: boolean) =>
      v!.host.dispatchEvent(Object.assign(new Event('contentvisibilityautostatechange'), { skipped })); // does not bubble
    stateChange(a, true);
    stateChange(b, false);
    expect(select(a)).toHaveLength(0); // still skipped: far from the viewport
    expect(select(b)[0]?.getAttribute('aria-label')).toContain('reference 2');
    stateChange(b, true);
    stateChange(b, false);
    expect(select(b)).toHaveLength(1); // built once
    c!.host.shadowRoot!.querySelector("button")!.dispatchEvent(new FocusEvent('focusin', { bubbles: true, composed: true }));
    expect(select(c)).toHaveLength(1);
    stateChange(plain, false);
    expect(select(plain)).toHaveLength(0); // a bar without a menu
    item.remove();
  });

  it('routes clicks on copy, note and reject to their actions', async () => {
    const { root, v, cb } = view();
    (root.querySelector('button[data-reflens-action="copy"]') as HTMLButtonElement).click();
    await vi.waitFor(() => expect(root.querySelector('[data-reflens-status-message]')?.textContent).toBe('Copied APA citation'));
    expect(cb.copy).toHaveBeenCalledTimes(1);

    const note = root.querySelector('button[data-reflens-action="note"]') as HTMLButtonElement;
    note.click();
    expect(note.getAttribute('aria-expanded')).toBe('true');
    expect(root.querySelector('.note')?.hasAttribute('hidden')).toBe(false);

    v.setLinks({ doi: { value: '10.5555/abc', source: 'lookup', confidence: 0.9 } });
    (root.querySelector('button[data-reflens-action="reject"]') as HTMLButtonElement).click();
    await vi.waitFor(() => expect(cb.rejectMatch).toHaveBeenCalledTimes(1));
  });

  it('leaves the links alone when a result shows the same identifiers, and replaces those that change', () => {
    const { root, v } = view();
    v.setLinks({ doi: page('10.5555/abc') });
    const first = root.querySelector('a[data-reflens-link="doi"]');
    expect(first?.getAttribute('href')).toBe('https://doi.org/10.5555/abc');
    expect(first?.getAttribute('rel')).toBe('noopener noreferrer');
    v.setLinks({ doi: page('10.5555/abc') });
    expect(root.querySelector('a[data-reflens-link="doi"]')).toBe(first);

    // A new identifier joins; the unchanged link stays (no new node, focus kept).
    v.setLinks({ doi: page('10.5555/abc'), pmid: page('97000001') });
    expect([...root.querySelectorAll('a[data-reflens-link]')].map((a) => a.getAttribute('data-reflens-link'))).toEqual(['doi', 'pubmed']);
    expect(root.querySelector('a[data-reflens-link="doi"]')).toBe(first);

    // A changed one is replaced: another value, or the same value found by lookup.
    v.setLinks({ doi: { value: '10.5555/abc', source: 'lookup', confidence: 0.9 }, pmid: page('97000001') });
    const looked = root.querySelector('a[data-reflens-link="doi"]');
    expect(looked).not.toBe(first);
    expect(looked?.getAttribute('data-reflens-source')).toBe('lookup');
    expect(looked?.getAttribute('data-reflens-confidence')).toBe('0.900');
    expect([...root.querySelectorAll('[data-reflens-link], [data-reflens-action="reject"]')].map((a) => a.getAttribute('data-reflens-link') ?? 'reject')).toEqual(['doi', 'pubmed', 'reject']);
    v.setLinks({ doi: page('10.5555/other') });
    expect(root.querySelector('a[data-reflens-link="doi"]')?.getAttribute('href')).toBe('https://doi.org/10.5555/other');
    expect(root.querySelectorAll('a[data-reflens-link]')).toHaveLength(1);
    expect(root.querySelector('[data-reflens-action="reject"]')).toBeNull();
  });

  it("starts with the page's own links, as setLinks shows them, and a result with the same identifiers keeps them", () => {
    document.body.innerHTML = '<ol><li id="a">A</li><li id="b">B</li></ol>';
    const cb: ToolsCallbacks = { copy: async () => '', saveNote: async (text) => ({ text }), rejectMatch: async () => undefined };
    const ids = { doi: '10.5555/../abc', pmid: '97000001', pmcid: 'PMC123' };
    const made = new ToolsView(document.getElementById('a')!, 1, cb, ids);
    const set = new ToolsView(document.getElementById('b')!, 1, cb);
    set.setLinks({ doi: page(ids.doi), pmid: page(ids.pmid), pmcid: page(ids.pmcid) });
    const links = (v: ToolsView) => [...v.host.shadowRoot!.querySelectorAll('a[data-reflens-link]')];
    expect(links(made).map((a) => a.outerHTML)).toEqual(links(set).map((a) => a.outerHTML));
    expect(links(made).map((a) => a.getAttribute('href'))).toEqual([
      'https://doi.org/abc',
      'https://pubmed.ncbi.nlm.nih.gov/97000001/',
      'https://pmc.ncbi.nlm.nih.gov/articles/PMC123/',
    ]);
    const [doi] = links(made);
    made.setLinks({ doi: page(ids.doi), pmid: page(ids.pmid), pmcid: page(ids.pmcid) });
    expect(links(made)[0]).toBe(doi);
    made.setLinks({ pmid: page(ids.pmid) });
    expect(links(made).map((a) => a.getAttribute('data-reflens-link'))).toEqual(['pubmed']);
    // Only the kinds the page gives: a bar without page identifiers starts with none.
    expect(new ToolsView(document.getElementById('a')!, 2, cb, { pmid: '1' }).host.shadowRoot!.querySelectorAll('a').length).toBe(1);
  });

  it('links identifiers exactly as the URL parser would normalise them', () => {
    const { root, v } = view();
    for (const doi of ['10.5555/abc(1)', '10.5555/../abc', '10.5555/./x/%2e%2E/y', '10.5555/x/..']) {
      v.setLinks({ doi: page(doi), pmid: page('97000001') });
      const href = root.querySelector('a[data-reflens-link="doi"]')?.getAttribute('href');
      expect(href).toBe(new URL(doiUrl(doi)).href);
    }
    expect(root.querySelector('a[data-reflens-link="pubmed"]')?.getAttribute('href')).toBe('https://pubmed.ncbi.nlm.nih.gov/97000001/');
  });

  it('shows search links for an unresolved reference, and the next identifiers replace them', () => {
    const { root, v } = view();
    v.setLinks({});
    v.setSearchLinks('A title');
    expect(root.querySelectorAll('a[data-reflens-search]')).toHaveLength(2);
    v.setLinks({});
    expect(root.querySelectorAll('a[data-reflens-search]')).toHaveLength(0);
  });

  it('shows a stored note in a hidden panel, and leaves an empty note without one', () => {
    const { root, item, v } = view(5);
    v.setNote(null);
    expect(root.querySelector('textarea[data-reflens-note]')).toBeNull();
    v.setNote('Read this first');
    const box = root.querySelector('textarea[data-reflens-note]') as HTMLTextAreaElement;
    expect(box.value).toBe('Read this first');
    expect(root.getElementById('reflens-note-5')?.hasAttribute('hidden')).toBe(true);
    expect(item.hasAttribute('data-reflens-has-note')).toBe(true);
    v.noteChangedElsewhere(null);
    expect(box.value).toBe('');
    expect(item.hasAttribute('data-reflens-has-note')).toBe(false);
  });

  it('clears flags once they are gone', () => {
    const { root, v } = view();
    v.setFlags([{ kind: 'retracted', label: 'Retracted', url: 'https://example.org/notice' }]);
    expect(root.querySelector('[data-reflens-flag="retracted"]')?.getAttribute('href')).toBe('https://example.org/notice');
    v.setFlags([]);
    expect(root.querySelectorAll('[data-reflens-flag]')).toHaveLength(0);
  });
});

describe('textOf', () => {
  it('joins text with spaces at block boundaries, skipping scripts, our tools and excluded subtrees', () => {
    document.body.innerHTML =
      '<div id="r"><span class="label">1.</span><div>Smith J</div><p>A <em>title</em>.</p><script>x=1</script>' +
      '<reflens-tools>RefLens</reflens-tools><div class="links"><a>Crossref</a></div>Tail<br>end</div>';
    const r = document.getElementById('r')!;
    expect(textOf(r)).toBe('1. Smith J A title. Crossref Tail end');
    expect(textOf(r, '.label, .links')).toBe('Smith J A title. Tail end');
  });

  it('reads inline-only content whole, and still spaces blocks and skips scripts nested at any depth', () => {
    document.body.innerHTML =
      '<p id="inline"> <em>J  Clin\u00a0Oncol.</em>2019;<strong>127</strong>: 1-2 </p>' +
      '<p id="deep"><span>Title<span><br>2019</span></span><em>x<script>no</script></em></p>';
    expect(textOf(document.getElementById('inline')!)).toBe('J Clin Oncol.2019;127: 1-2');
    expect(textOf(document.getElementById('deep')!)).toBe('Title 2019x');
  });
});
