import type { StyleChoice } from '../../core/citation-styles';
import type { Flag, ReferenceResult } from '../../core/reference';
import { applyStyles, el } from './styles';

/** Which references go into a whole-list export. */
export interface ListOptions {
  /** Only references with a DOI or PMID (state "resolved"). */
  onlyResolved: boolean;
  /** The user's private notes as `note` fields. */
  notes: boolean;
}

/** What the export part of the summary asks of the page controller (formatting happens in the background). */
export interface ListActions {
  listStyles(): Promise<{ styles: StyleChoice[]; style: string }>;
  format(style: string, options: ListOptions): Promise<{ text: string; html?: string; style: string; count: number }>;
  copy(text: string, html?: string): Promise<void>;
  /** Resolves to the number saved; rejects with code 'zotero-unavailable' when Zotero is not running. */
  saveToZotero(options: ListOptions): Promise<number>;
  /** Loads the export controls (a separate script) and answers their mount function. */
  loadExporter(): Promise<MountExporter>;
}

/** Builds the export controls after `toggle` in `panel` and opens them; later clicks on the toggle show or hide them. */
export type MountExporter = (actions: ListActions, root: ShadowRoot, toggle: HTMLButtonElement, panel: HTMLElement) => void;


/** What the summary needs of each reference the page controller tracks. */
export interface SummarySource {
  item: Element;
  input: { n: number };
  result?: Pick<ReferenceResult, 'oa' | 'flags'>;
  /** The state last set on the item (read from the item's attribute when absent). */
  view?: { readonly state?: string };
}

export interface SummaryCounts {
  total: number;
  /** References with a DOI or PMID (state "resolved"). */
  resolved: number;
  pending: number;
  /** References with a legal open-access copy. */
  oa: number;
  /** References with at least one flag. */
  flagged: number;
  retracted: number;
  corrected: number;
  concern: number;
}

export interface FlaggedReference {
  n: number;
  item: Element;
  kinds: Flag['kind'][];
}

const FLAG_ORDER: Flag['kind'][] = ['retracted', 'expression-of-concern', 'correction'];
const FLAG_HEADING: Record<Flag['kind'], string> = {
  retracted: 'Retracted',
  'expression-of-concern': 'Expression of concern',
  correction: 'Corrected',
};
const FLAG_WORD: Record<Flag['kind'], string> = {
  retracted: 'retracted',
  'expression-of-concern': 'with an expression of concern',
  correction: 'corrected',
};

