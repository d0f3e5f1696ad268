import { doiUrl, pmcUrl, pubmedUrl } from '../../core/identifiers';
import type { Flag, IdKind, LinkedId, OpenAccessCopy, ReferenceResult } from '../../core/reference';
import { safeHttpUrl } from '../../core/url';
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
 * The static part of every tools bar (with or without the "Cite as…" menu), built once and cloned: cloning a tree is
 * far cheaper per reference than creating and attributing each element (a 5,000-item list builds 5,000 of these).
 */
const templates = new Map<boolean, HTMLElement>();
function barTemplate(menu: boolean): HTMLElement {
  let bar = templates.get(menu);
  if (bar) return bar;
  bar = el('div', { class: 'bar', role: 'group' });
  bar.append(
    el('span', { class: 'brand', 'aria-hidden': 'true' }, 'RefLens'),
    el('span', { class: 'bar' }),
    el('button', { type: 'button', 'data-reflens-action': 'copy' }, 'Cite'),
    ...(menu ? [emptyCopyAsMenu()] : []),
    el('button', { type: 'button', 'data-reflens-action': 'note', 'aria-expanded': 'false' }, 'Note'),
    el('span', { class: 'bar' }),
    el('span', { class: 'status', role: 'status', 'aria-live': 'polite', 'data-reflens-status-message': '' }),
  );
  templates.set(menu, bar);
  return bar;
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

/** Identifier links are clones of these (kind, label, target and rel set once). */
const linkProtos: Partial<Record<IdKind, HTMLAnchorElement>> = {};

/** A key of what setLinks would show: results that change nothing leave the links (and the layout) alone. */
function linksKey(ids: { doi?: LinkedId; pmid?: LinkedId; pmcid?: LinkedId }, oa?: OpenAccessCopy): string {
  const id = (x?: LinkedId) => (x ? `${x.value}\u0000${x.source}\u0000${x.confidence ?? ''}` : '');
  return `${id(ids.doi)}\u0001${id(ids.pmid)}\u0001${id(ids.pmcid)}\u0001${oa ? `${oa.url}\u0000${oa.version}\u0000${oa.host}` : ''}`;
}

/**
 * The `<reflens-tools>` element of one reference: links, copy and note buttons, flags and a status line,
 * inside an open shadow root (the public DOM contract). All text goes in through textContent.
 */
export class ToolsView {
  readonly host: HTMLElement;
  private readonly root: ShadowRoot;
  private readonly links: HTMLElement;
  private readonly flags: HTMLElement;
  private readonly status: HTMLElement;
  private notePanel: HTMLElement | undefined;
  private textarea: HTMLTextAreaElement | undefined;
  private readonly noteButton: HTMLButtonElement;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly saver: NoteSaver;
  private statusTimer: ReturnType<typeof setTimeout> | undefined;
  private shownLinks: string | undefined;
  private hasFlags = false;

  constructor(
    private readonly item: Element,
    private readonly n: number,
    private readonly callbacks: ToolsCallbacks,
  ) {
    this.host = document.createElement('reflens-tools');
    this.root = this.host.attachShadow({ mode: 'open' });
    applyStyles(this.root);
    const bar = barTemplate(!!callbacks.menu).cloneNode(true) as HTMLElement;
    const controls = bar.children as unknown as HTMLElement[];
    const copy = controls[2]!;
    const menu = callbacks.menu ? (controls[3] as HTMLSelectElement) : undefined;
    const rest = menu ? 4 : 3;
    this.links = controls[1]!;
    this.noteButton = controls[rest] as HTMLButtonElement;
    this.flags = controls[rest + 1]!;
    this.status = controls[rest + 2]!;
    if (menu) copyAsMenu(n, callbacks.menu!, (msg, kind) => this.showStatus(msg, kind, kind === 'error' ? 8000 : 2500), menu);
    bar.setAttribute('aria-label', `RefLens tools for reference ${n}`);
    copy.setAttribute('aria-label', `Copy citation of reference ${n}`);
    this.noteButton.setAttribute('aria-label', `Private note on reference ${n}`);
    // One listener on the root (this object's handleEvent) instead of one closure per control.
    this.root.addEventListener('click', this);
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
    this.root.append(bar);
  }

  /** Routes clicks on the copy, note and reject buttons. */
  handleEvent(ev: Event): void {
    const action = (ev.target as Element).closest?.('button[data-reflens-action]')?.getAttribute('data-reflens-action');
    if (action === 'copy') void this.onCopy();
    else if (action === 'note') this.toggleNote();
    else if (action === 'reject') void this.onReject();
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

  setState(state: ReferenceResult['state']): void {
    this.item.setAttribute('data-reflens-state', state);
  }

  /** Replaces the identifier links. */
  setLinks(ids: { doi?: LinkedId; pmid?: LinkedId; pmcid?: LinkedId }, oa?: OpenAccessCopy): void {
    const key = linksKey(ids, oa);
    if (key === this.shownLinks) return;
    this.shownLinks = key;
    const frag = document.createDocumentFragment();
    const add = (kind: IdKind, id: LinkedId | undefined, url: (v: string) => string) => {
      if (!id) return;
      const href = safeHttpUrl(url(id.value));
      if (!href) return;
      const proto = (linkProtos[kind] ??= el('a', { target: '_blank', rel: 'noopener noreferrer', 'data-reflens-link': kind }, LINK_LABEL[kind]));
      const a = proto.cloneNode(true) as HTMLAnchorElement;
      a.setAttribute('href', href);
      a.setAttribute('data-reflens-source', id.source);
      a.title = `${LINK_LABEL[kind]} ${id.value}${id.source === 'lookup' ? ` (found by lookup, confidence ${Math.round((id.confidence ?? 0) * 100)}%)` : ''}`;
      if (id.source === 'lookup' && id.confidence !== undefined) a.setAttribute('data-reflens-confidence', id.confidence.toFixed(3));
      frag.append(a);
    };
    add('doi', ids.doi, doiUrl);
    add('pubmed', ids.pmid, pubmedUrl);
    add('pmc', ids.pmcid, pmcUrl);
    const oaHref = safeHttpUrl(oa?.url);
    if (oa && oaHref) {
      const label = `Free ${/\.pdf($|\?)/i.test(oaHref) ? 'PDF' : 'copy'} · ${oa.version} · ${oa.host}`;
      frag.append(el('a', {
        href: oaHref,
        target: '_blank',
        rel: 'noopener noreferrer',
        'data-reflens-link': 'oa',
        'data-reflens-source': 'lookup',
        'data-reflens-oa-version': oa.version,
        title: `Legal open-access copy (${oa.version} version, ${oa.host})`,
      }, label));
    }
    const looked = [ids.doi, ids.pmid, ids.pmcid].some((id) => id?.source === 'lookup');
    if (looked) {
      const reject = el('button', {
        type: 'button',
        class: 'reject',
        'data-reflens-action': 'reject',
        'aria-label': `Wrong match: remove the looked-up links of reference ${this.n}`,
        title: 'Wrong match? Remove it (RefLens will remember)',
      }, '\u2715');
      frag.append(reject);
    }
    this.links.replaceChildren(frag);
  }

  /** Search links for a reference RefLens could not identify: the user decides to send its text elsewhere. */
  setSearchLinks(query: string | undefined): void {
    if (!query) return;
    this.shownLinks = undefined; // the next setLinks replaces these too
    const q = encodeURIComponent(query.slice(0, 300));
    this.links.append(
      el('a', { href: `https://pubmed.ncbi.nlm.nih.gov/?term=${q}`, target: '_blank', rel: 'noopener noreferrer', class: 'search', 'data-reflens-search': 'pubmed' }, 'Search PubMed'),
      el('a', { href: `https://scholar.google.com/scholar?q=${q}`, target: '_blank', rel: 'noopener noreferrer', class: 'search', 'data-reflens-search': 'scholar' }, 'Scholar'),
    );
  }

  setFlags(flags: Flag[] = []): void {
    if (flags.length === 0 && !this.hasFlags) return;
    this.hasFlags = flags.length > 0;
    this.flags.replaceChildren(
      ...flags.map((f) => {
        const href = safeHttpUrl(f.url);
        const attrs = { class: 'flag', 'data-reflens-flag': f.kind, title: f.label };
        if (!href) return el('span', attrs, FLAG_LABEL[f.kind]);
        return el('a', { ...attrs, href, target: '_blank', rel: 'noopener noreferrer' }, FLAG_LABEL[f.kind]);
      }),
    );
  }

  /** The stored note, read or changed in another tab; an unsaved edit stays and is merged when saved. */
  setNote(text: string | null): void {
    if (this.saver.stored(text)) this.markNote(text !== null);
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
    return this.saver.flush();
  }
}
