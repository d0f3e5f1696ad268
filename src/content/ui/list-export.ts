import { fileTypeOf, type StyleChoice } from '../../core/citation-styles';
import { el } from './styles';
import type { ListActions, ListOptions, MountExporter } from './summary';

/** A file name for a downloaded list: "references-<page host>.<ext>". */
export function listFileName(host: string, kind: StyleChoice['kind']): string {
  const safe = host.replace(/^www\./, '').replace(/[^A-Za-z0-9.-]/g, '').slice(0, 60) || 'page';
  return `references-${safe}.${fileTypeOf(kind).ext}`;
}


/**
 * Copy, download or save to Zotero the whole reference list, in any format. Downloads are Blob links clicked in the
 * page (no downloads permission); when Zotero is not running, RIS and BibTeX downloads are offered instead.
 */
export class ListExport {
  readonly element: HTMLElement;
  private readonly style = el('select', { 'data-reflens-export-style': '', 'aria-label': 'Format' });
  private readonly status = el('span', { class: 'status', role: 'status', 'data-reflens-export-status': '' });
  private readonly fallback = el('span', { 'data-reflens-export-fallback': '' });
  private readonly boxes: HTMLInputElement[] = [];
  private styles: StyleChoice[] = [];

  constructor(
    private readonly actions: ListActions,
    private readonly root: ShadowRoot,
    private readonly toggle: HTMLButtonElement,
  ) {
    // Layout through the CSSOM (a page's CSP may refuse style attributes); the panel's sheet is the summary's.
    this.element = el('div', { role: 'group', 'aria-label': 'Export the reference list' });
    this.element.style.cssText = 'display:none;flex-wrap:wrap;align-items:center;gap:6px';
    this.fallback.style.display = 'none';
    const labels = [
      ['resolved', 'Only identified references'],
      ['notes', 'Include my notes'],
    ].map(([attr, text]) => {
      const box = el('input', { type: 'checkbox', [`data-reflens-export-${attr}`]: '' });
      this.boxes.push(box);
      const label = el('label');
      label.append(box, text!);
      return label;
    });
    const button = (action: string, text: string, run: () => Promise<void>) => {
      const b = el('button', { type: 'button', 'data-reflens-action': action }, text);
      b.addEventListener('click', () => {
        this.fallback.style.display = 'none';
        run().catch((err: Error & { code?: string }) => {
          this.say(err.message || 'That did not work.', 'error');
          if (err.code === 'zotero-unavailable') this.fallback.style.display = '';
        });
      });
      return b;
    };
    this.fallback.append(
      button('download-ris', 'Download RIS', () => this.download('ris')),
      button('download-bibtex', 'Download BibTeX', () => this.download('bibtex')),
    );
    this.element.append(
      this.style,
      ...labels,
      button('copy-list', 'Copy list', () => this.copy()),
      button('download-list', 'Download', () => this.download(this.style.value)),
      button('zotero-list', 'Save list to Zotero', () => this.zotero()),
      this.status,
      this.fallback,
    );
    this.toggle.addEventListener('click', () => this.open(this.element.style.display === 'none'));
  }

  open(open: boolean): void {
    this.setOpen(open).catch((err: Error) => this.say(err.message, 'error'));
  }

  private options(): ListOptions {
    return { onlyResolved: this.boxes[0]!.checked, notes: this.boxes[1]!.checked };
  }

  private say(text: string, kind: 'info' | 'error' = 'info'): void {
    this.status.textContent = text;
    this.status.setAttribute('data-kind', kind);
    this.status.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  }

  private async setOpen(open: boolean): Promise<void> {
    this.element.style.display = open ? 'flex' : 'none';
    this.toggle.setAttribute('aria-expanded', String(open));
    if (open && this.styles.length === 0) {
      const { styles, style } = await this.actions.listStyles();
      this.styles = styles;
      this.style.replaceChildren(...styles.map((s) => el('option', { value: s.id }, s.label)));
      this.style.value = style;
    }
  }

  private async list(styleId: string, verb: string): Promise<{ text: string; html?: string; kind: StyleChoice['kind'] } | undefined> {
    const out = await this.actions.format(styleId, this.options());
    const style = this.styles.find((s) => s.id === out.style);
    this.say(out.count ? `${verb} ${out.count} references (${style?.label ?? out.style})` : 'No references to export.', out.count ? 'info' : 'error');
    return out.count ? { ...out, kind: style?.kind ?? 'csl' } : undefined;
  }

  private async copy(): Promise<void> {
    const out = await this.list(this.style.value, 'Copied');
    if (out) await this.actions.copy(out.text, out.html);
  }

  private async download(styleId: string): Promise<void> {
    const out = await this.list(styleId, 'Downloaded');
    if (!out) return;
    const url = URL.createObjectURL(new Blob([out.text], { type: `${fileTypeOf(out.kind).mime};charset=utf-8` }));
    const a = el('a', { href: url, download: listFileName(location.hostname, out.kind), hidden: '' });
    this.root.append(a);
    a.click();
    a.remove();
    // The browser has started reading the Blob; free it once the download surely has it.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  private async zotero(): Promise<void> {
    this.say('Saving to Zotero…');
    this.say(`Saved ${await this.actions.saveToZotero(this.options())} references to Zotero`);
  }
}


export const mountExporter: MountExporter = (actions, root, toggle, panel) => {
  const exporter = new ListExport(actions, root, toggle);
  panel.append(exporter.element);
  exporter.open(true);
};
