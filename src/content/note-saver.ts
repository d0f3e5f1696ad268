/** What the background kept: the stored text (null: no note) and a notice (e.g. kept in this browser only). */
export interface SavedNote {
  text: string | null;
  notice?: string;
}

export interface NoteSaverHooks {
  /** Sends the text and the stored text it started from; rejects with the background's error. */
  save(text: string, base: string): Promise<SavedNote>;
  /** After a save: whether a note exists now, and one line for the status ('notice': saved, with a caveat). */
  done(has: boolean, message: string, kind: 'info' | 'notice' | 'error'): void;
}

/** Waits between attempts when the background is unreachable (worker stopped or restarting). */
const RETRY_MS = [200, 500, 1000, 2000, 4000, 8000];
/** An attempt with no answer by then is treated as lost; a repeat is harmless (same text, same base). */
const ATTEMPT_TIMEOUT_MS = 20_000;

const unreachable = (err: unknown) => (err as { code?: unknown })?.code === 'unavailable';

/**
 * Saves one note textarea: one save at a time, retried while the background is unreachable, starting from the
 * last stored text so the background can merge edits made meanwhile in another tab. Text typed while a save is
 * under way is never replaced.
 */
export class NoteSaver {
  /** The stored text as this tab last knew it. */
  lastSaved = '';
  private busy = false;
  private again = false;

  constructor(
    private readonly box: { value: string },
    private readonly hooks: NoteSaverHooks,
    private readonly wait = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms)),
  ) {}

  /** A stored value read or changed elsewhere; the box follows unless it holds an unsaved edit. */
  /** Answers whether the box shows the stored value now. */
  stored(text: string | null): boolean {
    const next = text ?? '';
    if (this.box.value === this.lastSaved) this.box.value = next;
    // With an unsaved edit, lastSaved stays put: the next save then merges instead of overwriting.
    if (this.box.value !== next) return false;
    this.lastSaved = next;
    return true;
  }

  async flush(): Promise<void> {
    if (this.busy) {
      this.again = true;
      return;
    }
    const text = this.box.value;
    if (text === this.lastSaved) return;
    this.busy = true;
    try {
      const saved = await this.attempt(text, this.lastSaved);
      const stored = saved.text ?? '';
      const merged = stored !== text;
      // The background may have merged in an edit from elsewhere: show it, unless more was typed meanwhile; then
      // the next save starts from the text sent, and the background merges again.
      const typedSince = this.box.value !== text;
      if (!typedSince) this.box.value = stored;
      this.lastSaved = typedSince ? text : stored;
      const message = merged ? 'Note merged with an edit made in another tab' : (saved.notice ?? (saved.text !== null ? 'Note saved' : 'Note deleted'));
      this.hooks.done(saved.text !== null, message, saved.notice && !merged ? 'notice' : 'info');
    } catch (err) {
      // The typed text stays in the textarea; the next edit or blur tries again.
      this.hooks.done(this.lastSaved !== '', (err as Error)?.message || 'The note was not saved.', 'error');
    } finally {
      this.busy = false;
      if (this.again) {
        this.again = false;
        void this.flush();
      }
    }
  }

  private async attempt(text: string, base: string): Promise<SavedNote> {
    for (let i = 0; ; i++) {
      try {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timeout = new Promise<never>((_, fail) => {
          timer = setTimeout(() => fail(Object.assign(new Error('RefLens background did not answer'), { code: 'unavailable' })), ATTEMPT_TIMEOUT_MS);
        });
        try {
          return await Promise.race([this.hooks.save(text, base), timeout]);
        } finally {
          clearTimeout(timer);
        }
      } catch (err) {
        const delay = RETRY_MS[i];
        if (!unreachable(err) || delay === undefined) {
          if (unreachable(err)) throw new Error('RefLens could not reach its background, so the note is not saved yet. Your text is still here.');
          throw err;
        }
        await this.wait(delay);
      }
    }
  }
}
