import { describe, expect, it, vi } from 'vitest';
import { copyAsMenu } from '../../src/content/ui/copy-menu';
import { listFileName } from '../../src/content/ui/list-export';

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('"Cite as…" menu', () => {
  const styles = [
    { id: 'apa', label: 'APA 7th', kind: 'csl' as const },
    { id: 'custom-0badf00d', label: '<b>My</b> style', kind: 'csl' as const, custom: true },
  ];

  it('lists the styles once, on first focus, as text, then "Save to Zotero"', async () => {
    const listStyles = vi.fn(async () => styles);
    const select = copyAsMenu(4, { listStyles, copyAs: vi.fn(), saveToZotero: vi.fn() }, vi.fn());
    expect(select.getAttribute('data-reflens-action')).toBe('copy-as');
    expect([...select.options].map((o) => o.value)).toEqual(['']);
    select.dispatchEvent(new Event('focus'));
    select.dispatchEvent(new Event('pointerdown'));
    await flush();
    expect(listStyles).toHaveBeenCalledTimes(1);
    expect([...select.options].map((o) => [o.value, o.textContent])).toEqual([
      ['', 'Cite as…'],
      ['apa', 'APA 7th'],
      ['custom-0badf00d', '<b>My</b> style'],
      ['zotero', 'Save to Zotero'],
    ]);
    expect(select.querySelector('b')).toBeNull();
  });

  it('copies in the chosen style or saves to Zotero, reports, and returns to "Cite as…"', async () => {
    const copyAs = vi.fn(async (id: string) => `Copied ${id}`);
    const saveToZotero = vi.fn(async () => {
      throw Object.assign(new Error('Zotero is not running'), { code: 'zotero-unavailable' });
    });
    const report = vi.fn();
    const select = copyAsMenu(1, { listStyles: async () => styles, copyAs, saveToZotero }, report);
    select.dispatchEvent(new Event('focus'));
    await flush();
    select.value = 'custom-0badf00d';
    select.dispatchEvent(new Event('change'));
    expect(select.value).toBe('');
    select.value = 'zotero';
    select.dispatchEvent(new Event('change'));
    await flush();
    expect(copyAs).toHaveBeenCalledWith('custom-0badf00d');
    expect(report.mock.calls).toEqual([
      ['Copied custom-0badf00d', 'info'],
      ['Zotero is not running', 'error'],
    ]);
  });

  it('tries again after the style list failed', async () => {
    const listStyles = vi.fn().mockRejectedValueOnce(new Error('background unavailable')).mockResolvedValue(styles);
    const report = vi.fn();
    const select = copyAsMenu(1, { listStyles, copyAs: vi.fn(), saveToZotero: vi.fn() }, report);
    select.dispatchEvent(new Event('focus'));
    await flush();
    expect(report).toHaveBeenCalledWith('background unavailable', 'error');
    select.dispatchEvent(new Event('focus'));
    await flush();
    expect(select.options).toHaveLength(4);
  });
});

describe('list file names', () => {
  it('names the file after the site and the format', () => {
    expect(listFileName('www.cell.com', 'bibtex')).toBe('references-cell.com.bib');
    expect(listFileName('pubmed.ncbi.nlm.nih.gov', 'ris')).toBe('references-pubmed.ncbi.nlm.nih.gov.ris');
    expect(listFileName('example.org', 'csl-json')).toBe('references-example.org.json');
    expect(listFileName('', 'csl')).toBe('references-page.txt');
    expect(listFileName('a/b\\c:d', 'csl')).toBe('references-abcd.txt');
  });
});
