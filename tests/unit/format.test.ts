// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { formatCitation } from '../../src/background/format/index';
import type { CslItem } from '../../src/core/csl';

const murthy: CslItem = {
  id: 'murthy',
  type: 'article-journal',
  title: 'Tucatinib, trastuzumab, and capecitabine for HER2-positive metastatic breast cancer',
  'container-title': 'N Engl J Med',
  author: [
    { family: 'Murthy', given: 'R. K.' },
    { family: 'Loi', given: 'S.' },
    { family: 'Okines', given: 'A.' },
  ],
  _etAl: true,
  issued: { 'date-parts': [[2020]] },
  volume: '382',
  page: '597-609',
  DOI: '10.1056/NEJMoa1914609',
};

const khan: CslItem = {
  id: 'khan',
  type: 'article-journal',
  title: 'Surgical management of de novo stage IV breast cancer',
  'container-title': 'Semin Radiat Oncol',
  author: [{ family: 'Khan', given: 'S. A.' }],
  issued: { 'date-parts': [[2016]] },
  volume: '26',
  page: '79-86',
};

describe('formatCitation', () => {
  it('writes APA 7 with a page-truncated author list as "et al." and no stray ampersand', () => {
    const r = formatCitation(murthy, 'apa');
    expect(r.text).toBe(
      'Murthy, R. K., Loi, S., Okines, A., et al. (2020). Tucatinib, trastuzumab, and capecitabine for HER2-positive metastatic breast cancer. N Engl J Med, 382, 597–609. https://doi.org/10.1056/NEJMoa1914609',
    );
    expect(r.html).toContain('<i>N Engl J Med</i>');
    expect(r.html).not.toMatch(/&#38;|&amp;,/);
  });

  it('writes APA for a single author without DOI', () => {
    expect(formatCitation(khan, 'apa').text).toBe(
      'Khan, S. A. (2016). Surgical management of de novo stage IV breast cancer. Semin Radiat Oncol, 26, 79–86.',
    );
  });

  it('drops the list number of numeric styles', () => {
    const v = formatCitation(murthy, 'vancouver');
    expect(v.text.startsWith('Murthy RK, Loi S, Okines A, et al.')).toBe(true);
    expect(v.html).not.toContain('csl-left-margin');
    expect(formatCitation(murthy, 'ieee').text.startsWith('R. K. Murthy')).toBe(true);
    expect(formatCitation(murthy, 'american-medical-association').text).toBe(
      'Murthy RK, Loi S, Okines A, et al. Tucatinib, trastuzumab, and capecitabine for HER2-positive metastatic breast cancer. N Engl J Med. 2020;382:597-609. doi:10.1056/NEJMoa1914609',
    );
  });

  it('writes Harvard, Chicago, MLA and Nature', () => {
    expect(formatCitation(khan, 'harvard-cite-them-right').text).toBe(
      'Khan, S.A. (2016) ‘Surgical management of de novo stage IV breast cancer’, Semin Radiat Oncol, 26, pp. 79–86.',
    );
    expect(formatCitation(khan, 'chicago-author-date').text).toBe(
      'Khan, S. A. 2016. “Surgical Management of de Novo Stage IV Breast Cancer.” Semin Radiat Oncol 26:79–86.',
    );
    expect(formatCitation(khan, 'modern-language-association').text).toContain('vol. 26, 2016, pp. 79–86');
    expect(formatCitation(khan, 'nature').text).toContain('Semin Radiat Oncol 26, 79–86 (2016).');
  });

  it('writes BibTeX with "and others" for truncated lists, RIS and CSL-JSON', () => {
    const bib = formatCitation(murthy, 'bibtex').text;
    expect(bib).toMatch(/^@article\{/);
    expect(bib).toContain('author = {Murthy, R. K. and Loi, S. and Okines, A. and others}');
    const ris = formatCitation(murthy, 'ris').text;
    expect(ris).toMatch(/^TY {2}- JOUR/);
    expect(ris).toContain('DO  - 10.1056/NEJMoa1914609');
    const json = JSON.parse(formatCitation(murthy, 'csl-json').text) as Array<Record<string, unknown>>;
    expect(json[0]?.DOI).toBe('10.1056/NEJMoa1914609');
    expect(json[0]).not.toHaveProperty('_etAl');
  });

  it('falls back to APA for an unknown style id', () => {
    expect(formatCitation(khan, 'no-such-style').style).toBe('apa');
  });
});
