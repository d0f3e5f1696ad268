import { isLocaleId, type LocaleId } from './citation-styles';

/** User settings, kept in storage.local under "settings". */
export interface Settings {
  /** Default citation style: a CSL style id known to the formatter, or 'bibtex' | 'ris' | 'csl-json'. */
  style: string;
  /** Language of formatted citations: a CSL locale, or 'auto' for each style's own default. */
  locale: LocaleId;
  /** Contact email sent to services that ask for one (Crossref mailto, NCBI email, Unpaywall email). */
  email: string;
  /** Optional NCBI E-utilities API key (raises the limit from 3 to 10 requests/s). */
  ncbiApiKey: string;
  /** Optional OpenAlex API key; OpenAlex is used only when it is set. */
  openalexApiKey: string;
  /** Per-service switches: a switched-off service is never contacted. */
  services: ServiceSwitches;
}

/** The web services the user can switch off one by one ("pubmed" covers every NCBI call: ECitMatch, ESummary, ID converter). */
export const SERVICE_IDS = ['crossref', 'pubmed', 'europepmc', 'unpaywall', 'openalex'] as const;
export type ServiceId = (typeof SERVICE_IDS)[number];
export type ServiceSwitches = Record<ServiceId, boolean>;

export const DEFAULT_SETTINGS: Settings = {
  style: 'apa',
  locale: 'auto',
  email: '',
  ncbiApiKey: '',
  openalexApiKey: '',
  services: { crossref: true, pubmed: true, europepmc: true, unpaywall: true, openalex: true },
};

const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;

/**
 * Validates and merges a partial update; unknown or malformed fields are dropped, never stored.
 * `services` merges switch by switch, so settings stored before the switches existed (or a patch naming one
 * service) keep every other switch as it was.
 */
export function mergeSettings(base: Settings, patch: Partial<Record<keyof Settings, unknown>>): Settings {
  const out = { ...base, services: { ...DEFAULT_SETTINGS.services, ...base.services } };
  if (typeof patch.style === 'string' && patch.style.trim()) out.style = patch.style.trim();
  if (isLocaleId(patch.locale)) out.locale = patch.locale;
  if (typeof patch.email === 'string') {
    const e = patch.email.trim();
    if (e === '' || EMAIL.test(e)) out.email = e;
    else throw new Error('That contact email does not look like an address.');
  }
  for (const k of ['ncbiApiKey', 'openalexApiKey'] as const) {
    const v = patch[k];
    if (typeof v === 'string') out[k] = v.trim().replace(/[^A-Za-z0-9_-]/g, '');
  }
  const switches = patch.services;
  if (switches && typeof switches === 'object' && !Array.isArray(switches)) {
    for (const id of SERVICE_IDS) {
      const on = (switches as Record<string, unknown>)[id];
      if (typeof on === 'boolean') out.services[id] = on;
    }
  }
  return out;
}