export function summarise(sources: Iterable<SummarySource>): { counts: SummaryCounts; flagged: FlaggedReference[] } {
  const counts: SummaryCounts = { total: 0, resolved: 0, pending: 0, oa: 0, flagged: 0, retracted: 0, corrected: 0, concern: 0 };
  const flagged: FlaggedReference[] = [];
  for (const s of sources) {
    counts.total++;
    const state = s.view?.state ?? s.item.getAttribute('data-reflens-state');
    if (state === 'resolved') counts.resolved++;
    else if (state === 'pending' || state === null) counts.pending++;
    if (s.result?.oa) counts.oa++;
    const flags = s.result?.flags;
    if (!flags?.length) continue; // most references: no set or array built for them
    const kinds = [...new Set(flags.map((f) => f.kind))];
    counts.flagged++;
    if (kinds.includes('retracted')) counts.retracted++;
    if (kinds.includes('correction')) counts.corrected++;
    if (kinds.includes('expression-of-concern')) counts.concern++;
    flagged.push({ n: s.input.n, item: s.item, kinds });
  }
  flagged.sort((a, b) => a.n - b.n);
  return { counts, flagged };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "51 references · 50 identified · 7 free copies · 1 retracted · 1 corrected" (flags only when present). */
export function summaryText(c: SummaryCounts): string {
  const parts = [plural(c.total, 'reference', 'references'), `${c.resolved} identified`, plural(c.oa, 'free copy', 'free copies')];
  if (c.retracted) parts.push(`${c.retracted} ${FLAG_WORD.retracted}`);
  if (c.concern) parts.push(`${c.concern} ${FLAG_WORD['expression-of-concern']}`);
  if (c.corrected) parts.push(`${c.corrected} ${FLAG_WORD.correction}`);
  if (c.pending) parts.push(`${c.pending} still looking up`);
  return parts.join(' · ');
}

const SUMMARY_CSS = `
:host { margin: 6px 0 10px; padding: 0; content-visibility: visible; }
.panel { display: flex; flex-direction: column; gap: 3px; padding: 4px 8px; border: 1px solid #d0d7de; border-radius: 6px; background: #f6f8fa; max-width: 60em; }
.jumps { display: flex; flex-wrap: wrap; align-items: center; gap: 4px; }
.jumps[hidden] { display: none; }
.kind { color: #57606a; margin-left: 4px; }
.jumps a.flag { color: #a40e26; }
.jumps a.flag[data-kind="correction"] { background: #fff8c5; border-color: #d4a72c; color: #6b4f00; }
`;


/** A refresh waits for an idle period at most this long. */
const REFRESH_WITHIN_MS = 250;

/** Containers in which a foreign element would break the list's markup or ARIA roles: the panel goes before them. */
const LIST_TAGS = new Set(['ol', 'ul', 'dl']);
const TABLE_PARTS = new Set(['table', 'tbody', 'thead', 'tfoot', 'tr']);
const LIST_ROLES = new Set(['list', 'table', 'grid', 'rowgroup', 'row', 'feed']);

/**
 * The `<reflens-summary>` panel above a page's reference list: counts of references, identified ones, free copies
 * and flags, with links that scroll to each flagged reference. Open shadow root; counts are mirrored as
 * `data-reflens-summary-*` attributes on the host. All text goes in through textContent.
 */
export class SummaryView {
  readonly host: HTMLElement;
  private readonly line: HTMLElement;
  private readonly jumps: HTMLElement;
  private scheduled = false;
  /** The count attributes and jump links last written. */
  private readonly shown: Record<string, string> = {};
  private shownFlagged: FlaggedReference[] = [];

  constructor(
    private readonly source: () => Iterable<SummarySource>,
    actions?: ListActions,
  ) {
    this.host = document.createElement('reflens-summary');
    const root = this.host.attachShadow({ mode: 'open' });
    applyStyles(root, SUMMARY_CSS);
    const panel = el('div', { class: 'panel', role: 'group', 'aria-label': 'RefLens summary of the reference list' });
    const bar = el('div', { class: 'bar' });
    bar.append(el('span', { class: 'brand', 'aria-hidden': 'true' }, 'RefLens'));
    this.line = el('span', { role: 'status', 'aria-live': 'polite', 'data-reflens-summary-text': '' });
    bar.append(this.line);
    this.jumps = el('div', { class: 'jumps', hidden: '' });
    panel.append(bar, this.jumps);
    if (actions) {
      // The export controls are loaded on first use, keeping them out of every page's content script.
      const toggle = el('button', { type: 'button', 'data-reflens-action': 'export', 'aria-expanded': 'false' }, 'Export list…');
      toggle.addEventListener('click', () => {
        if (toggle.hasAttribute('data-loading')) return;
        toggle.setAttribute('data-loading', '');
        actions
          .loadExporter()
          .then((mount) => mount(actions, root, toggle, panel))
          .catch((err: Error) => {
            toggle.removeAttribute('data-loading');
            this.line.textContent = `Export unavailable: ${err.message}`;
          });
      });
      bar.append(toggle);
    }
    root.append(panel);
  }

  /** Puts the panel at the top of the list whose first item is given (again, if the page removed it). */
  place(firstItem: Element): void {
    if (this.host.isConnected) return;
    const parent = firstItem.parentElement;
    let container: Element | undefined;
    if (parent && TABLE_PARTS.has(parent.localName)) container = parent.closest('table') ?? parent;
    else if (parent && (LIST_TAGS.has(parent.localName) || LIST_ROLES.has(parent.getAttribute('role') ?? ''))) container = parent;
    (container ?? firstItem).before(this.host);
    this.render();
  }

  /**
   * Re-renders once, in the page's next idle period (within REFRESH_WITHIN_MS): results arrive in batches whose
   * slices each ask for it, and it counts every reference of the page.
   */
  refresh(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      this.render();
    };
    if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: REFRESH_WITHIN_MS });
    else setTimeout(run, 0);
  }

  /** Writes what changed since the last render: counts, text and jump links. */
  render(): void {
    const { counts, flagged } = summarise(this.source());
    for (const [k, v] of Object.entries(counts)) {
      const value = String(v);
      if (this.shown[k] === value) continue;
      this.shown[k] = value;
      this.host.setAttribute(`data-reflens-summary-${k}`, value);
    }
    const text = summaryText(counts);
    if (this.line.textContent !== text) this.line.textContent = text; // unchanged text is not announced again

    const was = this.shownFlagged;
    if (flagged.length === was.length && flagged.every((f, i) => f.item === was[i]!.item && `${f.kinds}` === `${was[i]!.kinds}`)) return;
    this.shownFlagged = flagged;
    const frag = document.createDocumentFragment();
    for (const kind of FLAG_ORDER) {
      const refs = flagged.filter((f) => f.kinds.includes(kind));
      if (refs.length === 0) continue;
      frag.append(el('span', { class: 'kind' }, `${FLAG_HEADING[kind]}:`));
      for (const r of refs) frag.append(this.jumpLink(r, kind));
    }
    this.jumps.replaceChildren(frag);
    this.jumps.hidden = flagged.length === 0;
  }

  private jumpLink(r: FlaggedReference, kind: Flag['kind']): HTMLAnchorElement {
    const a = el('a', {
      href: '#',
      class: 'flag',
      'data-kind': kind,
      'data-reflens-summary-jump': String(r.n),
      'aria-label': `Go to reference ${r.n} (${FLAG_WORD[kind]})`,
    }, `Ref. ${r.n}`);
    a.addEventListener('click', (ev) => {
      ev.preventDefault();
      r.item.scrollIntoView({ block: 'center' });
      // Move keyboard focus with the view so the next Tab lands in that reference's tools.
      const target = r.item as HTMLElement;
      if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
      target.focus({ preventScroll: true });
    });
    return a;
  }
}

