import type { Storage } from 'webextension-polyfill';

const KEY = 'rejections';
/** Remembered rejections are few; cap them so storage never grows without bound. */
const MAX_REFERENCES = 5000;

/** Identifiers the user said are wrong for a reference (by fingerprint); respected by every later lookup. */
export class Rejections {
  private cache: Promise<Record<string, string[]>> | undefined;

  constructor(private readonly area: Pick<Storage.StorageArea, 'get' | 'set'>) {}

  /** One storage read shared by every concurrent caller. */
  private load(): Promise<Record<string, string[]>> {
    this.cache ??= this.area.get(KEY).then(
      (got) => {
        const stored = got[KEY];
        return stored && typeof stored === 'object' ? (stored as Record<string, string[]>) : {};
      },
      () => ({}),
    );
    return this.cache;
  }

  /** Starts the storage read now (when the background starts), so the first page does not wait for it. */
  preload(): void {
    void this.load();
  }

  async get(fingerprint: string): Promise<Set<string>> {
    const all = await this.load();
    return new Set((all[fingerprint] ?? []).map((v) => v.toLowerCase()));
  }

  async add(fingerprint: string, values: string[]): Promise<void> {
    const all = await this.load();
    all[fingerprint] = [...new Set([...(all[fingerprint] ?? []), ...values.map((v) => v.toLowerCase())])];
    const keys = Object.keys(all);
    if (keys.length > MAX_REFERENCES) for (const k of keys.slice(0, keys.length - MAX_REFERENCES)) delete all[k];
    await this.area.set({ [KEY]: all });
  }

  invalidate(): void {
    this.cache = undefined;
  }
}
