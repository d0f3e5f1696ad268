import { describe, expect, it } from 'vitest';
import {
  doiUrl,
  findDois,
  idsFromText,
  idsFromUrl,
  mergeIds,
  normalizeDoi,
  normalizePmcid,
  normalizePmid,
  normalizeTitle,
  pmcUrl,
  pubmedUrl,
  workKeys,
} from '../../src/core/identifiers';

const SICI = '10.1002/(sici)1097-4636(199606)31:2<171::aid-jbm3>3.0.co;2-k';

// [input, expected] per function. DOIs from the seed page (Clinical Breast Cancer reference list) where possible.
const doiCases: Array<[string, string | undefined]> = [
  ['10.1007/s10549-019-05427-1', '10.1007/s10549-019-05427-1'],
  ['doi:10.1007/s11523-014-0350-9', '10.1007/s11523-014-0350-9'],
  ['DOI:10.1200/JCO.2013.54.0948', '10.1200/jco.2013.54.0948'],
  ['doi: 10.1093/annonc/mds232.', '10.1093/annonc/mds232'],
  ['DOI 10.1093/annonc/mds232;', '10.1093/annonc/mds232'],
  ['https://doi.org/10.1056/NEJMoa1914609', '10.1056/nejmoa1914609'],
  ['http://dx.doi.org/10.1056/NEJMoa1914609', '10.1056/nejmoa1914609'],
  ['https://www.doi.org/10.1056/nejmoa1914609', '10.1056/nejmoa1914609'],
  ['dx.doi.org/10.1056/nejmoa1914609', '10.1056/nejmoa1914609'],
  ['https://doi.org/10.1038%2Fnature12373', '10.1038/nature12373'],
  ['10.1016%2Fj.joi.2020.101034', '10.1016/j.joi.2020.101034'],
  ['10.1016%252Fj.joi.2020.101034', '10.1016/j.joi.2020.101034'],
  ['info:doi/10.1200/JCO.2013.54.0948', '10.1200/jco.2013.54.0948'],
  ['10.1016/S0076-6879(07)30006-2', '10.1016/s0076-6879(07)30006-2'],
  ['10.1016/S0076-6879(07)30006-2).', '10.1016/s0076-6879(07)30006-2'],
  ['(doi:10.1000/xyz123).', '10.1000/xyz123'],
  ['10.1002/(SICI)1097-4636(199606)31:2<171::AID-JBM3>3.0.CO;2-K', SICI],
  ['10.1002/(SICI)1097-4636(199606)31:2&lt;171::AID-JBM3&gt;3.0.CO;2-K', SICI],
  ['10.1000/abc"><script>alert(1)</script>', '10.1000/abc'],
  ["10.1000/abc' onmouseover='x", '10.1000/abc'],
  ['10.1000/abc</a>', '10.1000/abc'],
  ['10.1000/a\u200Bbc', '10.1000/abc'],
  ['10.1/x', undefined],
  ['10.123/abc', undefined],
  ['10.1234/', undefined],
  ['10.1234/.', undefined],
  ['978-3-16-148410-0', undefined],
  ['12345678', undefined],
  ['', undefined],
  ['doi:', undefined],
  ['https://example.org/10.1000/abc', undefined],
];

const findCases: Array<[string, string[]]> = [
  [
    'Steenbruggen TG, et al. Radiological complete remission... 2019;178:597-605. doi:10.1007/s10549-019-05427-1',
    ['10.1007/s10549-019-05427-1'],
  ],
  ['Published online 2012. doi:10.1093/annonc/mds232.', ['10.1093/annonc/mds232']],
  ['See the review (doi:10.1000/xyz123).', ['10.1000/xyz123']],
  ['Two: 10.1000/A1, then https://doi.org/10.1000/b2; again 10.1000/a1.', ['10.1000/a1', '10.1000/b2']],
  ['Cancer 2019;12(3):1234-1240. Tel +1 (410) 555-0100.', []],
  ['ISBN 978-0-12-345678-9, pp. 10.12-10.15', []],
  ['DOI10.1056/NEJMoa1914609', ['10.1056/nejmoa1914609']],
  [
    '<a href="https://scholar.google.com/scholar_lookup?title=x&doi=10.1038%2Fnature15535&pmid=26375008">',
    ['10.1038/nature15535'],
  ],
  ['[10.1016/S0140-6736(20)30183-5]', ['10.1016/s0140-6736(20)30183-5']],
];

