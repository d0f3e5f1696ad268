import { STYLE_CHOICES } from '../../src/core/citation-styles';
import type { Settings } from '../../src/core/settings';
import { send } from '../../src/messaging/client';

const form = document.querySelector<HTMLFormElement>('#options')!;
const status = document.querySelector<HTMLElement>('#status')!;
const style = form.querySelector<HTMLSelectElement>('#style')!;
const fields = ['email', 'ncbiApiKey', 'openalexApiKey'] as const;

function say(text: string, kind: 'info' | 'error' = 'info'): void {
  status.textContent = text;
  status.dataset.kind = kind;
}

for (const s of STYLE_CHOICES) style.append(new Option(s.label, s.id));

async function load(): Promise<void> {
  const settings = await send('settings.get', {});
  style.value = settings.style;
  for (const f of fields) form.querySelector<HTMLInputElement>(`#${f}`)!.value = settings[f];
}

async function save(patch: Partial<Settings>, input?: HTMLElement): Promise<void> {
  try {
    await send('settings.set', patch);
    input?.removeAttribute('aria-invalid');
    say('Saved.');
  } catch (err) {
    input?.setAttribute('aria-invalid', 'true');
    say((err as Error).message, 'error');
  }
}

style.addEventListener('change', () => void save({ style: style.value }, style));
for (const f of fields) {
  const input = form.querySelector<HTMLInputElement>(`#${f}`)!;
  input.addEventListener('change', () => void save({ [f]: input.value }, input));
}
form.addEventListener('submit', (e) => e.preventDefault());
load().catch((err: Error) => say(`Could not load settings: ${err.message}`, 'error'));
