import { browser } from 'wxt/browser';
import type { StyleChoice } from '../core/citation-styles';
import { workKeys } from '../core/identifiers';
import { pageTitle } from '../core/printed';
import { forLookup, type CitedReference, type ExtractedReference, type ReferenceInput, type ResultForPage } from '../core/reference';
import { send } from '../messaging/client';
import { isNotesChanged } from '../messaging/protocol';
import { collapse } from '../sites/dom';
import { pickAdapter } from '../sites/pick';
import type { SiteAdapter } from '../sites/types';
import { writeClipboard } from './clipboard';
import { listenForCopyCommands } from './commands';
import type { SavedNote } from './note-saver';
import type { ListActions, ListOptions, MountExporter } from './ui/summary';
import { LazySummary, type SummaryViewClass } from './ui/summary-loader';
import { ToolsView } from './ui/tools';

/** References sent to the background per message. */
const RESOLVE_BATCH = 100;
/** Main-thread work per slice before the page gets a turn (input, rendering): well under a 50 ms long task. */
const SLICE_MS = 8;
const CLOCK_EVERY = 4;
/**
 * Built tools go into the page in batches, at most every INSERT_EVERY_MS and at most every RENDER_SHARE times the
 * longest turn the page took after the last batch (its frame), unless MAX_INSERT_BATCH bars wait: each insertion
 * makes the browser lay out and re-walk the page below the new bars, which on a long list costs far more than
 * building them. One insertion per slice cost one such frame per slice: seconds of blocked page on a 5,000-item
 * list (issue 7).
 */
const INSERT_EVERY_MS = 500;
const RENDER_SHARE = 4;
const MAX_INSERT_EVERY_MS = 4000;
/**
 * Styling new bars costs the browser per bar: a cap keeps each insertion's frame short on the longest lists; a floor
 * keeps a starved page (slow machine) from paying a whole-page frame for a handful of bars.
 */
const MAX_INSERT_BATCH = 500;
const MIN_INSERT_BATCH = 250;
const RESCAN_DELAY_MS = 250;

/** An item as read from the page, before its tools are built. */
interface ReadItem {
  item: Element;
  input: ReferenceInput;
  /** The adapter that still has the rest to read, when only the item's linked identifiers were (see rest()). */
  partial?: SiteAdapter;
}

interface Entry extends ReadItem {
  view: ToolsView;
  /** What rest() read. */
  rest?: ExtractedReference;
  /** The last result shown, without its note (notes change on their own). */
  result?: Omit<ResultForPage, 'note'>;
}

/** Resolvers of pending yields, run one per posted message (no 4 ms timer clamp between slices). */
const resumes: Array<() => void> = [];
let channel: MessagePort | undefined;
/** Longest turn the page took since the last reset: what the last insertion cost it. */
let pausedMs = 0;

/**
 * Gives the page a turn with a new task. Not scheduler.yield(): its continuations run ahead of the page's own
 * tasks, which starved them for the whole of a 5,000-item list.
 */
async function yieldToMain(): Promise<void> {
  const t = performance.now();
  if (!channel && typeof MessageChannel === 'function') {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => resumes.shift()?.();
    channel = port2;
  }
  await new Promise<void>((resume) => {
    if (!channel) return void setTimeout(resume, 0);
    resumes.push(resume);
    channel.postMessage(null);
  });
  pausedMs = Math.max(pausedMs, performance.now() - t);
}

/** Runs `work` on each of `items` in slices of about SLICE_MS, yielding to the page between slices. */
async function sliced<T>(items: readonly T[], work: (x: T, i: number) => void): Promise<void> {
  let t = performance.now();
  for (let i = 0; i < items.length; i++) {
    work(items[i]!, i);
    // The clock every CLOCK_EVERY items: reading it cost as much as a small item's work.
    if (i % CLOCK_EVERY === CLOCK_EVERY - 1 && i + 1 < items.length && performance.now() - t > SLICE_MS) {
      await yieldToMain();
      t = performance.now();
    }
  }
}

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