const urlCases: Array<[string, Record<string, string>]> = [
  ['https://doi.org/10.1056/NEJMoa1914609', { doi: '10.1056/nejmoa1914609' }],
  ['http://dx.doi.org/10.1038%2Fnature12373', { doi: '10.1038/nature12373' }],
  ['https://doi.org/10.1002/(SICI)1097-4636(199606)31:2<171::AID-JBM3>3.0.CO;2-K', { doi: SICI }],
  ['https://doi.org/10.1056/NEJMoa1914609?via=x#sec', { doi: '10.1056/nejmoa1914609' }],
  ['https://doi.org/10.48550/arXiv.2101.00001', { doi: '10.48550/arxiv.2101.00001', arxiv: '2101.00001' }],
  ['https://pubmed.ncbi.nlm.nih.gov/32820723/', { pmid: '32820723' }],
  ['https://www.ncbi.nlm.nih.gov/pubmed/22460880', { pmid: '22460880' }],
  ['http://www.ncbi.nlm.nih.gov/pubmed/?term=22460880', { pmid: '22460880' }],
  ['https://www.ncbi.nlm.nih.gov/pmc/articles/PMC3531190/', { pmcid: 'PMC3531190' }],
  ['https://pmc.ncbi.nlm.nih.gov/articles/PMC3531190/', { pmcid: 'PMC3531190' }],
  ['https://europepmc.org/article/MED/32820723', { pmid: '32820723' }],
  ['https://europepmc.org/abstract/MED/0032820723', { pmid: '32820723' }],
  ['https://europepmc.org/article/PMC/PMC3531190', { pmcid: 'PMC3531190' }],
  [
    'http://www.ncbi.nlm.nih.gov/sites/entrez?Db=pubmed&Cmd=ShowDetailView&TermToSearch=18556546&ordinalpos=1',
    { pmid: '18556546' },
  ],
  ['http://www.ncbi.nlm.nih.gov/sites/entrez?Db=nuccore&TermToSearch=18556546', {}],
  [
    'http://www.ncbi.nlm.nih.gov/entrez/query.fcgi?cmd=Retrieve&db=PubMed&list_uids=10688207&dopt=Abstract',
    { pmid: '10688207' },
  ],
  ['/servlet/linkout?suffix=ref2/cit2&dbid=16&doi=10.1021%2Facs.jpcc.5b00001&key=10.1038%2Fnature15535', { doi: '10.1038/nature15535' }],
  ['/servlet/linkout?suffix=ref2/cit2&dbid=8&doi=10.1021%2Facs.jpcc.5b00001&key=26375008', { pmid: '26375008' }],
  ['/servlet/linkout?suffix=ref2/cit2&dbid=32&doi=10.1021%2Facs.jpcc.5b00001&key=1%3ACAS%3A528', {}],
  [
    '/servlet/linkout?suffix=null&dbid=128&doi=10.1111%2Fgcb.16011&key=WOS%3A000308680600007&refDoi=10.1016%2Fj.rse.2011.08.025&linkType=ISI',
    { doi: '10.1016/j.rse.2011.08.025' },
  ],
  [
    'https://onlinelibrary.wiley.com/servlet/linkout?suffix=e_1_2_7_2_1&dbid=8&doi=10.1111%2Fgcb.16011&key=22460880&linkType=PMID',
    { pmid: '22460880' },
  ],
  ['/external-ref?access_num=10.1038/483531a&link_type=DOI', { doi: '10.1038/483531a' }],
  ['/external-ref?access_num=22460880&link_type=MED', { pmid: '22460880' }],
  ['https://www.biorxiv.org/lookup/external-ref?access_num=22460880&link_type=MED', { pmid: '22460880' }],
  ['/lookup/external-ref?access_num=000301234500012&link_type=ISI', {}],
  [
    'https://scholar.google.com/scholar_lookup?title=Remission&doi=10.1007%2Fs10549-019-05427-1&pmid=31506840',
    { doi: '10.1007/s10549-019-05427-1', pmid: '31506840' },
  ],
  ['https://link.springer.com/article/10.1007/s11523-014-0350-9', { doi: '10.1007/s11523-014-0350-9' }],
  ['https://resolver.example.edu/openurl?rft_id=info:doi/10.1200/JCO.2013.54.0948', { doi: '10.1200/jco.2013.54.0948' }],
  ['https://arxiv.org/abs/2101.00001v2', { arxiv: '2101.00001' }],
  ['https://arxiv.org/abs/hep-th/9901001', { arxiv: 'hep-th/9901001' }],
  ['javascript:alert("10.1000/abc")', {}],
  ['data:text/html,<a href="https://doi.org/10.1000/abc">', {}],
  ['http://[::garbage', {}],
  ['', {}],
  ['https://scholar.google.com/scholar_lookup?title=x', {}],
  // Query names are matched decoded and case-folded, the first occurrence wins, values are form-decoded.
  ['https://resolver.example.edu/openurl?%64oi=10.1000%2Fencoded-name', { doi: '10.1000/encoded-name' }],
  ['https://resolver.example.edu/openurl?DOI=10.1000/first&doi=10.1000/second', { doi: '10.1000/first' }],
  ['https://resolver.example.edu/openurl?title=a=b&&doi=10.1000/after-empty', { doi: '10.1000/after-empty' }],
  ['https://scholar.google.com/scholar_lookup?title=a+b&pmid=+31506840', { pmid: '31506840' }],
  ['https://resolver.example.edu/openurl?rft%5Fid=info%3Apmid%2F31506840', { pmid: '31506840' }],
  ['https://resolver.example.edu/openurl?doi=10.1000%2F%ZZbad', {}],
];

