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

  it('has every service on by default and merges the switches one by one', () => {
    expect(DEFAULT_SETTINGS.services).toEqual({ crossref: true, pubmed: true, europepmc: true, unpaywall: true, openalex: true });
    const off = mergeSettings(DEFAULT_SETTINGS, { services: { pubmed: false } });
    expect(off.services).toEqual({ ...DEFAULT_SETTINGS.services, pubmed: false });
    const twice = mergeSettings(off, { services: { unpaywall: false } });
    expect(twice.services).toEqual({ ...DEFAULT_SETTINGS.services, pubmed: false, unpaywall: false });
    expect(mergeSettings(twice, { services: { pubmed: true } }).services.pubmed).toBe(true);
    // The defaults are never mutated through a merged copy.
    expect(DEFAULT_SETTINGS.services.pubmed).toBe(true);
  });

  it('drops malformed switches and unknown services', () => {
    const s = mergeSettings(DEFAULT_SETTINGS, { services: { crossref: 'no', pubmed: 0, europepmc: false, scholar: false } });
    expect(s.services).toEqual({ ...DEFAULT_SETTINGS.services, europepmc: false });
    for (const bad of ['off', null, [false], 0]) expect(mergeSettings(s, { services: bad }).services).toEqual(s.services);
  });

  it('reads settings stored before the switches existed with every service on', async () => {
    await fakeBrowser.storage.local.set({ settings: { style: 'ieee', email: 'me@uni.edu', ncbiApiKey: '', openalexApiKey: '' } });
    const s = await new SettingsStore(fakeBrowser.storage.local).get();
    expect(s).toEqual({ ...DEFAULT_SETTINGS, style: 'ieee', email: 'me@uni.edu' });
    const store = new SettingsStore(fakeBrowser.storage.local);
    await store.set({ services: { ...s.services, openalex: false } });
    expect((await new SettingsStore(fakeBrowser.storage.local).get()).services.openalex).toBe(false);
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
