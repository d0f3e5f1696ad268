/** User settings, kept in storage.local under "settings". */
export interface Settings {
  /** Default citation style: a CSL style id known to the formatter, or 'bibtex' | 'ris' | 'csl-json'. */
  style: string;
  /** Contact email sent to services that ask for one (Crossref mailto, NCBI email, Unpaywall email). */
  email: string;
  /** Optional NCBI E-utilities API key (raises the limit from 3 to 10 requests/s). */
  ncbiApiKey: string;
  /** Optional OpenAlex API key; OpenAlex is used only when it is set. */
  openalexApiKey: string;
}

export const DEFAULT_SETTINGS: Settings = {
  style: 'apa',
  email: '',
  ncbiApiKey: '',
  openalexApiKey: '',
};

const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;

/** Validates and merges a partial update; unknown or malformed fields are dropped, never stored. */
export function mergeSettings(base: Settings, patch: Partial<Record<keyof Settings, unknown>>): Settings {
  const out = { ...base };
  if (typeof patch.style === 'string' && patch.style.trim()) out.style = patch.style.trim();
  if (typeof patch.email === 'string') {
    const e = patch.email.trim();
    if (e === '' || EMAIL.test(e)) out.email = e;
    else throw new Error('That contact email does not look like an address.');
  }
  for (const k of ['ncbiApiKey', 'openalexApiKey'] as const) {
    const v = patch[k];
    if (typeof v === 'string') out[k] = v.trim().replace(/[^A-Za-z0-9_-]/g, '');
  }
  return out;
}