const textCases: Array<[string, Record<string, string>]> = [
  ['Nature. 2012;483:531-533. PMID: 22460880', { pmid: '22460880' }],
  ['PubMed PMID: 22460880; PubMed Central PMCID: PMC3531190.', { pmid: '22460880', pmcid: 'PMC3531190' }],
  ['pmid:0022460880', { pmid: '22460880' }],
  ['PMID 22460880', { pmid: '22460880' }],
  ['[PubMed: 22460880] [PMC free article: PMC3531190]', { pmid: '22460880', pmcid: 'PMC3531190' }],
  ['Smith J. Title. 2019;178:597-605. 22460880', {}],
  ['See PMID. Nothing here.', {}],
  ['PMID:', {}],
  ['Cancer. 2019;178:597-605', {}],
  ['PMCID: PMC3531190', { pmcid: 'PMC3531190' }],
  ['XPMC3531190 and PMC3531190abc', {}],
  ['arXiv:2101.00001v2 [cs.CL]', { arxiv: '2101.00001' }],
  ['arXiv preprint arXiv:hep-th/9901001.', { arxiv: 'hep-th/9901001' }],
  ['Version 2101.00001 of the report', {}],
  [
    'Giordano SH, et al. Published online 2014. doi:10.1200/JCO.2013.54.0948. PMID: 24799465',
    { doi: '10.1200/jco.2013.54.0948', pmid: '24799465' },
  ],
  ['Available at https://pubmed.ncbi.nlm.nih.gov/32820723/.', { pmid: '32820723' }],
  ['<script>alert("PMID: x")</script> "10.1000/a"b', { doi: '10.1000/a' }],
];

describe('normalizeDoi', () => {
  it.each(doiCases)('%j -> %j', (input, expected) => {
    expect(normalizeDoi(input)).toBe(expected);
  });
});

describe('normalizeDoi of a plain DOI (read as written)', () => {
  // The same DOI behind a "doi:" prefix takes the full path of cleaning, decoding and trimming: both must agree.
  it.each(['10.1000/ABC.def', '10.1016/S0140-6736(20)30183-5', '10.1093/annonc/mds232', '10.1000/a;b:c/d_e-f', '10.1000/x(1)', '10.1000/a.b(c', '10.1000/7'])(
    '%s',
    (doi) => {
      expect(normalizeDoi(doi)).toBe(normalizeDoi(`doi:${doi}`));
      expect(normalizeDoi(doi)).toBe(doi.toLowerCase());
    },
  );
  it('still refuses an overlong one', () => {
    expect(normalizeDoi(`10.1000/${'a'.repeat(1000)}`)).toBeUndefined();
  });
});

describe('findDois', () => {
  it.each(findCases)('%j -> %j', (input, expected) => {
    expect(findDois(input)).toEqual(expected);
  });
});

describe('idsFromUrl', () => {
  it.each(urlCases)('%j -> %j', (input, expected) => {
    expect(idsFromUrl(input)).toEqual(expected);
  });
});

