import { browser } from 'wxt/browser';
import { isContentCommand } from '../messaging/protocol';

/**
 * Remembers which element the user last right-clicked and last clicked (composed paths, so a click inside a
 * reference's tools counts), and answers the background's "copy citation" command with the reference found there.
 */
export function listenForCopyCommands(doc: Document, copyAt: (targets: Element[]) => Promise<string | undefined>): void {
  let clicked: Element | null = null;
  let contextTarget: Element | null = null;
  const first = (e: Event) => (e.composedPath()[0] instanceof Element ? (e.composedPath()[0] as Element) : null);
  doc.addEventListener('pointerdown', (e) => (clicked = first(e)), { capture: true, passive: true });
  doc.addEventListener('contextmenu', (e) => (contextTarget = first(e)), { capture: true, passive: true });

  browser.runtime.onMessage.addListener((msg: unknown) => {
    if (!isContentCommand(msg)) return undefined;
    const targets =
      msg.via === 'context-menu'
        ? [contextTarget]
        : // The focused reference: focus inside a tools shadow root shows as its host in document.activeElement.
          [doc.activeElement === doc.body ? null : doc.activeElement, clicked];
    return copyAt(targets.filter((t): t is Element => !!t)).then(
      (message) => ({ ok: !!message, message }),
      (err: Error) => ({ ok: false, message: err.message }),
    );
  });
}
