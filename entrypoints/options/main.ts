import { STYLE_CHOICES } from '../../src/core/citation-styles';
import { DEFAULT_SETTINGS, SERVICE_IDS, type ServiceSwitches, type Settings } from '../../src/core/settings';
import { send } from '../../src/messaging/client';

const form = document.querySelector<HTMLFormElement>('#options')!;
const status = document.querySelector<HTMLElement>('#status')!;
const style = form.querySelector<HTMLSelectElement>('#style')!;
const fields = ['email', 'ncbiApiKey', 'openalexApiKey'] as const;
const switchOf = (id: (typeof SERVICE_IDS)[number]) => form.querySelector<HTMLInputElement>(`#service-${id}`)!;
/** The switches as last stored: a change sends the whole set, so one click never resets the others. */
let services: ServiceSwitches = { ...DEFAULT_SETTINGS.services };

function say(text: string, kind: 'info' | 'error' = 'info'): void {
  status.textContent = text;
  status.dataset.kind = kind;
}

for (const s of STYLE_CHOICES) style.append(new Option(s.label, s.id));

async function load(): Promise<void> {
  const settings = await send('settings.get', {});
  style.value = settings.style;
  for (const f of fields) form.querySelector<HTMLInputElement>(`#${f}`)!.value = settings[f];
  services = { ...DEFAULT_SETTINGS.services, ...settings.services };
  for (const id of SERVICE_IDS) switchOf(id).checked = services[id];
}

async function save(patch: Partial<Settings>, input?: HTMLElement): Promise<void> {
  try {
    const saved = await send('settings.set', patch);
    services = { ...DEFAULT_SETTINGS.services, ...saved.services };
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
for (const id of SERVICE_IDS) {
  const box = switchOf(id);
  box.addEventListener('change', () => {
    void save({ services: { ...services, [id]: box.checked } }, box).then(() => (box.checked = services[id]));
  });
}
form.addEventListener('submit', (e) => e.preventDefault());
load().catch((err: Error) => say(`Could not load settings: ${err.message}`, 'error'));
