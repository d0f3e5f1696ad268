import { doiUrl, pmcUrl, pubmedUrl } from '../../core/identifiers';
import type { Flag, IdKind, Identifiers, LinkedId, OpenAccessCopy, ReferenceResult } from '../../core/reference';
import { hasDotSegment, safeHttpUrl } from '../../core/url';
import { NoteSaver, type SavedNote } from '../note-saver';
import { copyAsMenu, emptyCopyAsMenu, type CopyMenuCallbacks } from './copy-menu';
import { applyStyles, el } from './styles';

export interface ToolsCallbacks {
  /** Resolves when the citation is on the clipboard; rejects with a user-facing message. */
  copy(): Promise<string>;
  /** Saves the note text typed from the stored text `base`; rejects with a user-facing message. */
  saveNote(text: string, base: string): Promise<SavedNote>;
  /** The user says the looked-up identifiers are wrong for this reference. */
  rejectMatch(): Promise<void>;
  /** "Cite as…" menu: any style, or Zotero. */
  menu?: CopyMenuCallbacks;
}

const LINK_LABEL: Record<IdKind, string> = { doi: 'DOI', pubmed: 'PubMed', pmc: 'PMC' };
const FLAG_LABEL: Record<Flag['kind'], string> = {
  retracted: 'Retracted',
  correction: 'Corrected',
  'expression-of-concern': 'Expression of concern',
};
const SAVE_DELAY_MS = 700;

/**
 * The static part of every tools bar, built once and cloned: cloning a tree is far cheaper per reference than
 * creating and attributing each element (a 5,000-item list builds 5,000 of these). Templates and clones live in a
 * document without a window until they go into a shadow root: a menu made in the page's document tells the browser
 * its selection changed, and Chromium's autofill then re-reads every form control of the page with forced layouts
 * (half a second for 200 references).
 */
let templateDoc: Document | undefined;
const protoDoc = (): Document => (templateDoc ??= document.implementation.createHTMLDocument(''));
/** By the kinds of page links they start with (bit i: LINK_KINDS[i]): a bar comes with the links its page gives. */
const barProtos: HTMLElement[] = [];
function barTemplate(kinds: number): HTMLElement {
  let proto = barProtos[kinds];
  if (proto) return proto;
  const doc = protoDoc();
  const make = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string>, text?: string) => el(tag, attrs, text, doc);
  const links = make('span', { class: 'bar' });
  for (let i = 0; i < LINK_KINDS.length; i++) if (kinds & (1 << i)) links.append(linkProto(LINK_KINDS[i]!, 'page', doc));
  // The brand is drawn by the style sheet and the flags' container is made when a flag comes: fewer nodes to clone.
  proto = make('div', { class: 'bar tools', role: 'group' });
  proto.append(
    links,
    make('button', { type: 'button', 'data-reflens-action': 'copy' }, 'Cite'),
    make('button', { type: 'button', 'data-reflens-action': 'note', 'aria-expanded': 'false' }, 'Note'),
    make('span', { class: 'status', role: 'status', 'aria-live': 'polite', 'data-reflens-status-message': '' }),
  );
  return (barProtos[kinds] = proto);
}

let menuProto: HTMLSelectElement | undefined;
const menuTemplate = (): HTMLSelectElement => (menuProto ??= emptyCopyAsMenu(protoDoc()));

/**
 * "Cite as…" is built when its bar comes near the viewport, or when anything in the bar gets focus or the pointer:
 * a native select costs more to clone than the rest of the bar (its shadow tree), and most bars of a long list are
 * never seen. "Near the viewport" is the browser's own: the host's content-visibility: auto (styles.ts) stops skipping
 * it there and says so with an event, where an IntersectionObserver of our own watched every host a second time in
 * every frame. One capture listener per event type serves every bar (the state event does not bubble).
 */
const menuPending = new WeakMap<EventTarget, ToolsView>();
let listening = false;
const buildMenuOf = (target: EventTarget) => menuPending.get(target)?.buildMenu();
function buildMenuWhenNear(view: ToolsView): void {
  if (!listening) {
    listening = true;
    const opts = { capture: true, passive: true };
    addEventListener('contentvisibilityautostatechange', (ev) => (ev as Event & { skipped: boolean }).skipped || buildMenuOf(ev.target!), opts);
    for (const type of ['focusin', 'pointerover']) addEventListener(type, (ev) => ev.composedPath().forEach(buildMenuOf), opts);
  }
  menuPending.set(view.host, view);
}

/** The note panel, built for a reference when its note is first opened or a stored note arrives. */
let notePanelProto: HTMLElement | undefined;
function notePanelTemplate(): HTMLElement {
  if (notePanelProto) return notePanelProto;
  notePanelProto = el('div', { class: 'note', hidden: '' });
  notePanelProto.append(el('textarea', {
    'data-reflens-note': '',
    placeholder: 'Private note, saved automatically in this browser',
    maxlength: '100000',
  }));
  return notePanelProto;
}

