/** Waits before each retry: Chromium may tell the page's process of the activeTab grant after the click event. */
export const INJECT_RETRY_DELAYS_MS = [50, 200, 800];

/**
 * Runs the generic content script in the tab whose toolbar button was clicked (`inject`). A refusal right after the
 * click can be the grant still on its way to the page's process, so it is retried a few times before being reported.
 */
export async function injectOnClick(
  inject: () => Promise<unknown>,
  wait: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await inject();
      return true;
    } catch (err) {
      const delay = INJECT_RETRY_DELAYS_MS[attempt];
      if (delay === undefined) {
        console.warn('RefLens: cannot run on this page:', (err as Error).message);
        return false;
      }
      await wait(delay);
    }
  }
}
