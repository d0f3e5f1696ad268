import { browser } from 'wxt/browser';
import type { StyleChoice } from '../core/citation-styles';
import type { CslItem } from '../core/csl';
import { workKeys } from '../core/identifiers';
import { workKeysOfChange } from '../core/notes';
import { cslFromPage, type ReferenceInput, type ReferenceResult } from '../core/reference';
import { send } from '../messaging/client';
import { collapse } from '../sites/dom';
import { pickAdapter } from '../sites/pick';
import type { SiteAdapter } from '../sites/types';
import { writeClipboard } from './clipboard';
import { listenForCopyCommands } from './commands';
import type { SavedNote } from './note-saver';
import { SummaryView, type ListActions, type ListOptions, type MountExporter } from './ui/summary';
import { ToolsView } from './ui/tools';

/** References sent to the background per message, and annotated per main-thread slice. */
const RESOLVE_BATCH = 100;
const DOM_SLICE = 40;
const RESCAN_DELAY_MS = 250;

interface Entry {
  item: Element;
  input: ReferenceInput;
  view: ToolsView;
  result?: ReferenceResult;
}

const yieldToMain = () => new Promise<void>((r) => setTimeout(r, 0));

/**
 * Entry point of every content script bundle, with that bundle's adapters. Never throws into the page.
 * The click-injected bundle (the generic detector: adapters without hosts) stops when the page has no list; a
 * publisher bundle stays to hear in-page navigation of single-page apps.
 */
export function startRefLens(doc: Document, url: URL, adapters: readonly SiteAdapter[]): void {
  const g = globalThis as { __reflensStarted?: boolean };
  if (g.__reflensStarted) return; // injected twice (manifest + toolbar click)
  g.__reflensStarted = true;
  performance.mark('reflens:start'); // marks let benchmarks split page load, annotation and lookups
  const adapter = pickAdapter(url, doc, adapters);
  if (!adapter && adapters.every((a) => a.hosts.length === 0)) return;
  const page = new PageController(doc, adapter, url.href, adapters);
  void page.scan();
  page.watch();
  page.watchNavigation();
  page.watchNotes();
  listenForCopyCommands(doc, (targets) => page.copyAt(targets));
}

/** The closest element containing every item: where a list's own changes happen. */
function commonAncestor(items: Element[]): Element | undefined {
  let anc = items[0]?.parentElement ?? null;
  while (anc && !items.every((el) => anc!.contains(el))) anc = anc.parentElement;
  return anc ?? undefined;
}

/** True for nodes inside RefLens's own elements (tools, summary). */
function isOurs(node: Node): boolean {
  for (let el = node.nodeType === 1 ? (node as Element) : node.parentElement; el; el = el.parentElement) {
    if (el.localName.startsWith('reflens-')) return true;
  }
  return false;
}

class PageController {
  private readonly entries = new Map<Element, Entry>();
  private scanning: Promise<void> = Promise.resolve();
  private rescanTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly summary = new SummaryView(() => this.entries.values(), this.listActions());
  /** Style labels by id (built-in and the user's), fetched once for status messages and menus. */
  private styles: Promise<{ styles: StyleChoice[]; style: string }> | undefined;
  private readonly observer = new MutationObserver((records) => {
    const foreign = records.some(
      (r) => !isOurs(r.target) && [...r.addedNodes].some((n) => n.nodeType === 1 && !isOurs(n)),
    );
    if (foreign) this.scheduleScan();
  });

  constructor(
    private readonly doc: Document,
    private adapter: SiteAdapter | undefined,
    private href: string,
    private readonly adapters: readonly SiteAdapter[],
  ) {}

  /** Whether the current page's list has been annotated (the observer is then scoped to it). */
  private listFound = false;

  /** Finds new reference items and annotates them; calls are serialised. */
  scan(): Promise<void> {
    this.scanning = this.scanning.then(() => this.scanOnce()).catch((err) => console.warn('RefLens:', err));
    return this.scanning;
  }