/**
 * A DOI, PubMed or PMC link as its builder made it (a fixed https origin and an encoded value, which the URL parser
 * leaves as is) unless it holds a dot segment; parsing each of them cost a URL object per link of every reference.
 */
const ownUrl = (url: string): string | undefined => (hasDotSegment(url) ? safeHttpUrl(url) : url);

/** What a link slot shows, and its node. */
type LinkSlot = [key: string, node: Element | undefined];
const slotKey = (id?: LinkedId) => (id ? `${id.value}\u0000${id.source}\u0000${id.confidence ?? ''}` : '');
const LINK_KINDS: IdKind[] = ['doi', 'pubmed', 'pmc'];
const LINK_URL: Record<IdKind, (value: string) => string> = { doi: doiUrl, pubmed: pubmedUrl, pmc: pmcUrl };

/** Every link opens in a new tab and tells the target nothing of the page. */
const NEW_TAB = { target: '_blank', rel: 'noopener noreferrer' };
/** An identifier link without its address (label, target and rel set once). */
const linkProto = (kind: IdKind, source: LinkedId['source'], doc?: Document) =>
  el('a', { ...NEW_TAB, 'data-reflens-link': kind, 'data-reflens-source': source }, LINK_LABEL[kind], doc);
/** Identifier links are clones of these, by kind and source. */
const linkProtos: Record<string, HTMLAnchorElement> = {};

/**
 * The `<reflens-tools>` element of one reference: links, copy and note buttons, flags and a status line,
 * inside an open shadow root (the public DOM contract). All text goes in through textContent.
 */
export class ToolsView {
  readonly host: HTMLElement;
  private readonly root: ShadowRoot;
  private readonly links: HTMLElement;
  private flags: HTMLElement | undefined;
  private readonly status: HTMLElement;
  private notePanel: HTMLElement | undefined;
  private textarea: HTMLTextAreaElement | undefined;
  private readonly noteButton: HTMLButtonElement;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private saver: NoteSaver | undefined;
  private statusTimer: ReturnType<typeof setTimeout> | undefined;
  /** The links and reject button shown, by slot (see setLinks). */
  private slots: LinkSlot[] | undefined;
  private searchShown = false;
  private hasFlags = false;

  /** `pageIds`: the identifiers the page gives, shown from the start (as setLinks would show them). */
  constructor(
    private readonly item: Element,
    private readonly n: number,
    private readonly callbacks: ToolsCallbacks,
    pageIds: Pick<Identifiers, 'doi' | 'pmid' | 'pmcid'> = {},
  ) {
    this.host = document.createElement('reflens-tools');
    this.root = this.host.attachShadow({ mode: 'open' });
    applyStyles(this.root);
    // The page's links come with the clone: one clone per bar, then only their addresses to set.
    const values = [pageIds.doi, pageIds.pmid, pageIds.pmcid];
    const hrefs: Array<string | undefined> = [];
    let kinds = 0;
    for (let i = 0; i < 3; i++) {
      const value = values[i];
      hrefs.push(value ? ownUrl(LINK_URL[LINK_KINDS[i]!](value)) : undefined);
      if (hrefs[i]) kinds |= 1 << i;
    }
    const bar = barTemplate(kinds).cloneNode(true) as HTMLElement;
    // Sibling steps, not bar.children: indexing an HTMLCollection from a content script cost more than the clone.
    this.links = bar.firstElementChild as HTMLElement;
    const slots: LinkSlot[] = [];
    for (let i = 0, link = this.links.firstElementChild; i < 3; i++) {
      const value = values[i];
      const href = hrefs[i];
      if (href) link!.setAttribute('href', href);
      slots.push([slotKey(value ? { value, source: 'page' } : undefined), href ? link! : undefined]);
      if (href) link = link!.nextElementSibling;
    }
    slots.push(['', undefined], ['', undefined]); // free copy, reject button
    this.slots = slots;
    const copy = this.links.nextElementSibling!;
    this.noteButton = copy.nextElementSibling as HTMLButtonElement;
    this.status = this.noteButton.nextElementSibling as HTMLElement;
    bar.setAttribute('aria-label', `RefLens tools for reference ${n}`);
    copy.setAttribute('aria-label', `Copy citation of reference ${n}`);
    this.noteButton.setAttribute('aria-label', `Private note on reference ${n}`);
    // One listener on the root (this object's handleEvent) instead of one closure per control.
    this.root.addEventListener('click', this);
    if (callbacks.menu) buildMenuWhenNear(this);
    this.root.append(bar);
  }