describe('idsFromUrl without the URL parser', () => {
  // A query sends a link through the URL parser and changes nothing for these hosts: the read-as-written path of
  // plain DOI and PubMed links must agree with it, and step aside whenever the parser would rewrite the link.
  const hrefs = [
    'https://doi.org/10.1000/ABC.def',
    'http://dx.doi.org/10.1016/S0140-6736(20)30183-5',
    'https://www.doi.org/10.1002/(SICI)1097-0258(19980815/30)17:15/16<1661::AID-SIM968>3.0.CO;2-2',
    'https://DOI.org/10.48550/arXiv.2101.00001',
    'https://doi.org/10.1000/a/../b',
    'https://doi.org/10.1000/a/./b',
    'https://doi.org/10.1000/a/..',
    'https://doi.org/10.1000/x%2Fy',
    'https://doi.org/10.1000/x\\y',
    'https://doi.org/10.1000/é"{}',
    'https://doi.org/10.1000/abc.',
    'https://pubmed.ncbi.nlm.nih.gov/31234567/',
    'https://PubMed.ncbi.nlm.nih.gov/0031234567',
    'https://pubmed.ncbi.nlm.nih.gov/31234567//',
  ];
  it.each(hrefs)('%s', (href) => {
    expect(idsFromUrl(href)).toEqual(idsFromUrl(`${href}?via=parser`));
  });
  it('reads the plain links', () => {
    expect(idsFromUrl('https://doi.org/10.48550/arXiv.2101.00001')).toEqual({ doi: '10.48550/arxiv.2101.00001', arxiv: '2101.00001' });
    expect(idsFromUrl('https://doi.org/10.1000/a/../b')).toEqual({ doi: '10.1000/b' });
    expect(idsFromUrl('https://pubmed.ncbi.nlm.nih.gov/31234567/')).toEqual({ pmid: '31234567' });
  });
});

describe('idsFromText', () => {
  it.each(textCases)('%j -> %j', (input, expected) => {
    expect(idsFromText(input)).toEqual(expected);
  });
});

describe('normalizePmid / normalizePmcid', () => {
  it.each([
    ['22460880', '22460880'],
    [' PMID: 00123 ', '123'],
    ['0', undefined],
    ['1234567890', undefined],
    ['12a', undefined],
    ['https://pubmed.ncbi.nlm.nih.gov/32820723/', '32820723'],
  ] as Array<[string, string | undefined]>)('pmid %j -> %j', (input, expected) => {
    expect(normalizePmid(input)).toBe(expected);
  });

  it.each([
    ['PMC3531190', 'PMC3531190'],
    ['pmc3531190', 'PMC3531190'],
    ['PMCID: PMC3531190', 'PMC3531190'],
    ['3531190', 'PMC3531190'],
    ['PMC', undefined],
    ['PMCX1', undefined],
  ] as Array<[string, string | undefined]>)('pmcid %j -> %j', (input, expected) => {
    expect(normalizePmcid(input)).toBe(expected);
  });
});

describe('link builders', () => {
  it('keeps slashes readable and encodes what would break a URL', () => {
    expect(doiUrl('10.1056/nejmoa1914609')).toBe('https://doi.org/10.1056/nejmoa1914609');
    expect(doiUrl(SICI)).toBe('https://doi.org/10.1002/(sici)1097-4636(199606)31:2%3C171::aid-jbm3%3E3.0.co;2-k');
    expect(doiUrl('10.1000/a#b?c d"e%f\'g')).toBe('https://doi.org/10.1000/a%23b%3Fc%20d%22e%25f%27g');
    expect(new URL(doiUrl(SICI)).pathname.startsWith('/10.1002/')).toBe(true);
  });

  it('builds PubMed and PMC links in their canonical forms', () => {
    expect(pubmedUrl('22460880')).toBe('https://pubmed.ncbi.nlm.nih.gov/22460880/');
    expect(pmcUrl('PMC3531190')).toBe('https://pmc.ncbi.nlm.nih.gov/articles/PMC3531190/');
    expect(pmcUrl('3531190')).toBe('https://pmc.ncbi.nlm.nih.gov/articles/PMC3531190/');
    expect(pubmedUrl('"><x')).toBe('https://pubmed.ncbi.nlm.nih.gov/%22%3E%3Cx/');
    expect(doiUrl('10.1000/a\uD800b')).toBe('https://doi.org/10.1000/a%EF%BF%BDb');
  });
});

