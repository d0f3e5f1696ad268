import { describe, expect, it, vi } from 'vitest';
import { INJECT_RETRY_DELAYS_MS, injectOnClick } from '../../src/background/toolbar';

const refused = () => Promise.reject(new Error('Cannot access contents of the page.'));

describe('toolbar button: running the generic detector', () => {
  it('runs once when the page accepts', async () => {
    const inject = vi.fn(() => Promise.resolve([]));
    const wait = vi.fn(() => Promise.resolve());
    expect(await injectOnClick(inject, wait)).toBe(true);
    expect(inject).toHaveBeenCalledTimes(1);
    expect(wait).not.toHaveBeenCalled();
  });

  it('retries a refusal that follows the click (the grant not yet in the page), and runs once it is', async () => {
    const inject = vi.fn().mockImplementationOnce(refused).mockImplementationOnce(refused).mockResolvedValue([]);
    const waits: number[] = [];
    expect(await injectOnClick(inject, async (ms) => void waits.push(ms))).toBe(true);
    expect(inject).toHaveBeenCalledTimes(3);
    expect(waits).toEqual(INJECT_RETRY_DELAYS_MS.slice(0, 2));
  });

  it('gives up with one warning on a page it may never run on', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const inject = vi.fn(refused);
    expect(await injectOnClick(inject, () => Promise.resolve())).toBe(false);
    expect(inject).toHaveBeenCalledTimes(INJECT_RETRY_DELAYS_MS.length + 1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.join(' '))).toMatch(/cannot run on this page: Cannot access/);
    warn.mockRestore();
  });
});
