import { describe, expect, it, vi } from 'vitest';
import type { Flag } from '../../src/core/reference';
import { summarise, summaryText, SummaryView, type SummarySource } from '../../src/content/ui/summary';

const flag = (kind: Flag['kind']): Flag => ({ kind, label: kind });

function page(states: string[]): { list: HTMLElement; sources: SummarySource[] } {
  document.body.innerHTML = '<section id="refs"><h2>References</h2><ol></ol></section>';
  const list = document.querySelector('ol')!;
  const sources = states.map((state, i) => {
    const item = document.createElement('li');
    item.textContent = `Reference ${i + 1}`;
    item.setAttribute('data-reflens-state', state);
    list.append(item);
    return { item, input: { n: i + 1 } } as SummarySource;
  });
  return { list, sources };
}

describe('summary counts and text', () => {
  it('counts identified references, free copies and flags per reference', () => {
    const { sources } = page(['resolved', 'resolved', 'unresolved', 'resolved', 'pending']);
    sources[0]!.result = { oa: { url: 'https://x.org/a.pdf', version: 'published', host: 'publisher' } };
    sources[1]!.result = { flags: [flag('retracted'), flag('correction')] };
    sources[3]!.result = { flags: [flag('correction'), flag('correction')], oa: { url: 'https://y.org/', version: 'accepted', host: 'PMC' } };
    const { counts, flagged } = summarise(sources);
    expect(counts).toEqual({ total: 5, resolved: 3, pending: 1, oa: 2, flagged: 2, retracted: 1, corrected: 2, concern: 0 });
    expect(flagged.map((f) => [f.n, f.kinds])).toEqual([
      [2, ['retracted', 'correction']],
      [4, ['correction']],
    ]);
    expect(summaryText(counts)).toBe('5 references · 3 identified · 2 free copies · 1 retracted · 2 corrected · 1 still looking up');
  });

  it('uses the singular and leaves absent flags out', () => {
    const counts = { total: 1, resolved: 1, pending: 0, oa: 1, flagged: 0, retracted: 0, corrected: 0, concern: 0 };
    expect(summaryText(counts)).toBe('1 reference · 1 identified · 1 free copy');
  });
});

describe('SummaryView', () => {
  it('sits before an <ol> list, mirrors the counts as attributes, and jumps to flagged references', () => {
    const { list, sources } = page(['resolved', 'resolved']);
    sources[1]!.result = { flags: [flag('retracted')] };
    const view = new SummaryView(() => sources);
    view.place(sources[0]!.item);
    expect(list.previousElementSibling).toBe(view.host);
    expect(view.host.getAttribute('data-reflens-summary-total')).toBe('2');
    expect(view.host.getAttribute('data-reflens-summary-flagged')).toBe('1');
    expect(view.host.getAttribute('data-reflens-summary-retracted')).toBe('1');
    const root = view.host.shadowRoot!;
    expect(root.querySelector('[role="status"]')!.textContent).toBe('2 references · 2 identified · 0 free copies · 1 retracted');

    const jump = root.querySelector<HTMLAnchorElement>('a[data-reflens-summary-jump="2"]')!;
    expect(jump.getAttribute('aria-label')).toBe('Go to reference 2 (retracted)');
    const scrolled = vi.fn();
    (sources[1]!.item as HTMLElement).scrollIntoView = scrolled;
    jump.click();
    expect(scrolled).toHaveBeenCalled();
    expect(document.activeElement).toBe(sources[1]!.item);
    // Placing again does not move or duplicate it.
    view.place(sources[1]!.item);
    expect(document.querySelectorAll('reflens-summary')).toHaveLength(1);
  });

  it('updates after results arrive, once for many refreshes, writing only what changed', async () => {
    const { sources } = page(['pending', 'pending']);
    const source = vi.fn(() => sources);
    const view = new SummaryView(source);
    view.place(sources[0]!.item);
    expect(view.host.getAttribute('data-reflens-summary-pending')).toBe('2');
    const root = view.host.shadowRoot!;
    const written: string[] = [];
    new MutationObserver((records) => written.push(...records.map((r) => r.attributeName ?? r.type))).observe(view.host, { attributes: true });
    source.mockClear();
    for (const s of sources) s.item.setAttribute('data-reflens-state', 'resolved');
    view.refresh();
    view.refresh();
    expect(view.host.getAttribute('data-reflens-summary-resolved')).toBe('0');
    await vi.waitFor(() => expect(view.host.getAttribute('data-reflens-summary-resolved')).toBe('2'));
    expect(source).toHaveBeenCalledTimes(1);
    await Promise.resolve();
    expect(written.sort()).toEqual(['data-reflens-summary-pending', 'data-reflens-summary-resolved']);
    expect(root.querySelector('.jumps')!.hasAttribute('hidden')).toBe(true);

    // A flag arriving adds its jump link; a render that changes nothing keeps the same nodes.
    sources[1]!.result = { flags: [flag('correction')] };
    view.render();
    const jump = root.querySelector('a[data-reflens-summary-jump="2"]');
    expect(jump).not.toBeNull();
    expect(root.querySelector('.jumps')!.hasAttribute('hidden')).toBe(false);
    view.render();
    expect(root.querySelector('a[data-reflens-summary-jump="2"]')).toBe(jump);
    sources[1]!.result = { flags: [flag('retracted')] };
    view.render();
    expect(root.querySelector('a[data-reflens-summary-jump="2"]')?.getAttribute('data-kind')).toBe('retracted');
    sources[1]!.result = {};
    view.render();
    expect(root.querySelector('a[data-reflens-summary-jump]')).toBeNull();
    expect(root.querySelector('.jumps')!.hasAttribute('hidden')).toBe(true);
  });


  it('goes right before the first item when the list has no list element, and never parses text as HTML', () => {
    document.body.innerHTML = '<section><h2>References</h2><div class="ref">A</div><div class="ref">B</div></section>';
    const items = [...document.querySelectorAll('.ref')];
    const sources = items.map((item, i) => {
      item.setAttribute('data-reflens-state', 'resolved');
      return { item, input: { n: i + 1 }, result: { flags: [flag('expression-of-concern')] } } as SummarySource;
    });
    const view = new SummaryView(() => sources);
    view.place(items[0]!);
    expect(items[0]!.previousElementSibling).toBe(view.host);
    expect(document.querySelector('h2')!.nextElementSibling).toBe(view.host);
    expect(view.host.shadowRoot!.querySelectorAll('img, script')).toHaveLength(0);
    expect(view.host.shadowRoot!.querySelector('[role="status"]')!.textContent).toContain('2 with an expression of concern');
  });
});

describe('SummaryView placement', () => {
  it('keeps ARIA lists and tables intact: goes before role="list" and before the table', () => {
    document.body.innerHTML = '<section><div role="list"><div role="listitem">A</div></div><table><tbody><tr><td>B</td></tr></tbody></table></section>';
    const listItem = document.querySelector('[role="listitem"]')!;
    const aria = new SummaryView(() => []);
    aria.place(listItem);
    expect(document.querySelector('[role="list"]')!.previousElementSibling).toBe(aria.host);
    const row = document.querySelector('tr')!;
    const table = new SummaryView(() => []);
    table.place(row);
    expect(document.querySelector('table')!.previousElementSibling).toBe(table.host);
  });
});