  /** Builds the "Cite as…" menu after the copy button, once (bars with menu callbacks only). */
  buildMenu(): void {
    if (!menuPending.delete(this.host)) return;
    const select = menuTemplate().cloneNode(true) as HTMLSelectElement;
    this.noteButton.before(copyAsMenu(this.n, this.callbacks.menu!, (msg, kind) => this.showStatus(msg, kind, kind === 'error' ? 8000 : 2500), select));
  }

  /** Routes clicks on the copy, note and reject buttons. */
  handleEvent(ev: Event): void {
    const action = (ev.target as Element).closest?.('button[data-reflens-action]')?.getAttribute('data-reflens-action');
    if (action === 'copy') void this.onCopy();
    else if (action === 'note') this.toggleNote();
    else if (action === 'reject') void this.onReject();
  }

  /** Saves the note; made when a note is first shown or typed (most references never have one). */
  private noteSaver(): NoteSaver {
    if (this.saver) return this.saver;
    // Until the note panel exists the note is empty; setting any text builds it, so a stored note is always shown.
    const view = this;
    this.saver = new NoteSaver(
      {
        get value() {
          return view.textarea?.value ?? '';
        },
        set value(text: string) {
          if (view.textarea || text) view.notePanelBox().value = text;
        },
      },
      {
        save: (text, base) => this.callbacks.saveNote(text, base),
        done: (has, message, kind) => {
          this.markNote(has);
          // A notice (kept in this browser only) stays until the next save.
          this.showStatus(message, kind === 'error' ? 'error' : 'info', kind === 'info' ? 2500 : 0);
        },
      },
    );
    return this.saver;
  }

  /** The note's textarea, with its panel built (hidden) on first use. */
  private notePanelBox(): HTMLTextAreaElement {
    if (this.textarea) return this.textarea;
    const panel = notePanelTemplate().cloneNode(true) as HTMLElement;
    const textarea = panel.firstChild as HTMLTextAreaElement;
    const noteId = `reflens-note-${this.n}`;
    panel.id = noteId;
    textarea.setAttribute('aria-label', `Private note on reference ${this.n}, saved automatically`);
    textarea.addEventListener('input', () => this.scheduleSave());
    textarea.addEventListener('blur', () => void this.flushSave());
    this.noteButton.setAttribute('aria-controls', noteId);
    this.root.append(panel);
    this.notePanel = panel;
    this.textarea = textarea;
    return textarea;
  }

  /** The state last set on the item: the summary and page status count it without reading every item's attribute. */
  state: ReferenceResult['state'] | undefined;

  setState(state: ReferenceResult['state']): void {
    this.state = state;
    this.item.setAttribute('data-reflens-state', state);
  }

