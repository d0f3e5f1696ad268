import type { Storage } from 'webextension-polyfill';
import type { StyleChoice } from '../../core/citation-styles';
import { checkCslXml, styleHash } from '../../core/csl-xml';
import { HandledError } from '../../messaging/server';
import { formatCitation, type CustomStyle } from './index';

const KEY = 'cslStyles';
/** Enough for any real style collection while keeping storage.local (10 MB) for notes. */
const MAX_STYLES = 20;

/** A work every bibliography style can render: used to prove that citation-js accepts an added style. */
const PROBE = {
  id: 'probe',
  type: 'article-journal' as const,
  title: 'Probe title',
  'container-title': 'Probe Journal',
  author: [{ family: 'Probe', given: 'Ann' }],
  issued: { 'date-parts': [[2020]] },
  volume: '1',
  page: '1-2',
};

/** The user's own CSL styles, validated on the way in, kept in storage.local under "cslStyles". */
export class CustomStyleStore {
  private cached: CustomStyle[] | undefined;

  constructor(private readonly area: Storage.StorageArea) {}

  async list(): Promise<CustomStyle[]> {
    if (this.cached) return this.cached;
    const stored = (await this.area.get(KEY))[KEY];
    this.cached = Array.isArray(stored)
      ? stored.filter((s): s is CustomStyle => !!s && typeof s.id === 'string' && typeof s.xml === 'string' && typeof s.label === 'string')
      : [];
    return this.cached;
  }

  async choices(): Promise<StyleChoice[]> {
    return (await this.list()).map((s) => ({ id: s.id, label: s.label, kind: 'csl', custom: true }));
  }

  /** Validates and stores a style; an invalid file is an error with code 'invalid-style' and stores nothing. */
  async add(xml: string, fileName?: string): Promise<StyleChoice> {
    const check = checkCslXml(xml);
    if (!check.ok) throw new HandledError(check.error, 'invalid-style');
    const id = `custom-${styleHash(xml)}`;
    const label = (check.title ?? fileName?.replace(/\.(csl|xml)$/i, '') ?? 'My style').slice(0, 120);
    const style: CustomStyle = { id, label, xml };
    try {
      const out = formatCitation(PROBE, id, { custom: [style] });
      if (!out.text.trim()) throw new Error('it produced no text for a sample journal article');
    } catch (err) {
      // citeproc-js throws strings as well as Errors.
      const why = err instanceof Error ? err.message : String(err);
      throw new HandledError(`The citation processor cannot use this style: ${why}`, 'invalid-style');
    }
    const all = (await this.list()).filter((s) => s.id !== id);
    if (all.length >= MAX_STYLES) throw new HandledError(`At most ${MAX_STYLES} styles can be added; remove one first.`, 'invalid-style');
    const next = [...all, style];
    await this.area.set({ [KEY]: next });
    this.cached = next;
    return { id, label, kind: 'csl', custom: true };
  }

  async remove(id: string): Promise<boolean> {
    const all = await this.list();
    const next = all.filter((s) => s.id !== id);
    if (next.length === all.length) return false;
    await this.area.set({ [KEY]: next });
    this.cached = next;
    return true;
  }

  invalidate(): void {
    this.cached = undefined;
  }
}