  /**
   * Re-scans when the page adds nodes, ignoring RefLens's own insertions. Until a list is annotated the adapter's
   * late-list roots (or body) are observed; then only the list's container, its parent's children (the container
   * being swapped) and the late-list roots (lists that get replaced), so changes elsewhere on an idle page cost nothing.
   */
  watch(): void {
    this.observer.disconnect();
    const adapter = this.adapter;
    if (!adapter) return;
    const lateRoots = adapter.lateListRoot ? [...this.doc.querySelectorAll(adapter.lateListRoot)] : [];
    const items = [...this.entries.keys()].filter((el) => el.isConnected);
    const container = this.listFound ? commonAncestor(items) : undefined;
    const subtree = { childList: true, subtree: true };
    if (!container) {
      for (const root of lateRoots.length ? lateRoots : [this.doc.body]) if (root) this.observer.observe(root, subtree);
      return;
    }
    this.observer.observe(container, subtree);
    if (container.parentElement) this.observer.observe(container.parentElement, { childList: true });
    for (const root of lateRoots) this.observer.observe(root, subtree);
  }

  /** Single-page apps (Europe PMC, IEEE Xplore) change the URL without a load: re-pick the adapter and rescan. */
  watchNavigation(): void {
    const navigated = () => {
      if (location.href === this.href) return; // popstate and navigatesuccess both report a traversal
      this.href = location.href;
      this.adapter = pickAdapter(new URL(this.href), this.doc, this.adapters);
      this.listFound = false;
      this.watch(); // broad again until the new page's list is annotated: the app may render it later
      this.scheduleScan();
    };
    window.addEventListener('popstate', navigated);
    (window as { navigation?: EventTarget }).navigation?.addEventListener('navigatesuccess', navigated);
  }

  private scheduleScan(): void {
    clearTimeout(this.rescanTimer);
    this.rescanTimer = setTimeout(() => void this.scan(), RESCAN_DELAY_MS);
  }

  private async scanOnce(): Promise<void> {
    performance.mark('reflens:scan'); // counted by tests/e2e/idle.test.ts: an idle page must cause none
    // A page may replace its list (PubMed's "Show all", a single-page app's navigation): forget items that left.
    for (const el of [...this.entries.keys()]) if (!el.isConnected) this.entries.delete(el);
    if (this.listFound && this.entries.size === 0) {
      this.listFound = false;
      this.watch();
      this.summary.refresh();
      this.updatePageStatus();
    }
    const adapter = this.adapter;
    if (!adapter) return;
    let items: Element[];
    try {
      items = adapter.findItems(this.doc);
    } catch (err) {
      console.warn('RefLens: could not read the reference list', err);
      return;
    }
    const fresh = items
      .map((item, i) => ({ item, n: i + 1 }))
      .filter(({ item }) => !this.entries.has(item) && !item.hasAttribute('data-reflens-ref'));
    if (fresh.length === 0) return;
    this.doc.documentElement.setAttribute('data-reflens-status', 'working');

    const added: Entry[] = [];
    for (let i = 0; i < fresh.length; i += DOM_SLICE) {
      for (const { item, n } of fresh.slice(i, i + DOM_SLICE)) added.push(this.annotate(adapter, item, n));
      if (i + DOM_SLICE < fresh.length) await yieldToMain();
    }
    performance.mark('reflens:annotated');
    this.summary.place([...this.entries.keys()][0]!);
    this.summary.refresh();
    this.listFound = true;
    this.watch();
    void this.loadNotes(added);
    for (let i = 0; i < added.length; i += RESOLVE_BATCH) await this.resolve(added.slice(i, i + RESOLVE_BATCH));
    this.updatePageStatus();
    void this.openAccess(added);
  }

