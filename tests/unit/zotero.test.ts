// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { toZoteroItem } from '../../src/background/zotero/items';
import { NOT_RUNNING, ZoteroConnector } from '../../src/background/zotero/connector';
import { ARTICLE, BOOK, CHAPTER, CONFERENCE, PREPRINT } from './format/works';

describe('CSL → Zotero items', () => {
  it('maps a journal article field by field', () => {
    expect(toZoteroItem({ ...ARTICLE, PMID: '26017442', note: 'Read <b>this</b>\nagain & again' }, 0)).toEqual({
      itemType: 'journalArticle',
      id: 'reflens-1',
      title: 'Deep learning',
      creators: [
        { creatorType: 'author', lastName: 'LeCun', firstName: 'Yann' },
        { creatorType: 'author', lastName: 'Bengio', firstName: 'Yoshua' },
        { creatorType: 'author', lastName: 'Hinton', firstName: 'Geoffrey' },
      ],
      date: '2015-05-28',
      publicationTitle: 'Nature',
      volume: '521',
      issue: '7553',
      pages: '436-444',
      DOI: '10.1038/nature14539',
      extra: 'PMID: 26017442',
      notes: [{ note: '<p>Read &lt;b&gt;this&lt;/b&gt;</p><p>again &amp; again</p>' }],
      tags: [],
      attachments: [],
    });
  });

  it('uses each type’s own fields; a DOI without a field goes into Extra', () => {
    expect(toZoteroItem(BOOK, 1)).toMatchObject({ itemType: 'book', id: 'reflens-2', publisher: 'MIT Press', place: 'Cambridge, MA', date: '2018' });
    const chapter = toZoteroItem(CHAPTER, 2);
    expect(chapter).toMatchObject({ itemType: 'bookSection', bookTitle: 'Neural networks: Tricks of the trade', pages: '437-478', extra: 'DOI: 10.1007/978-3-642-35289-8_26' });
    expect(chapter.DOI).toBeUndefined();
    expect(chapter.creators.filter((c) => c.creatorType === 'editor').map((c) => c.lastName)).toEqual(['Montavon', 'Orr', 'Müller']);
    expect(toZoteroItem(CONFERENCE, 3)).toMatchObject({ itemType: 'conferencePaper', proceedingsTitle: 'Advances in Neural Information Processing Systems 30', publisher: 'Curran Associates' });
    expect(toZoteroItem(PREPRINT, 4)).toMatchObject({ itemType: 'preprint', repository: 'arXiv', archiveID: 'arXiv:1810.04805', DOI: '10.48550/arXiv.1810.04805' });
  });

  it('keeps institutional authors as single-field names', () => {
    expect(toZoteroItem({ ...ARTICLE, author: [{ literal: 'WHO Collaborative Group' }] }, 0).creators).toEqual([
      { creatorType: 'author', name: 'WHO Collaborative Group' },
    ]);
  });
});

interface Call {
  url: string;
  init: RequestInit;
}

function fakeZotero(answer: (path: string) => Response | Error): { fetch: typeof fetch; calls: Call[] } {
  const calls: Call[] = [];
  const f = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const r = answer(new URL(url).pathname);
    if (r instanceof Error) throw r;
    return r;
  }) as unknown as typeof fetch;
  return { fetch: f, calls };
}

describe('Zotero connector client', () => {
  it('pings, then saves with the connector API header and without the page URL', async () => {
    const z = fakeZotero((p) => new Response(p === '/connector/ping' ? '{}' : null, { status: p === '/connector/ping' ? 200 : 201 }));
    expect(await new ZoteroConnector(z.fetch).save([ARTICLE, BOOK])).toBe(2);
    expect(z.calls.map((c) => c.url)).toEqual(['http://127.0.0.1:23119/connector/ping', 'http://127.0.0.1:23119/connector/saveItems']);
    const save = z.calls[1]!;
    expect(save.init.method).toBe('POST');
    expect(save.init.headers).toMatchObject({ 'Content-Type': 'application/json', 'X-Zotero-Connector-API-Version': '3' });
    const body = JSON.parse(String(save.init.body)) as { sessionID: string; items: Array<{ title: string }>; uri?: string };
    expect(body.items.map((i) => i.title)).toEqual(['Deep learning', 'Reinforcement learning: An introduction']);
    expect(body.sessionID).toMatch(/^[0-9a-f]{16}$/);
    expect(body).not.toHaveProperty('uri');
  });

  it('saves long lists in batches of 50', async () => {
    const z = fakeZotero((p) => new Response(null, { status: p === '/connector/ping' ? 200 : 201 }));
    const many = Array.from({ length: 120 }, (_, i) => ({ ...ARTICLE, id: `a${i}` }));
    expect(await new ZoteroConnector(z.fetch).save(many)).toBe(120);
    const sizes = z.calls.slice(1).map((c) => (JSON.parse(String(c.init.body)) as { items: unknown[] }).items.length);
    expect(sizes).toEqual([50, 50, 20]);
  });

  it('says clearly that Zotero is not running when nothing answers', async () => {
    const z = fakeZotero(() => new TypeError('Failed to fetch'));
    await expect(new ZoteroConnector(z.fetch).save([ARTICLE])).rejects.toMatchObject({ code: 'zotero-unavailable', message: NOT_RUNNING });
    expect(z.calls).toHaveLength(1);
  });

  it('reports a refused save', async () => {
    const z = fakeZotero((p) => new Response(null, { status: p === '/connector/ping' ? 200 : 500 }));
    await expect(new ZoteroConnector(z.fetch).save([ARTICLE])).rejects.toMatchObject({
      code: 'zotero-failed',
      message: 'Zotero did not save the references (the selected library is read-only or the save failed).',
    });
  });
});