  /**
   * Replaces the identifier links. A result that changes nothing leaves them (and the layout) alone; a link whose
   * target, source and confidence are unchanged stays as it is.
   */
  setLinks(ids: { doi?: LinkedId; pmid?: LinkedId; pmcid?: LinkedId }, oa?: OpenAccessCopy): void {
    const lookup = ids.doi?.source === 'lookup' || ids.pmid?.source === 'lookup' || ids.pmcid?.source === 'lookup';
    // One slot per kind of link, in order: DOI, PubMed, PMC, free copy, reject button ('' when absent).
    const keys = [slotKey(ids.doi), slotKey(ids.pmid), slotKey(ids.pmcid), oa ? `${oa.url}\u0000${oa.version}\u0000${oa.host}` : '', lookup ? 'reject' : ''];
    let changed = this.searchShown;
    const slots: LinkSlot[] = [];
    const nodes: Element[] = [];
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      let slot = this.slots?.[i];
      if (slot?.[0] !== k) {
        changed = true;
        slot = [k, k ? this.makeLink(i, ids, oa) : undefined];
      }
      slots.push(slot);
      if (slot[1]) nodes.push(slot[1]);
    }
    if (!changed) return;
    this.slots = slots;
    this.searchShown = false;
    this.links.replaceChildren(...nodes);
  }

  /** The node of link slot `i` (see setLinks), or undefined when its address is not a safe http(s) URL. */
  private makeLink(i: number, ids: { doi?: LinkedId; pmid?: LinkedId; pmcid?: LinkedId }, oa?: OpenAccessCopy): Element | undefined {
    if (i < 3) {
      const kind = LINK_KINDS[i]!;
      const id = (i === 0 ? ids.doi : i === 1 ? ids.pmid : ids.pmcid)!;
      const href = ownUrl(LINK_URL[kind](id.value));
      if (!href) return undefined;
      const a = (linkProtos[kind + id.source] ??= linkProto(kind, id.source)).cloneNode(true) as HTMLAnchorElement;
      a.setAttribute('href', href);
      if (id.source === 'lookup') {
        a.title = `${LINK_LABEL[kind]} ${id.value} (found by lookup, confidence ${Math.round((id.confidence ?? 0) * 100)}%)`;
        if (id.confidence !== undefined) a.setAttribute('data-reflens-confidence', id.confidence.toFixed(3));
      }
      return a;
    }
    if (i === 3) {
      const href = safeHttpUrl(oa!.url);
      if (!href) return undefined;
      return el('a', {
        href,
        ...NEW_TAB,
        'data-reflens-link': 'oa',
        'data-reflens-source': 'lookup',
        'data-reflens-oa-version': oa!.version,
        title: `Legal open-access copy (${oa!.version} version, ${oa!.host})`,
      }, `Free ${/\.pdf($|\?)/i.test(href) ? 'PDF' : 'copy'} · ${oa!.version} · ${oa!.host}`);
    }
    return el('button', {
      type: 'button',
      class: 'reject',
      'data-reflens-action': 'reject',
      'aria-label': `Wrong match: remove the looked-up links of reference ${this.n}`,
      title: 'Wrong match? Remove it (RefLens will remember)',
    }, '\u2715');
  }

  /** Search links for a reference RefLens could not identify: the user decides to send its text elsewhere. */
  setSearchLinks(query: string | undefined): void {
    if (!query) return;
    this.searchShown = true; // the next setLinks replaces these too
    const q = encodeURIComponent(query.slice(0, 300));
    this.links.append(
      el('a', { href: `https://pubmed.ncbi.nlm.nih.gov/?term=${q}`, ...NEW_TAB, class: 'search', 'data-reflens-search': 'pubmed' }, 'Search PubMed'),
      el('a', { href: `https://scholar.google.com/scholar?q=${q}`, ...NEW_TAB, class: 'search', 'data-reflens-search': 'scholar' }, 'Scholar'),
    );
  }

  setFlags(flags: Flag[] = []): void {
    if (flags.length === 0 && !this.hasFlags) return;
    this.hasFlags = flags.length > 0;
    if (!this.flags) {
      this.flags = el('span', { class: 'bar' });
      this.status.before(this.flags);
    }
    this.flags.replaceChildren(
      ...flags.map((f) => {
        const href = safeHttpUrl(f.url);
        const attrs = { class: 'flag', 'data-reflens-flag': f.kind, title: f.label };
        if (!href) return el('span', attrs, FLAG_LABEL[f.kind]);
        return el('a', { ...attrs, href, ...NEW_TAB }, FLAG_LABEL[f.kind]);
      }),
    );
  }

  /** The stored note, read or changed in another tab; an unsaved edit stays and is merged when saved. */
  setNote(text: string | null): void {
    if (this.noteSaver().stored(text)) this.markNote(text !== null);
  }

  noteChangedElsewhere(text: string | null): void {
    this.setNote(text);
  }

  showStatus(message: string, kind: 'info' | 'error' = 'info', ms = kind === 'error' ? 0 : 2500): void {
    clearTimeout(this.statusTimer);
    this.status.textContent = message;
    this.status.setAttribute('data-kind', kind);
    this.status.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    if (ms > 0) this.statusTimer = setTimeout(() => (this.status.textContent = ''), ms);
  }

  private markNote(has: boolean): void {
    this.item.toggleAttribute('data-reflens-has-note', has);
    this.host.toggleAttribute('data-has-note', has);
  }

  private toggleNote(): void {
    const textarea = this.notePanelBox();
    const panel = this.notePanel!;
    const open = panel.hidden;
    panel.hidden = !open;
    this.noteButton.setAttribute('aria-expanded', String(open));
    if (open) textarea.focus();
    else void this.flushSave();
  }

  private async onCopy(): Promise<void> {
    try {
      this.showStatus(await this.callbacks.copy());
    } catch (err) {
      this.showStatus((err as Error).message || 'Could not copy the citation.', 'error', 6000);
    }
  }

  private async onReject(): Promise<void> {
    try {
      await this.callbacks.rejectMatch();
      this.showStatus('Match removed; RefLens will not suggest it again');
    } catch (err) {
      this.showStatus((err as Error).message || 'Could not remove the match.', 'error', 6000);
    }
  }

  /** Closing or leaving the tab within the typing pause still saves. */
  private readonly saveOnHide = (): void => {
    if (document.visibilityState === 'hidden') void this.flushSave();
  };

  private scheduleSave(): void {
    clearTimeout(this.saveTimer);
    document.addEventListener('visibilitychange', this.saveOnHide);
    this.saveTimer = setTimeout(() => void this.flushSave(), SAVE_DELAY_MS);
  }

  private flushSave(): Promise<void> {
    clearTimeout(this.saveTimer);
    return this.noteSaver().flush();
  }
}
