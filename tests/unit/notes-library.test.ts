import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { NoteStore } from '../../src/background/notes/store';
import { ToolsView } from '../../src/content/ui/tools';
import type { SavedNote } from '../../src/content/note-saver';
import { applyEdit, NOTE_SCHEMA_VERSION, parseNote, storageKey, workKeysOfChange, type Note } from '../../src/core/notes';
import {
  csvCell,
  keyLinks,
  matchesQuery,
  notesFromStorage,
  parseNotesExport,
  tagQuery,
  toCsv,
  toJson,
  toMarkdown,
} from '../../src/core/notes-library';

const DOI_KEY = 'doi:10.1007/s10549-019-05427-1';
const TITLE_KEY = 'title:radiological complete remission in her2 positive metastatic breast cancer patients|2019';
const NOW = new Date(Date.UTC(2024, 2, 1, 12, 0, 0));

const NOTE_A: Note = {
  v: 2,
  key: DOI_KEY,
  aliases: ['pmid:31401697', TITLE_KEY],
  text: 'Key trial, "see" fig 2\nSecond line',
  tags: ['her2', 'to read'],
  title: 'Radiological complete remission in HER2-positive metastatic breast cancer patients',
  created: Date.UTC(2024, 0, 2, 3, 4, 5),
  updated: Date.UTC(2024, 1, 10, 8, 30, 0),
  seenOn: ['https://www.clinical-breast-cancer.com/article/S1526-8209(21)00173-7/fulltext'],
};
/** No title, no identifiers, a formula as text, markdown-looking title key. */
const NOTE_B: Note = {
  v: 2,
  key: 'title:some *unresolved* title|2001',
  aliases: [],
  text: '=HYPERLINK("http://evil.example")',
  tags: [],
  created: Date.UTC(2023, 11, 31, 23, 59, 59),
  updated: Date.UTC(2024, 0, 1, 0, 0, 0),
  seenOn: [],
};

describe('schema v2 migration', () => {
  it('reads a v1 note as v2 with no tags, keeping every other field', () => {
    const v1 = { v: 1, key: DOI_KEY, aliases: [TITLE_KEY], text: 'old', title: 'T', created: 1, updated: 2, seenOn: ['https://a.example/'] };
    expect(NOTE_SCHEMA_VERSION).toBe(2);
    expect(parseNote(v1)).toEqual({ ...v1, v: 2, tags: [] });
    // A v1 note without a title gets no title property at all (so JSON round trips compare equal).
    expect(Object.keys(parseNote({ ...v1, title: undefined })!)).not.toContain('title');
  });

  it('normalises tags and rejects unknown versions', () => {
    const note = parseNote({ ...NOTE_A, tags: [' her2 ', 'HER2', '', 'to   read', 7] });
    expect(note?.tags).toEqual(['her2', 'to read']);
    expect(parseNote({ ...NOTE_A, v: 3 })).toBeNull();
  });

  it('keeps tags through a page edit', () => {
    const edited = applyEdit(NOTE_A, { keys: [DOI_KEY], text: 'new', url: 'https://b.example/' }, 5);
    expect(edited.tags).toEqual(['her2', 'to read']);
    expect(edited.v).toBe(2);
  });

  it('finds every work key a storage change touches', () => {
    const keys = workKeysOfChange({
      [storageKey(DOI_KEY)]: { newValue: NOTE_A },
      [storageKey(TITLE_KEY)]: { oldValue: { ...NOTE_A, key: TITLE_KEY, aliases: [] } },
      settings: { newValue: {} },
    });
    expect([...keys].sort()).toEqual([DOI_KEY, 'pmid:31401697', TITLE_KEY].sort());
  });
});

