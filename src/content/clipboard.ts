/** Puts plain text and, where supported, HTML on the clipboard. Falls back to a copy event on insecure pages. */
export async function writeClipboard(text: string, html?: string): Promise<void> {
  const clip = globalThis.navigator?.clipboard;
  if (clip && typeof ClipboardItem !== 'undefined' && html) {
    try {
      await clip.write([
        new ClipboardItem({
          'text/plain': new Blob([text], { type: 'text/plain' }),
          'text/html': new Blob([html], { type: 'text/html' }),
        }),
      ]);
      return;
    } catch {
      // fall through: some browsers refuse text/html or the async API from content scripts
    }
  }
  if (clip?.writeText) {
    try {
      await clip.writeText(text);
      return;
    } catch {
      // fall through
    }
  }
  let done = false;
  const onCopy = (e: ClipboardEvent) => {
    e.clipboardData?.setData('text/plain', text);
    if (html) e.clipboardData?.setData('text/html', html);
    e.preventDefault();
    done = true;
  };
  document.addEventListener('copy', onCopy, true);
  try {
    document.execCommand('copy');
  } finally {
    document.removeEventListener('copy', onCopy, true);
  }
  if (!done) throw new Error('The browser blocked clipboard access. Try again by clicking Cite.');
}
