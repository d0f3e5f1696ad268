import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { CustomStyleStore } from '../../src/background/format/custom-styles';
import { formatCitation, formatList } from '../../src/background/format/index';
import type { CslItem } from '../../src/core/csl';

const NS = 'http://purl.org/net/xbiblio/csl';
/** A tiny but complete independent style: "Family, Given: Title (Year)." */
const TINY = `<?xml version="1.0" encoding="utf-8"?>
<style xmlns="${NS}" class="in-text" version="1.0">
  <info><title>Tiny Test Style</title><id>http://example.org/tiny</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <macro name="author"><names variable="author"><name name-as-sort-order="all" sort-separator=", " delimiter="; "/></names></macro>
  <citation><layout><text macro="author"/></layout></citation>
  <bibliography>
    <layout suffix=".">
      <text macro="author" suffix=": "/>
      <text variable="title"/>
      <date variable="issued" prefix=" (" suffix=")"><date-part name="year"/></date>
    </layout>
  </bibliography>
</style>`;

const work: CslItem = {
  id: 'w',
  type: 'article-journal',
  title: 'A study of things',
  author: [{ family: 'Okafor', given: 'Ngozi' }, { family: 'Lindqvist', given: 'Per' }],
  issued: { 'date-parts': [[2019]] },
};

describe('custom CSL styles', () => {
  beforeEach(() => fakeBrowser.reset());

  it('stores a valid style under a content-hash id and formats with it', async () => {
    const store = new CustomStyleStore(fakeBrowser.storage.local);
    const choice = await store.add(TINY, 'tiny.csl');
    expect(choice).toMatchObject({ label: 'Tiny Test Style', kind: 'csl', custom: true });
    expect(choice.id).toMatch(/^custom-[0-9a-f]{8}$/);
    const stored = (await fakeBrowser.storage.local.get('cslStyles')).cslStyles as Array<{ id: string; xml: string }>;
    expect(stored).toEqual([{ id: choice.id, label: 'Tiny Test Style', xml: TINY }]);

    const custom = await new CustomStyleStore(fakeBrowser.storage.local).list();
    expect(formatCitation(work, choice.id, { custom }).text).toBe('Okafor, Ngozi; Lindqvist, Per: A study of things (2019).');
    expect(formatList([work, { ...work, id: 'w2', title: 'Second' }], choice.id, { custom }).text).toBe(
      'Okafor, Ngozi; Lindqvist, Per: A study of things (2019).\nOkafor, Ngozi; Lindqvist, Per: Second (2019).',
    );
  });

  it('an edited file becomes a second style; adding the same file twice keeps one', async () => {
    const store = new CustomStyleStore(fakeBrowser.storage.local);
    const a = await store.add(TINY);
    await store.add(TINY);
    const b = await store.add(TINY.replace('Tiny Test Style', 'Tiny Two'));
    expect(a.id).not.toBe(b.id);
    expect((await store.choices()).map((s) => s.label)).toEqual(['Tiny Test Style', 'Tiny Two']);
    expect(await store.remove(a.id)).toBe(true);
    expect(await store.remove(a.id)).toBe(false);
    expect((await store.choices()).map((s) => s.id)).toEqual([b.id]);
  });

  it('refuses invalid XML with its line and stores nothing', async () => {
    const store = new CustomStyleStore(fakeBrowser.storage.local);
    await expect(store.add(TINY.replace('</citation>', ''))).rejects.toMatchObject({
      code: 'invalid-style',
      message: 'Not valid XML (line 13): closing tag </style> does not match <citation> opened on line 5.',
    });
    await expect(store.add('{"not":"xml"}')).rejects.toMatchObject({ code: 'invalid-style' });
    expect(await fakeBrowser.storage.local.get('cslStyles')).toEqual({});
  });

  it('refuses well-formed XML that the citation processor cannot use', async () => {
    const store = new CustomStyleStore(fakeBrowser.storage.local);
    const unknown = TINY.replace('<text macro="author" suffix=": "/>', '<foo/>');
    await expect(store.add(unknown)).rejects.toMatchObject({
      code: 'invalid-style',
      message: 'The citation processor cannot use this style: citeproc-js error: Undefined node name "foo".',
    });
    const silent = TINY.replace(/<layout suffix="\.">[^]*?<\/layout>/, '<layout></layout>');
    await expect(store.add(silent)).rejects.toMatchObject({
      message: 'The citation processor cannot use this style: it produced no text for a sample journal article',
    });
    expect(await fakeBrowser.storage.local.get('cslStyles')).toEqual({});
  });
});