describe('search and links', () => {
  it('matches all terms across title, text, tags and keys, ignoring case and accents; #tag is exact', () => {
    expect(matchesQuery(NOTE_A, '')).toBe(true);
    expect(matchesQuery(NOTE_A, 'her2 SECOND')).toBe(true);
    expect(matchesQuery(NOTE_A, 'remissión')).toBe(true);
    expect(matchesQuery(NOTE_A, '10.1007/s10549')).toBe(true);
    expect(matchesQuery(NOTE_A, 'her2 missing')).toBe(false);
    expect(matchesQuery(NOTE_A, '#her2')).toBe(true);
    expect(matchesQuery(NOTE_A, '#her')).toBe(false);
    expect(matchesQuery(NOTE_B, '#her2')).toBe(false);
    expect(matchesQuery(NOTE_A, '"fig 2 second"')).toBe(false);
    expect(matchesQuery(NOTE_A, '"key trial, "')).toBe(true);
    expect(matchesQuery(NOTE_A, tagQuery('to read'))).toBe(true);
    expect(tagQuery('to read')).toBe('#"to read"');
    expect(matchesQuery(NOTE_A, '#to read')).toBe(false);
    expect(matchesQuery(NOTE_A, '#"to"')).toBe(false);
  });

  it('links DOI, PubMed and PMC from the key and aliases', () => {
    expect(keyLinks({ key: DOI_KEY, aliases: ['pmid:31401697', 'pmcid:PMC6789', TITLE_KEY] })).toEqual([
      { kind: 'doi', label: 'DOI', value: '10.1007/s10549-019-05427-1', href: 'https://doi.org/10.1007/s10549-019-05427-1' },
      { kind: 'pubmed', label: 'PubMed', value: '31401697', href: 'https://pubmed.ncbi.nlm.nih.gov/31401697/' },
      { kind: 'pmc', label: 'PMC', value: 'PMC6789', href: 'https://pmc.ncbi.nlm.nih.gov/articles/PMC6789/' },
    ]);
    expect(keyLinks(NOTE_B)).toEqual([]);
  });
});

describe('export formats', () => {
  it('JSON: format, schema version, count and every field', () => {
    expect(toJson([NOTE_A, NOTE_B], NOW)).toBe(`{
  "format": "reflens-notes",
  "version": 2,
  "exported": "2024-03-01T12:00:00.000Z",
  "count": 2,
  "notes": [
    {
      "v": 2,
      "key": "doi:10.1007/s10549-019-05427-1",
      "aliases": [
        "pmid:31401697",
        "title:radiological complete remission in her2 positive metastatic breast cancer patients|2019"
      ],
      "text": "Key trial, \\"see\\" fig 2\\nSecond line",
      "tags": [
        "her2",
        "to read"
      ],
      "title": "Radiological complete remission in HER2-positive metastatic breast cancer patients",
      "created": 1704164645000,
      "updated": 1707553800000,
      "seenOn": [
        "https://www.clinical-breast-cancer.com/article/S1526-8209(21)00173-7/fulltext"
      ]
    },
    {
      "v": 2,
      "key": "title:some *unresolved* title|2001",
      "aliases": [],
      "text": "=HYPERLINK(\\"http://evil.example\\")",
      "tags": [],
      "created": 1704067199000,
      "updated": 1704067200000,
      "seenOn": []
    }
  ]
}
`);
  });

  it('Markdown: a section per note, page-derived titles escaped, the note text as written', () => {
    expect(toMarkdown([NOTE_A, NOTE_B], NOW)).toBe(
      [
        '# RefLens notes',
        '',
        'Exported 2024-03-01T12:00:00.000Z, 2 notes.',
        '',
        '## Radiological complete remission in HER2-positive metastatic breast cancer patients',
        '',
        '- DOI: <https://doi.org/10.1007/s10549-019-05427-1>',
        '- PubMed: <https://pubmed.ncbi.nlm.nih.gov/31401697/>',
        '- Tags: her2, to read',
        '- Updated: 2024-02-10T08:30:00.000Z',
        '- Seen on: <https://www.clinical-breast-cancer.com/article/S1526-8209(21)00173-7/fulltext>',
        '',
        'Key trial, "see" fig 2',
        'Second line',
        '',
        '## some \\*unresolved\\* title',
        '',
        '- Updated: 2024-01-01T00:00:00.000Z',
        '',
        '=HYPERLINK("http://evil.example")',
        '',
      ].join('\n'),
    );
  });

  it('CSV: RFC 4180 quoting, CRLF rows, formula cells defused', () => {
    expect(toCsv([NOTE_A, NOTE_B])).toBe(
      'key,title,doi,pmid,pmcid,tags,text,created,updated,seen_on,aliases\r\n' +
        'doi:10.1007/s10549-019-05427-1,Radiological complete remission in HER2-positive metastatic breast cancer patients,' +
        '10.1007/s10549-019-05427-1,31401697,,her2; to read,"Key trial, ""see"" fig 2\nSecond line",' +
        '2024-01-02T03:04:05.000Z,2024-02-10T08:30:00.000Z,' +
        'https://www.clinical-breast-cancer.com/article/S1526-8209(21)00173-7/fulltext,' +
        '"pmid:31401697\ntitle:radiological complete remission in her2 positive metastatic breast cancer patients|2019"\r\n' +
        'title:some *unresolved* title|2001,,,,,,"\'=HYPERLINK(""http://evil.example"")",' +
        '2023-12-31T23:59:59.000Z,2024-01-01T00:00:00.000Z,,\r\n',
    );
  });

  it('CSV cells: quotes, commas and line breaks quoted; = + - @ tab CR prefixed with a quote', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('')).toBe('');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\r\nbreak')).toBe('"line\r\nbreak"');
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+49 30')).toBe("'+49 30");
    expect(csvCell('-omics')).toBe("'-omics");
    expect(csvCell('@SUM(A1:A9)')).toBe("'@SUM(A1:A9)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell('=cmd|"/c calc",x')).toBe(`"'=cmd|""/c calc"",x"`);
    expect(csvCell('a=b')).toBe('a=b');
  });
});