/** Imports one of the extension's own scripts on first use and answers what it hands over in `name`. */
async function loadGlobal<T>(name: string, path: '/summary.js' | '/list-export.js'): Promise<T> {
  const g = globalThis as Record<string, unknown>;
  if (!g[name]) await import(/* @vite-ignore */ browser.runtime.getURL(path));
  if (!g[name]) throw new Error(`${path} did not load`);
  return g[name] as T;
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
  private readonly summary = new LazySummary(() => this.entries.values(), this.listActions(), () =>
    loadGlobal<SummaryViewClass>('__reflensSummaryView', '/summary.js'),
  );
  /** Style labels by id (built-in and the user's), fetched once for status messages and menus. */
  private styles: Promise<{ styles: StyleChoice[]; style: string }> | undefined;
  private readonly observer = new MutationObserver((records) => {
    const foreign = records.some(
      (r) => !isOurs(r.target) && [...r.addedNodes].some((n) => n.nodeType === 1 && !isOurs(n)),
    );
    if (foreign) this.scheduleScan();
  });
  /** What the observer watches (see watch()), to resume after our own insertions. */
  private observed: Array<[Node, MutationObserverInit]> = [];

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
    this.observed = [];
    const adapter = this.adapter;
    if (!adapter) return;
    const lateRoots = adapter.lateListRoot ? [...this.doc.querySelectorAll(adapter.lateListRoot)] : [];
    const items = [...this.entries.keys()].filter((el) => el.isConnected);
    const container = this.listFound ? commonAncestor(items) : undefined;
    const subtree = { childList: true, subtree: true };
    if (!container) {
      for (const root of lateRoots.length ? lateRoots : [this.doc.body]) if (root) this.observed.push([root, subtree]);
    } else {
      this.observed.push([container, subtree]);
      if (container.parentElement) this.observed.push([container.parentElement, { childList: true }]);
      for (const root of lateRoots) this.observed.push([root, subtree]);
    }
    for (const [node, options] of this.observed) this.observer.observe(node, options);
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

    // Every item is read first; tools are built off the page in slices and go into it in a few large batches.
    // A long list is read in tasks of its own: at document_end this task is still the page's, which has just parsed
    // itself, and finding the list was a slice's worth of work already (one task of over 50 ms at 1,000 references).
    if (fresh.length > RESOLVE_BATCH) await yieldToMain();
    const read = await this.readAll(adapter, fresh);
    // A list of one batch is looked up while its tools are built: a few milliseconds of overlap, and the answer
    // (from the cache on a revisit) is there sooner.
    const early = read.length <= RESOLVE_BATCH ? this.ask(read) : undefined;
    const added: Entry[] = [];
    let built: Entry[] = [];
    let lastInsert = performance.now();
    pausedMs = 0;
    await sliced(read, (r) => {
      const entry = this.build(r);
      added.push(entry);
      built.push(entry);
      // In one task, so that the browser lays the page out once for the whole batch.
      if (built.length < MIN_INSERT_BATCH) return;
      const due = Math.min(MAX_INSERT_EVERY_MS, Math.max(INSERT_EVERY_MS, RENDER_SHARE * pausedMs));
      if (built.length >= MAX_INSERT_BATCH || performance.now() - lastInsert > due) {
        this.insertAll(adapter, built);
        built = [];
        lastInsert = performance.now();
        pausedMs = 0;
      }
    });
    this.insertAll(adapter, built);
    performance.mark('reflens:annotated');
    this.summary.refresh();
    this.listFound = true;
    this.watch();
    // Longer lists are looked up once their tools are in the page, and each next batch is asked for once an answer is
    // shown: the background's work (and the browser's relaying of it) then does not compete with the page's main
    // thread for the CPU while RefLens works there.
    let answer = early ?? this.ask(added.slice(0, RESOLVE_BATCH));
    await yieldToMain();
    for (let i = 0; i < added.length; i += RESOLVE_BATCH) {
      await this.show(added.slice(i, i + RESOLVE_BATCH), await answer);
      if (i + RESOLVE_BATCH < added.length) answer = this.ask(added.slice(i + RESOLVE_BATCH, i + 2 * RESOLVE_BATCH));
    }
    this.updatePageStatus();
    void this.openAccess(added);
  }

  /** Reads the items (all the background needs to look them up), in slices. */
  private async readAll(adapter: SiteAdapter, fresh: Array<{ item: Element; n: number }>): Promise<ReadItem[]> {
    const out: ReadItem[] = [];
    await sliced(fresh, ({ item, n }) => {
      let input: ReferenceInput;
      let partial: SiteAdapter | undefined;
      try {
        // An item whose links name a DOI needs nothing else to be looked up: its text is read when needed.
        const linked = adapter.linkedIds?.(item);
        if (linked?.doi) {
          input = { n, text: '', ids: linked, csl: {} };
          partial = adapter;
        } else {
          // The adapter's fresh object gets its position (no copy of it per item).
          input = Object.assign(adapter.extract(item), { n });
        }
      } catch {
        input = { n, text: collapse(item.textContent ?? ''), ids: {}, csl: {} };
      }
      out.push({ item, input, partial });
    });
    return out;
  }

  /**
   * All the page prints for an item read partially (ReadItem.partial), for what needs more than its identifiers (a
   * citation, a note's title, search links); undefined for the others. What it was sent for lookup as stays its input.
   */
  private rest(e: Entry): ExtractedReference | undefined {
    if (e.partial && !e.rest) {
      try {
        e.rest = e.partial.extract(e.item);
      } catch {
        e.partial = undefined; // its identifiers stand for it
      }
    }
    return e.rest;
  }

  /** Builds the tools of a read item, without touching the page yet. */
  private build({ item, input, partial }: ReadItem): Entry {
    const entry = { item, input, partial } as Entry; // its view is made next, with callbacks that hold the entry
    // With the page's own identifiers linked from the start.
    entry.view = new ToolsView(item, input.n, {
      copy: () => this.copy(entry),
      saveNote: (text, base) => this.saveNote(entry, text, base),
      rejectMatch: () => this.rejectMatch(entry),
      menu: {
        listStyles: async () => (await this.listStyles()).styles,
        copyAs: (style) => this.copy(entry, style),
        saveToZotero: async () => {
          await send('zotero.save', { refs: [this.citedOf(entry)] });
          return 'Saved to Zotero';
        },
      },
    }, input.ids);
    this.entries.set(item, entry);
    return entry;
  }

  /** Inserts a batch of tools and the summary in one task, so that the browser lays the page out once for them. */
  private insertAll(adapter: SiteAdapter, entries: Entry[]): void {
    // The observer rests meanwhile: each insertion would queue a record of ours for it to filter (a task runs no page
    // code in between, so nothing of the page's is missed).
    this.observer.disconnect();
    for (const e of entries) this.insert(adapter, e);
    const first = this.entries.keys().next().value;
    if (first) this.summary.place(first);
    for (const [node, options] of this.observed) this.observer.observe(node, options);
  }

  /** Marks the item and puts its tools into the page. */
  private insert(adapter: SiteAdapter, entry: Entry): void {
    const { item, view } = entry;
    if (!entry.result) view.setState('pending');
    item.setAttribute('data-reflens-ref', String(entry.input.n));
    if (adapter.placeTools) adapter.placeTools(item, view.host);
    else item.append(view.host);
  }

  /** Sends a batch for lookup; a failure comes back as the answer (shown on every reference of the batch). */
  private ask(batch: ReadItem[]): Promise<ResultForPage[] | Error> {
    return send('resolve', { refs: batch.map((e) => forLookup(e.input)) }).then(
      ({ results }) => results,
      (err: Error) => err,
    );
  }

  /** Shows the background's answer for a batch whose tools are built. */
  private async show(batch: Entry[], answer: ResultForPage[] | Error): Promise<void> {
    try {
      if (answer instanceof Error) throw answer;
      const byN = new Map(answer.map((r) => [r.n, r]));
      // Applied in slices like the annotation: 100 results at once can be a long task.
      await sliced(batch, (e) => {
        const r = byN.get(e.input.n);
        if (!r) return this.fail(e, 'No answer for this reference.', false);
        const { note, ...shown } = r;
        this.apply(e, shown, false);
        if (note !== undefined) e.view.setNote(note);
      });
    } catch (err) {
      for (const e of batch) this.fail(e, (err as Error).message, false);
      // The notes would have come with the results.
      void this.withNotes(batch, (e, text) => text !== null && e.view.setNote(text));
    }
    // Once per batch (it counts every reference of the page), in the batch's last task rather than an idle task of its own.
    this.summary.refresh(true);
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
      await sliced(results, ({ n, oa }) => {
        const e = byN.get(n);
        if (!e?.result) return;
        e.result = { ...e.result, oa };
        this.apply(e, e.result, false);
      });
      this.summary.refresh();
    } catch (err) {
      console.warn('RefLens: open-access lookup failed', err);
    }
  }

  /** Shows a result; `refresh` false when the caller refreshes the summary once for a whole batch. */
  private apply(e: Entry, r: Omit<ResultForPage, 'note'>, refresh = true): void {
    e.result = r;
    e.view.setLinks({ doi: r.doi, pmid: r.pmid, pmcid: r.pmcid }, r.oa);
    e.view.setFlags(r.flags);
    e.view.setState(r.state);
    if (r.state === 'unresolved') {
      const input = this.rest(e) ?? e.input;
      e.view.setSearchLinks(r.title ?? pageTitle(input) ?? input.text);
    }
    // Why nothing was found, or which service failed (identifiers may still be shown): a short, persistent line.
    if (r.message) e.view.showStatus(r.message, r.state === 'error' ? 'error' : 'info', 0);
    if (refresh) this.summary.refresh();
  }

  private async rejectMatch(e: Entry): Promise<void> {
    const r = e.result;
    const values = [r?.doi, r?.pmid, r?.pmcid].filter((id) => id?.source === 'lookup').map((id) => id!.value);
    if (values.length === 0) return;
    const { result } = await send('match.reject', { ref: e.input, values });
    this.apply(e, result);
  }

  private fail(e: Entry, message: string, refresh = true): void {
    e.view.setState('error');
    e.view.showStatus(message, 'error');
    if (refresh) this.summary.refresh();
  }

  private keysOf(e: Entry): string[] {
    return e.result?.workKeys ?? workKeys(e.input.ids, e.input.csl);
  }

  /**
   * Keeps notes current when they change in another tab or the notes library: the background names the works (no
   * network). Not storage.onChanged, which would bring every write of the lookup caches to this page as well.
   */
  watchNotes(): void {
    browser.runtime.onMessage.addListener((msg: unknown) => {
      if (!isNotesChanged(msg)) return undefined;
      const keys = new Set(msg.reflensNotesChanged);
      const touched = [...this.entries.values()].filter((e) => this.keysOf(e).some((k) => keys.has(k)));
      void this.withNotes(touched, (e, text) => e.view.noteChangedElsewhere(text));
      return undefined;
    });
  }

  /** Gives `show` the user's note (null: none) on the work of each of these references that can be identified. */
  private async withNotes(entries: Entry[], show: (e: Entry, text: string | null) => void): Promise<void> {
    const withKeys = entries.filter((e) => this.keysOf(e).length > 0);
    if (withKeys.length === 0) return;
    try {
      const { notes } = await send('notes.get', { keys: withKeys.map((e) => this.keysOf(e)) });
      withKeys.forEach((e, i) => show(e, notes[i]?.text ?? null));
    } catch (err) {
      console.warn('RefLens: notes unavailable', err);
    }
  }

  /** The reference as the background needs it for a citation: with the identifiers shown for it now. */
  private citedOf(e: Entry): CitedReference {
    const r = e.result;
    const printedRest = this.rest(e);
    const ref: CitedReference = printedRest ? { ...e.input, printedRest } : e.input;
    if (!r) return ref;
    return { ...ref, shownIds: { doi: r.doi?.value, pmid: r.pmid?.value, pmcid: r.pmcid?.value } };
  }

  private async copy(e: Entry, style?: string): Promise<string> {
    const formatted = await send('format', { ref: this.citedOf(e), ...(style ? { style } : {}) });
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
  private list(options: ListOptions): { refs: CitedReference[]; noteKeys?: string[][] } {
    const chosen = [...this.entries.values()]
      .filter((e) => e.item.isConnected && (!options.onlyResolved || e.result?.state === 'resolved'))
      .sort((a, b) => a.input.n - b.input.n);
    return { refs: chosen.map((e) => this.citedOf(e)), ...(options.notes ? { noteKeys: chosen.map((e) => this.keysOf(e)) } : {}) };
  }

  private listActions(): ListActions {
    return {
      listStyles: () => this.listStyles(),
      format: async (style, options) => send('format.list', { ...this.list(options), style }),
      copy: (text, html) => writeClipboard(text, html),
      saveToZotero: async (options) => (await send('zotero.save', this.list(options))).saved,
      loadExporter: () => loadGlobal<MountExporter>('__reflensMountExporter', '/list-export.js'),
    };
  }

  private async saveNote(e: Entry, text: string, base: string): Promise<SavedNote> {
    const keys = this.keysOf(e);
    if (keys.length === 0) throw new Error('This reference cannot be identified, so a note cannot be kept for it.');
    const title = e.result?.title ?? pageTitle(this.rest(e) ?? e.input);
    const { note, notice } = await send('notes.save', { keys, text, title, url: location.href, base });
    return { text: note?.text ?? null, ...(notice ? { notice } : {}) };
  }

  private updatePageStatus(): void {
    const all = [...this.entries.values()];
    const done = all.every((e) => e.view.state !== 'pending');
    const html = this.doc.documentElement;
    html.setAttribute('data-reflens-count', String(all.length));
    html.setAttribute('data-reflens-status', done ? 'done' : 'working');
    if (done) performance.mark('reflens:done');
  }
}
