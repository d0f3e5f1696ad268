import { LOCALE_CHOICES, type StyleChoice } from '../../src/core/citation-styles';
import { DEFAULT_SETTINGS, SERVICE_IDS, type ServiceSwitches, type Settings } from '../../src/core/settings';
import { send } from '../../src/messaging/client';

const form = document.querySelector<HTMLFormElement>('#options')!;
const status = document.querySelector<HTMLElement>('#status')!;
const style = form.querySelector<HTMLSelectElement>('#style')!;
const locale = form.querySelector<HTMLSelectElement>('#locale')!;
const styleFile = form.querySelector<HTMLInputElement>('#style-file')!;
const styleError = form.querySelector<HTMLElement>('#style-error')!;
const customList = form.querySelector<HTMLUListElement>('#custom-styles')!;
const fields = ['email', 'ncbiApiKey', 'openalexApiKey'] as const;
const switchOf = (id: (typeof SERVICE_IDS)[number]) => form.querySelector<HTMLInputElement>(`#service-${id}`)!;
/** The switches as last stored: a change sends the whole set, so one click never resets the others. */
let services: ServiceSwitches = { ...DEFAULT_SETTINGS.services };

function say(text: string, kind: 'info' | 'error' = 'info'): void {
  status.textContent = text;
  status.dataset.kind = kind;
}

for (const l of LOCALE_CHOICES) locale.append(new Option(l.label, l.id));

/** The style menu and the list of added styles, from the background (built-in styles first). */
function renderStyles(styles: StyleChoice[], selected: string): void {
  style.replaceChildren(...styles.map((s) => new Option(s.custom ? `${s.label} (yours)` : s.label, s.id)));
  style.value = styles.some((s) => s.id === selected) ? selected : styles[0]!.id;
  customList.replaceChildren(
    ...styles
      .filter((s) => s.custom)
      .map((s) => {
        const li = document.createElement('li');
        li.dataset.styleId = s.id;
        const remove = document.createElement('button');
        remove.type = 'button';
        remove.textContent = 'Remove';
        remove.setAttribute('aria-label', `Remove the style ${s.label}`);
        remove.addEventListener('click', () => void removeStyle(s.id));
        li.append(s.label, remove);
        return li;
      }),
  );
}

async function loadStyles(): Promise<void> {
  const { styles, style: selected } = await send('styles.list', {});
  renderStyles(styles, selected);
}

async function load(): Promise<void> {
  const settings = await send('settings.get', {});
  await loadStyles();
  locale.value = settings.locale;
  for (const f of fields) form.querySelector<HTMLInputElement>(`#${f}`)!.value = settings[f];
  services = { ...DEFAULT_SETTINGS.services, ...settings.services };
  for (const id of SERVICE_IDS) switchOf(id).checked = services[id];
  document.documentElement.dataset.optionsReady = '';
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

function showStyleError(message: string | undefined): void {
  styleError.textContent = message ?? '';
  styleError.hidden = !message;
  if (message) styleFile.setAttribute('aria-invalid', 'true');
  else styleFile.removeAttribute('aria-invalid');
}

async function addStyle(file: File): Promise<void> {
  showStyleError(undefined);
  try {
    const xml = await file.text();
    const { style: added } = await send('styles.add', { xml, fileName: file.name });
    await loadStyles();
    say(`Added the style “${added.label}”. Choose it above to make it the default.`);
  } catch (err) {
    showStyleError(`${file.name}: ${(err as Error).message}`);
  } finally {
    styleFile.value = '';
  }
}

async function removeStyle(id: string): Promise<void> {
  try {
    await send('styles.remove', { id });
    await loadStyles();
    say('Style removed.');
  } catch (err) {
    say((err as Error).message, 'error');
  }
}

style.addEventListener('change', () => void save({ style: style.value }, style));
locale.addEventListener('change', () => void save({ locale: locale.value as Settings['locale'] }, locale));
styleFile.addEventListener('change', () => {
  const file = styleFile.files?.[0];
  if (file) void addStyle(file);
});
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