describe('normalizeTitle', () => {
  it.each([
    ['Radiological complete remission in HER2-positive metastatic breast cancer patients: what to do with trastuzumab?',
      'radiological complete remission in her2 positive metastatic breast cancer patients what to do with trastuzumab'],
    ['Prolonged  complete remission — a case report', 'prolonged complete remission a case report'],
    ['Résumé of Crohn’s disease in São Paulo', 'resume of crohn s disease in sao paulo'],
    ['FInal ＨＥＲ２ analysis', 'final her2 analysis'],
    ['Ελληνικά: Μελέτη', 'ελληνικα μελετη'],
    ['乳癌の治療（第２版）', '乳癌の治療 第2版'],
    ['  --- ', ''],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeTitle(input)).toBe(expected);
  });
});

describe('mergeIds', () => {
  it('keeps the first value per field and drops empty ones', () => {
    expect(mergeIds({ doi: '10.1000/a' }, { doi: '10.1000/b', pmid: '1' }, { pmid: '2', pmcid: 'PMC3' }, {})).toEqual({
      doi: '10.1000/a',
      pmid: '1',
      pmcid: 'PMC3',
    });
    expect(mergeIds({ doi: '' }, { doi: '10.1000/b' })).toEqual({ doi: '10.1000/b' });
    expect(mergeIds()).toEqual({});
  });
});

describe('workKeys', () => {
  it('lists keys strongest first with title and year', () => {
    expect(
      workKeys(
        { doi: '10.1007/S10549-019-05427-1', pmid: '31506840', pmcid: 'pmc123' },
        { title: 'Radiological Complete Remission!', issued: { 'date-parts': [[2019, 5]] } },
      ),
    ).toEqual([
      'doi:10.1007/s10549-019-05427-1',
      'pmid:31506840',
      'pmcid:PMC123',
      'title:radiological complete remission|2019',
    ]);
  });

  it('uses an empty year, fills from CSL identifiers, and never duplicates', () => {
    expect(workKeys({}, { title: 'Locally recurrent breast cancer' })).toEqual(['title:locally recurrent breast cancer|']);
    expect(workKeys({ doi: '10.1000/x' }, { DOI: 'https://doi.org/10.1000/X', PMID: '42' })).toEqual([
      'doi:10.1000/x',
      'pmid:42',
    ]);
    expect(workKeys({}, {})).toEqual([]);
    expect(workKeys({}, { title: ' ?! ' })).toEqual([]);
  });
});

describe('hostile and huge input', () => {
  it('never returns a DOI with quotes, whitespace or tag-opening brackets', () => {
    const hostile = [
      '10.1000/x"><img src=x onerror=alert(1)>',
      "doi:10.1000/x'><script>",
      '10.1000/x<script>alert(1)</script>',
      'https://doi.org/10.1000/x%22%3E%3Cscript%3E',
      '10.1000/x%20onload%3Dalert(1)',
    ];
    for (const s of hostile) {
      const all = [normalizeDoi(s), ...findDois(s), idsFromUrl(s).doi, idsFromText(s).doi];
      for (const doi of all) {
        if (doi !== undefined) {
          expect(doi).toBe('10.1000/x');
        }
      }
      expect(findDois(s)).toEqual(['10.1000/x']);
    }
  });

  it('handles ~1 MB strings without throwing', () => {
    const mb = 1_000_000;
    const inputs = [
      'a'.repeat(mb),
      `10.1000/${')'.repeat(mb)}`,
      `PMID${' '.repeat(mb)}`,
      `PMCID${' '.repeat(mb)}x`,
      `doi:${' '.repeat(mb)}`,
      '10.1234'.repeat(mb / 7),
      `https://doi.org/10.1000/${'a('.repeat(mb / 2)}`,
      'PMID: 1 '.repeat(mb / 8),
      `https://x.org/?${'a=1&'.repeat(mb / 4)}`,
      `<${'<1'.repeat(mb / 2)}`,
    ];
    for (const s of inputs) {
      expect(() => [normalizeDoi(s), findDois(s), idsFromUrl(s), idsFromText(s), normalizeTitle(s)]).not.toThrow();
    }
    expect(findDois(`x 10.1000/${'a'.repeat(mb)} doi:10.1000/end.`)).toEqual(['10.1000/end']);
  });
});
