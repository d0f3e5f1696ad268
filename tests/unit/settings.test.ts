import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { DEFAULT_SETTINGS, mergeSettings } from '../../src/core/settings';
import { SettingsStore } from '../../src/background/settings-store';

describe('settings', () => {
  beforeEach(() => fakeBrowser.reset());

  it('validates the contact email and cleans API keys', () => {
    expect(() => mergeSettings(DEFAULT_SETTINGS, { email: 'not an email' })).toThrow(/email/);
    const s = mergeSettings(DEFAULT_SETTINGS, { email: ' me@uni.edu ', ncbiApiKey: 'ab c<d>', style: 'vancouver', extra: 1 } as never);
    expect(s).toEqual({ ...DEFAULT_SETTINGS, email: 'me@uni.edu', ncbiApiKey: 'abcd', style: 'vancouver' });
  });

  it('persists, and survives a corrupt stored value', async () => {
    const store = new SettingsStore(fakeBrowser.storage.local);
    await store.set({ style: 'bibtex' });
    expect((await new SettingsStore(fakeBrowser.storage.local).get()).style).toBe('bibtex');
    await fakeBrowser.storage.local.set({ settings: { email: 'broken' } });
    expect(await new SettingsStore(fakeBrowser.storage.local).get()).toEqual(DEFAULT_SETTINGS);
    await expect(store.set({ email: 'nope' })).rejects.toMatchObject({ code: 'invalid' });
  });
});