describe('import', () => {
  let store: NoteStore;
  const stored = { [storageKey(NOTE_B.key)]: NOTE_B, settings: { style: 'apa' } };

  beforeEach(async () => {
    fakeBrowser.reset();
    store = new NoteStore(fakeBrowser.storage.local);
    await fakeBrowser.storage.local.set(stored);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const good = JSON.parse(toJson([NOTE_A], NOW)) as Record<string, unknown>;
  const withNotes = (notes: unknown[], extra: Record<string, unknown> = {}) =>
    JSON.stringify({ ...good, count: notes.length, notes, ...extra });
  const full = toJson([NOTE_A, NOTE_B], NOW);

  const bad: Array<[string, string, RegExp]> = [
    ['empty file', '  ', /empty/i],
    ['not JSON', 'notes: yes', /not valid JSON/i],
    ['cut short', full.slice(0, Math.floor(full.length / 2)), /not valid JSON \(is it complete\?\)/i],
    ['another format', JSON.stringify({ format: 'zotero', notes: [] }), /not a RefLens notes export/i],
    ['newer schema', withNotes([NOTE_A], { version: 3 }), /newer RefLens/i],
    ['no notes list', JSON.stringify({ ...good, notes: undefined, count: undefined }), /no "notes" list/i],
    ['partial (count mismatch)', JSON.stringify({ ...good, count: 5 }), /incomplete: it announces 5 notes but holds 1/i],
    ['second note bad', withNotes([NOTE_A, { ...NOTE_B, text: 42 }]), /Note 2 \(title:some \*unresolved\* title\|2001\) has no "text"/],
    ['bad time', withNotes([{ ...NOTE_A, updated: '2024-01-01' }]), /Note 1 .* needs "created" and "updated"/],
    ['tags not texts', withNotes([{ ...NOTE_A, tags: ['ok', 1] }]), /"tags" as a list of texts/],
    ['v1 with tags', withNotes([{ ...NOTE_A, v: 1 }]), /schema version 1 does not have/],
    ['duplicate key', withNotes([NOTE_A, { ...NOTE_A, text: 'other' }]), /Note 2 .* appears twice/],
    ['bad key', withNotes([{ ...NOTE_A, key: 'nonsense' }]), /has no valid "key"/],
  ];

  it.each(bad)('refuses %s with a clear error and changes nothing', async (_name, json, message) => {
    const set = vi.spyOn(fakeBrowser.storage.local, 'set');
    await expect(store.import(json)).rejects.toMatchObject({ code: 'invalid-import', message: expect.stringMatching(message) });
    expect(set).not.toHaveBeenCalled();
    expect(await fakeBrowser.storage.local.get(null)).toEqual(stored);
  });

  it('reports a full quota as a coded error and stores nothing', async () => {
    vi.spyOn(fakeBrowser.storage.local, 'set').mockRejectedValueOnce(new Error('QUOTA_BYTES quota exceeded'));
    await expect(store.import(full)).rejects.toMatchObject({ code: 'quota', message: expect.stringMatching(/nothing was imported/) });
    expect(await fakeBrowser.storage.local.get(null)).toEqual(stored);
  });

  it('writes all notes in one storage.set, migrating v1 notes, replacing same-key notes', async () => {
    const set = vi.spyOn(fakeBrowser.storage.local, 'set');
    const v1 = { ...NOTE_A, v: 1, tags: undefined };
    const json = JSON.stringify({ ...good, version: 1, count: 2, notes: [v1, { ...NOTE_B, v: 1, tags: undefined, text: 'replaced' }] });
    expect(await store.import(json)).toBe(2);
    expect(set).toHaveBeenCalledTimes(1);
    expect(await store.list()).toEqual([{ ...NOTE_A, tags: [] }, { ...NOTE_B, text: 'replaced' }]);
  });

  it('parses an export back to exactly the notes it holds', () => {
    expect(parseNotesExport(full)).toEqual([NOTE_A, NOTE_B]);
  });
});

describe('NoteStore library operations', () => {
  let store: NoteStore;
  beforeEach(() => {
    fakeBrowser.reset();
    store = new NoteStore(fakeBrowser.storage.local);
  });

  it('lists every note newest first, migrating v1 and skipping other keys and corrupt values', async () => {
    const v1 = { ...NOTE_B, v: 1, tags: undefined };
    await fakeBrowser.storage.local.set({
      [storageKey(NOTE_A.key)]: NOTE_A,
      [storageKey(NOTE_B.key)]: v1,
      [storageKey('doi:10.1/broken')]: { v: 2, key: 'doi:10.1/broken' },
      settings: { style: 'apa' },
    });
    expect(await store.list()).toEqual([NOTE_A, NOTE_B]);
  });

  it('updates tags and text, deletes with the removed note returned, and refuses a missing note', async () => {
    await fakeBrowser.storage.local.set({ [storageKey(NOTE_A.key)]: NOTE_A });
    const tagged = await store.update({ key: NOTE_A.key, tags: ['her2', ' HER2 ', 'phase 3'] });
    expect(tagged).toMatchObject({ text: NOTE_A.text, tags: ['her2', 'phase 3'], created: NOTE_A.created });
    expect(tagged!.updated).toBeGreaterThan(NOTE_A.updated);
    // Emptying the text of a tagged note keeps it (tags still say something); from the page too.
    expect((await store.update({ key: NOTE_A.key, text: '' }))?.tags).toEqual(['her2', 'phase 3']);
    expect(await store.save({ keys: [NOTE_A.key], text: '' })).toMatchObject({ text: '', tags: ['her2', 'phase 3'] });
    // Neither text nor tags: the note is gone.
    expect(await store.update({ key: NOTE_A.key, tags: [] })).toBeNull();
    expect(await fakeBrowser.storage.local.get(null)).toEqual({});

    await fakeBrowser.storage.local.set({ [storageKey(NOTE_A.key)]: NOTE_A });
    expect(await store.delete(NOTE_A.key)).toEqual(NOTE_A);
    expect(await store.delete(NOTE_A.key)).toBeNull();
    await expect(store.update({ key: NOTE_A.key, text: 'x' })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('round trip: export, clear, import reproduces exactly the same notes and the same export', async () => {
    await store.save({ keys: [TITLE_KEY], text: 'before the DOI', url: 'https://a.example/article', title: 'Radiological …' });
    await store.save({ keys: [DOI_KEY, TITLE_KEY], text: 'Ünïcödé, "quotes", =formula\nline 2', url: 'https://b.example/x?y=1' });
    await store.update({ key: DOI_KEY, tags: ['to read', 'her2'] });
    await store.save({ keys: ['pmid:123456'], text: '- list\n- item' });
    await fakeBrowser.storage.local.set({ [storageKey(NOTE_B.key)]: { ...NOTE_B, v: 1, tags: undefined } });

    const before = await store.list();
    expect(before).toHaveLength(3);
    const exported = toJson(before, NOW);
    await fakeBrowser.storage.local.clear();
    expect(await store.list()).toEqual([]);

    expect(await store.import(exported)).toBe(3);
    const after = await store.list();
    expect(after).toEqual(before);
    expect(toJson(after, NOW)).toBe(exported);
    expect(notesFromStorage(await fakeBrowser.storage.local.get(null))).toEqual(before);
  });
});

describe('page tools follow notes changed elsewhere', () => {
  const setup = (saveNote: (text: string, base: string) => Promise<SavedNote> = async (text) => ({ text })) => {
    const item = document.createElement('li');
    document.body.append(item);
    const view = new ToolsView(item, 1, { copy: async () => '', saveNote, rejectMatch: async () => undefined });
    item.append(view.host);
    // The note panel is built when a stored note arrives (or the note is opened).
    const box = () => view.host.shadowRoot!.querySelector<HTMLTextAreaElement>('textarea[data-reflens-note]')!;
    return { item, view, box };
  };

  it('shows the new text, and clears the mark when the note is deleted elsewhere', () => {
    const { item, view, box } = setup();
    view.setNote('stored');
    const textarea = box();
    view.noteChangedElsewhere('edited in the library');
    expect(textarea.value).toBe('edited in the library');
    expect(item.hasAttribute('data-reflens-has-note')).toBe(true);
    view.noteChangedElsewhere(null);
    expect(textarea.value).toBe('');
    expect(item.hasAttribute('data-reflens-has-note')).toBe(false);
  });

  it('never overwrites text the user has typed but not yet saved', () => {
    const { item, view, box } = setup();
    view.setNote('stored');
    const textarea = box();
    textarea.value = 'stored, and more typing';
    view.noteChangedElsewhere(null);
    expect(textarea.value).toBe('stored, and more typing');
    expect(item.hasAttribute('data-reflens-has-note')).toBe(true);
  });
});