  private annotate(adapter: SiteAdapter, item: Element, n: number): Entry {
    let input: ReferenceInput;
    try {
      input = { n, ...adapter.extract(item) };
    } catch {
      input = { n, text: collapse(item.textContent ?? ''), ids: {}, csl: {} };
    }
    item.setAttribute('data-reflens-ref', String(n));
    const entry: Entry = { item, input, view: undefined as unknown as ToolsView };
    entry.view = new ToolsView(item, n, {
      copy: () => this.copy(entry),
      saveNote: (text, base) => this.saveNote(entry, text, base),
      rejectMatch: () => this.rejectMatch(entry),
      menu: {
        listStyles: async () => (await this.listStyles()).styles,
        copyAs: (style) => this.copy(entry, style),
        saveToZotero: async () => {
          await send('zotero.save', { items: [this.itemOf(entry)] });
          return 'Saved to Zotero';
        },
      },
    });
    entry.view.setState('pending');
    const { doi, pmid, pmcid } = input.ids;
    entry.view.setLinks({
      doi: doi ? { value: doi, source: 'page' } : undefined,
      pmid: pmid ? { value: pmid, source: 'page' } : undefined,
      pmcid: pmcid ? { value: pmcid, source: 'page' } : undefined,
    });
    if (adapter.placeTools) adapter.placeTools(item, entry.view.host);
    else item.append(entry.view.host);
    this.entries.set(item, entry);
    return entry;
  }

  private async resolve(batch: Entry[]): Promise<void> {
    try {
      const { results } = await send('resolve', { refs: batch.map((e) => e.input) });
      const byN = new Map(results.map((r) => [r.n, r]));
      // Applied in slices like the annotation: 100 results at once would be one long task.
      for (const [i, e] of batch.entries()) {
        if (i > 0 && i % DOM_SLICE === 0) await yieldToMain();
        const r = byN.get(e.input.n);
        if (r) this.apply(e, r);
        else this.fail(e, 'No answer for this reference.');
      }
    } catch (err) {
      for (const e of batch) this.fail(e, (err as Error).message);
    }
  }

  /** Second phase: free copies from per-DOI services; the identifiers (and page status) are already final. */
  private async openAccess(entries: Entry[]): Promise<void> {
    const refs = entries.flatMap((e) => {
      const doi = e.result?.doi?.value;
      return doi && !e.result?.oa ? [{ n: e.input.n, doi, ...(e.result?.pmcid ? { pmcid: e.result.pmcid.value } : {}) }] : [];
    });
    if (refs.length === 0) return;
    try {
      const { results } = await send('openAccess', { refs });
      const byN = new Map(entries.map((e) => [e.input.n, e]));
      for (const [i, { n, oa }] of results.entries()) {
        if (i > 0 && i % DOM_SLICE === 0) await yieldToMain();
        const e = byN.get(n);
        if (!e?.result) continue;
        e.result = { ...e.result, oa };
        this.apply(e, e.result);
      }
    } catch (err) {
      console.warn('RefLens: open-access lookup failed', err);
    }
  }

  private apply(e: Entry, r: ReferenceResult): void {
    e.result = r;
    e.view.setLinks({ doi: r.doi, pmid: r.pmid, pmcid: r.pmcid }, r.oa);
    e.view.setFlags(r.flags);
    e.view.setState(r.state);
    if (r.state === 'unresolved') e.view.setSearchLinks(r.csl.title ?? e.input.text);
    // Why nothing was found, or which service failed (identifiers may still be shown): a short, persistent line.
    if (r.message) e.view.showStatus(r.message, r.state === 'error' ? 'error' : 'info', 0);
    this.summary.refresh();
  }

  private async rejectMatch(e: Entry): Promise<void> {
    const r = e.result;
    const values = [r?.doi, r?.pmid, r?.pmcid].filter((id) => id?.source === 'lookup').map((id) => id!.value);
    if (values.length === 0) return;
    const { result } = await send('match.reject', { ref: e.input, values });
    this.apply(e, result);
  }

  private fail(e: Entry, message: string): void {
    e.view.setState('error');
    e.view.showStatus(message, 'error');
    this.summary.refresh();
  }

  private keysOf(e: Entry): string[] {
    return e.result?.workKeys ?? workKeys(e.input.ids, e.input.csl);
  }

