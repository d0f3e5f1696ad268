import type { StyleChoice } from '../../core/citation-styles';
import { el } from './styles';

export interface CopyMenuCallbacks {
  /** Every style the user can pick (built-in and added); asked when the menu is first used. */
  listStyles(): Promise<StyleChoice[]>;
  /** Copies the reference in that style; resolves to a status message, rejects with a user-facing one. */
  copyAs(style: string): Promise<string>;
  /** Saves the reference to Zotero; resolves to a status message. */
  saveToZotero(): Promise<string>;
}

/** The menu before it is wired: only "Cite as…" (made in `doc`). Tools bars clone it from their template. */
export function emptyCopyAsMenu(doc = document): HTMLSelectElement {
  const select = el('select', { 'data-reflens-action': 'copy-as' }, undefined, doc);
  select.append(el('option', { value: '' }, 'Cite as…', doc));
  return select;
}

/**
 * "Cite as…" for one reference: a native select (keyboard and screen-reader support for free, and little code in
 * the content script) listing every style, then "Save to Zotero". Styles are loaded when it is first touched.
 * `select`: an unwired menu to use (a clone of emptyCopyAsMenu()).
 */
export function copyAsMenu(
  n: number,
  cb: CopyMenuCallbacks,
  report: (message: string, kind: 'info' | 'error') => void,
  select: HTMLSelectElement = emptyCopyAsMenu(),
): HTMLSelectElement {
  select.setAttribute('aria-label', `Copy reference ${n} in a style of your choice, or save it to Zotero`);
  let loading: Promise<void> | undefined;
  const load = () =>
    (loading ??= cb.listStyles().then(
      (styles) => select.append(...styles.map((s) => el('option', { value: s.id }, s.label)), el('option', { value: 'zotero' }, 'Save to Zotero')),
      (err: Error) => {
        loading = undefined;
        report(err.message, 'error');
      },
    ));
  select.addEventListener('pointerdown', () => void load());
  select.addEventListener('focus', () => void load());
  select.addEventListener('change', () => {
    const v = select.value;
    select.value = '';
    if (!v) return;
    (v === 'zotero' ? cb.saveToZotero() : cb.copyAs(v)).then(
      (msg) => report(msg, 'info'),
      (err: Error) => report(err.message || 'That did not work.', 'error'),
    );
  });
  return select;
}
