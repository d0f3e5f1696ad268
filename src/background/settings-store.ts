import type { Storage } from 'webextension-polyfill';
import { DEFAULT_SETTINGS, mergeSettings, type Settings } from '../core/settings';
import { HandledError } from '../messaging/server';

const KEY = 'settings';

export class SettingsStore {
  private cached: Settings | undefined;
  /** Set when storage changed elsewhere: the next get() reads again, while snapshot() keeps the last value. */
  private stale = false;

  constructor(private readonly area: Storage.StorageArea) {}

  /** The last settings read, for code that cannot wait (service clients read it per request). */
  snapshot(): Settings {
    return this.cached ?? DEFAULT_SETTINGS;
  }

  async get(): Promise<Settings> {
    if (this.cached && !this.stale) return this.cached;
    this.stale = false;
    const stored = (await this.area.get(KEY))[KEY];
    try {
      this.cached = mergeSettings(DEFAULT_SETTINGS, (stored ?? {}) as Partial<Settings>);
    } catch {
      this.cached = { ...DEFAULT_SETTINGS }; // a corrupt stored value must not break the extension
    }
    return this.cached;
  }

  async set(patch: Partial<Settings>): Promise<Settings> {
    let next: Settings;
    try {
      next = mergeSettings(await this.get(), patch);
    } catch (err) {
      throw new HandledError((err as Error).message, 'invalid');
    }
    await this.area.set({ [KEY]: next });
    this.cached = next;
    return next;
  }

  /** Called when storage changes elsewhere (options page in another context). */
  invalidate(): void {
    this.stale = true;
  }
}