  /** Keeps notes current when they change in another tab or the notes library (storage events, no network). */
  watchNotes(): void {
    browser.storage.onChanged.addListener((changes, area) => {
      if (area !== 'local') return;
      const keys = workKeysOfChange(changes);
      if (keys.size === 0) return;
      const touched = [...this.entries.values()].filter((e) => this.keysOf(e).some((k) => keys.has(k)));
      if (touched.length === 0) return;
      send('notes.get', { keys: touched.map((e) => this.keysOf(e)) })
        .then(({ notes }) => touched.forEach((e, i) => e.view.noteChangedElsewhere(notes[i]?.text ?? null)))
        .catch((err) => console.warn('RefLens: notes unavailable', err));
    });
  }

  private async loadNotes(entries: Entry[]): Promise<void> {
    const withKeys = entries.filter((e) => this.keysOf(e).length > 0);
    if (withKeys.length === 0) return;
    try {
      const { notes } = await send('notes.get', { keys: withKeys.map((e) => this.keysOf(e)) });
      withKeys.forEach((e, i) => {
        const note = notes[i];
        if (note) e.view.setNote(note.text);
      });
    } catch (err) {
      console.warn('RefLens: notes unavailable', err);
    }
  }

  private itemOf(e: Entry): CslItem {
    return e.result?.csl ?? cslFromPage(e.input);
  }

  private async copy(e: Entry, style?: string): Promise<string> {
    const formatted = await send('format', { item: this.itemOf(e), ...(style ? { style } : {}) });
    await writeClipboard(formatted.text, formatted.html);
    return `Copied ${formatted.label} citation`;
  }

  private listStyles(): Promise<{ styles: StyleChoice[]; style: string }> {
    this.styles ??= send('styles.list', {}).catch((err: unknown) => {
      this.styles = undefined;
      throw err;
    });
    return this.styles;
  }

  /** Keyboard shortcut / context menu: copies the first reference that contains one of the targets. */
  async copyAt(targets: Element[]): Promise<string | undefined> {
    const all = [...this.entries.values()];
    const e = targets.map((t) => all.find((x) => x.view.host.contains(t) || x.item.contains(t))).find(Boolean);
    if (!e) return undefined;
    const message = await this.copy(e).catch((err: Error) => {
      e.view.showStatus(err.message, 'error', 6000);
      throw err;
    });
    e.view.showStatus(message);
    return message;
  }

  /** The whole list for the summary's export, in page order; notes are added by the background. */
  private list(options: ListOptions): { items: CslItem[]; noteKeys?: string[][] } {
    const chosen = [...this.entries.values()]
      .filter((e) => e.item.isConnected && (!options.onlyResolved || e.result?.state === 'resolved'))
      .sort((a, b) => a.input.n - b.input.n);
    return { items: chosen.map((e) => this.itemOf(e)), ...(options.notes ? { noteKeys: chosen.map((e) => this.keysOf(e)) } : {}) };
  }

  private listActions(): ListActions {
    return {
      listStyles: () => this.listStyles(),
      format: async (style, options) => send('format.list', { ...this.list(options), style }),
      copy: (text, html) => writeClipboard(text, html),
      saveToZotero: async (options) => (await send('zotero.save', this.list(options))).saved,
      loadExporter: async () => {
        const g = globalThis as { __reflensMountExporter?: MountExporter };
        if (!g.__reflensMountExporter) await import(/* @vite-ignore */ browser.runtime.getURL('/list-export.js'));
        if (!g.__reflensMountExporter) throw new Error('the export script did not load');
        return g.__reflensMountExporter;
      },
    };
  }

  private async saveNote(e: Entry, text: string, base: string): Promise<SavedNote> {
    const keys = this.keysOf(e);
    if (keys.length === 0) throw new Error('This reference cannot be identified, so a note cannot be kept for it.');
    const csl = e.result?.csl ?? e.input.csl;
    const { note, notice } = await send('notes.save', { keys, text, title: csl.title, url: location.href, base });
    return { text: note?.text ?? null, ...(notice ? { notice } : {}) };
  }

  private updatePageStatus(): void {
    const all = [...this.entries.values()];
    const done = all.every((e) => e.item.getAttribute('data-reflens-state') !== 'pending');
    const html = this.doc.documentElement;
    html.setAttribute('data-reflens-count', String(all.length));
    html.setAttribute('data-reflens-status', done ? 'done' : 'working');
    if (done) performance.mark('reflens:done');
  }
}
