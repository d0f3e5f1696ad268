// @vitest-environment node
/**
 * Every offered format × five works of different types, against exact expected strings. Each expected string was
 * checked by hand against the style's own rules (author truncation, order of elements, punctuation, italics are
 * only in the HTML). Notes on what each style asks for are next to the style; where an official CSL style file
 * itself departs from its manual, the style file wins (it is what Zotero, Mendeley and others produce).
 */
import { describe, expect, it } from 'vitest';
import { formatCitation, formatList } from '../../src/background/format/index';
import type { CslItem } from '../../src/core/csl';
import { ARTICLE, BOOK, CHAPTER, CONFERENCE, PREPRINT, WORKS } from './format/works';

type WorkName = keyof typeof WORKS;

/*
 * APA 7: up to 20 authors all listed, "&" before the last; sentence-case titles; no publisher location; "In Eds.,
 * (pp.)" for chapters; preprints as "(number). Server." (APA 10.8).
 * Vancouver (NLM): up to 6 authors then "et al."; initials without points; "In: …, editors."; pages shortened.
 * AMA 11: more than 6 authors → first 3 and "et al."; title case for book titles; "Published online" for preprints
 *   (this version of the style file reads a preprint server only from container-title, so with CSL's `publisher`
 *   it names none — as it does for Zotero's own preprint data).
 * Harvard (Cite Them Right 12): up to 3 authors, 4+ → "et al."; titles of parts in single quotes; "Available at:".
 * Chicago author-date 17: up to 10 authors all listed; headline-style capitalisation; "edited by".
 * MLA 9: 3+ authors → "First, et al."; 3+ editors → "First et al."; containers with "vol.", "no.", "pp.".
 * IEEE: more than 6 authors → first and "et al."; initials first; "vol.", "no.", "pp.", abbreviated months.
 * Nature: more than 5 authors → first and "et al."; no DOI for journal articles; "(eds …)" for chapters.
 */
const EXPECTED: Record<string, Record<WorkName, string>> = {
  "apa": {
    article:
      "LeCun, Y., Bengio, Y., & Hinton, G. (2015). Deep learning. Nature, 521(7553), 436–444. https://doi.org/10.1038/nature14539",
    book:
      "Sutton, R. S., & Barto, A. G. (2018). Reinforcement learning: An introduction. MIT Press.",
    chapter:
      "Bengio, Y. (2012). Practical recommendations for gradient-based training of deep architectures. In G. Montavon, G. B. Orr, & K.-R. Müller (Eds.), Neural networks: Tricks of the trade (pp. 437–478). Springer. https://doi.org/10.1007/978-3-642-35289-8_26",
    conference:
      "Vaswani, A., Shazeer, N., Parmar, N., Uszkoreit, J., Jones, L., Gomez, A. N., Kaiser, Ł., & Polosukhin, I. (2017). Attention is all you need. Advances in Neural Information Processing Systems 30, 5998–6008.",
    preprint:
      "Devlin, J., Chang, M.-W., Lee, K., & Toutanova, K. (2018). BERT: Pre-training of deep bidirectional transformers for language understanding (arXiv:1810.04805). arXiv. https://doi.org/10.48550/arXiv.1810.04805",
  },
  "vancouver": {
    article:
      "LeCun Y, Bengio Y, Hinton G. Deep learning. Nature. 2015 May 28;521(7553):436–44. doi:10.1038/nature14539",
    book:
      "Sutton RS, Barto AG. Reinforcement learning: An introduction. Cambridge, MA: MIT Press; 2018.",
    chapter:
      "Bengio Y. Practical recommendations for gradient-based training of deep architectures. In: Montavon G, Orr GB, Müller KR, editors. Neural networks: Tricks of the trade. Berlin: Springer; 2012. p. 437–78. doi:10.1007/978-3-642-35289-8_26",
    conference:
      "Vaswani A, Shazeer N, Parmar N, Uszkoreit J, Jones L, Gomez AN, et al. Attention is all you need. In: Advances in Neural Information Processing Systems 30. Curran Associates; 2017. p. 5998–6008.",
    preprint:
      "Devlin J, Chang MW, Lee K, Toutanova K. BERT: Pre-training of deep bidirectional transformers for language understanding. arXiv; 2018. doi:10.48550/arXiv.1810.04805",
  },
  "american-medical-association": {
    article:
      "LeCun Y, Bengio Y, Hinton G. Deep learning. Nature. 2015;521(7553):436-444. doi:10.1038/nature14539",
    book:
      "Sutton RS, Barto AG. Reinforcement Learning: An Introduction. MIT Press; 2018.",
    chapter:
      "Bengio Y. Practical recommendations for gradient-based training of deep architectures. In: Montavon G, Orr GB, Müller KR, eds. Neural Networks: Tricks of the Trade. Springer; 2012:437-478. doi:10.1007/978-3-642-35289-8_26",
    conference:
      "Vaswani A, Shazeer N, Parmar N, et al. Attention is all you need. In: Advances in Neural Information Processing Systems 30. Curran Associates; 2017:5998-6008.",
    preprint:
      "Devlin J, Chang MW, Lee K, Toutanova K. BERT: Pre-training of deep bidirectional transformers for language understanding. Published online October 11, 2018. doi:10.48550/arXiv.1810.04805",
  },
  "harvard-cite-them-right": {
    article:
      "LeCun, Y., Bengio, Y. and Hinton, G. (2015) ‘Deep learning’, Nature, 521(7553), pp. 436–444. Available at: https://doi.org/10.1038/nature14539.",
    book:
      "Sutton, R.S. and Barto, A.G. (2018) Reinforcement learning: An introduction. Cambridge, MA: MIT Press.",
    chapter:
      "Bengio, Y. (2012) ‘Practical recommendations for gradient-based training of deep architectures’, in G. Montavon, G.B. Orr, and K.-R. Müller (eds) Neural networks: Tricks of the trade. Berlin: Springer, pp. 437–478. Available at: https://doi.org/10.1007/978-3-642-35289-8_26.",
    conference:
      "Vaswani, A. et al. (2017) ‘Attention is all you need’, in Advances in Neural Information Processing Systems 30. Curran Associates, pp. 5998–6008.",
    preprint:
      "Devlin, J. et al. (2018) ‘BERT: Pre-training of deep bidirectional transformers for language understanding’. arXiv. Available at: https://doi.org/10.48550/arXiv.1810.04805.",
  },
  "chicago-author-date": {
    article:
      "LeCun, Yann, Yoshua Bengio, and Geoffrey Hinton. 2015. “Deep Learning.” Nature 521 (7553): 436–44. https://doi.org/10.1038/nature14539.",
    book:
      "Sutton, Richard S., and Andrew G. Barto. 2018. Reinforcement Learning: An Introduction. Cambridge, MA: MIT Press.",
    chapter:
      "Bengio, Yoshua. 2012. “Practical Recommendations for Gradient-Based Training of Deep Architectures.” In Neural Networks: Tricks of the Trade, edited by Grégoire Montavon, Geneviève B. Orr, and Klaus-Robert Müller, 437–78. Berlin: Springer. https://doi.org/10.1007/978-3-642-35289-8_26.",
    conference:
      "Vaswani, Ashish, Noam Shazeer, Niki Parmar, Jakob Uszkoreit, Llion Jones, Aidan N. Gomez, Łukasz Kaiser, and Illia Polosukhin. 2017. “Attention Is All You Need.” In Advances in Neural Information Processing Systems 30, 5998–6008. Curran Associates.",
    preprint:
      "Devlin, Jacob, Ming-Wei Chang, Kenton Lee, and Kristina Toutanova. 2018. “BERT: Pre-Training of Deep Bidirectional Transformers for Language Understanding.” arXiv. https://doi.org/10.48550/arXiv.1810.04805.",
  },
  "modern-language-association": {
    article:
      "LeCun, Yann, et al. “Deep Learning.” Nature, vol. 521, no. 7553, May 2015, pp. 436–44, https://doi.org/10.1038/nature14539.",
    book:
      "Sutton, Richard S., and Andrew G. Barto. Reinforcement Learning: An Introduction. MIT Press, 2018.",
    chapter:
      "Bengio, Yoshua. “Practical Recommendations for Gradient-Based Training of Deep Architectures.” Neural Networks: Tricks of the Trade, edited by Grégoire Montavon et al., Springer, 2012, pp. 437–78, https://doi.org/10.1007/978-3-642-35289-8_26.",
    conference:
      "Vaswani, Ashish, et al. “Attention Is All You Need.” Advances in Neural Information Processing Systems 30, Curran Associates, 2017, pp. 5998–6008.",
    preprint:
      "Devlin, Jacob, et al. BERT: Pre-Training of Deep Bidirectional Transformers for Language Understanding. arXiv:1810.04805, arXiv, 11 Oct. 2018, https://doi.org/10.48550/arXiv.1810.04805.",
  },
  "ieee": {
    article:
      "Y. LeCun, Y. Bengio, and G. Hinton, “Deep learning,” Nature, vol. 521, no. 7553, pp. 436–444, May 2015, doi: 10.1038/nature14539.",
    book:
      "R. S. Sutton and A. G. Barto, Reinforcement learning: An introduction. Cambridge, MA: MIT Press, 2018.",
    chapter:
      "Y. Bengio, “Practical recommendations for gradient-based training of deep architectures,” in Neural networks: Tricks of the trade, G. Montavon, G. B. Orr, and K.-R. Müller, Eds., Berlin: Springer, 2012, pp. 437–478. doi: 10.1007/978-3-642-35289-8_26.",
    conference:
      "A. Vaswani et al., “Attention is all you need,” in Advances in Neural Information Processing Systems 30, Curran Associates, 2017, pp. 5998–6008.",
    preprint:
      "J. Devlin, M.-W. Chang, K. Lee, and K. Toutanova, “BERT: Pre-training of deep bidirectional transformers for language understanding,” Oct. 11, 2018, arXiv: arXiv:1810.04805. doi: 10.48550/arXiv.1810.04805.",
  },
  "nature": {
    article:
      "LeCun, Y., Bengio, Y. & Hinton, G. Deep learning. Nature 521, 436–444 (2015).",
    book:
      "Sutton, R. S. & Barto, A. G. Reinforcement Learning: An Introduction. (MIT Press, Cambridge, MA, 2018).",
    chapter:
      "Bengio, Y. Practical recommendations for gradient-based training of deep architectures. in Neural networks: Tricks of the trade (eds. Montavon, G., Orr, G. B. & Müller, K.-R.) 437–478 (Springer, Berlin, 2012). doi:10.1007/978-3-642-35289-8_26.",
    conference:
      "Vaswani, A. et al. Attention is all you need. in Advances in Neural Information Processing Systems 30 5998–6008 (Curran Associates, 2017).",
    preprint:
      "Devlin, J., Chang, M.-W., Lee, K. & Toutanova, K. BERT: Pre-training of deep bidirectional transformers for language understanding. Preprint at https://doi.org/10.48550/arXiv.1810.04805 (2018).",
  },
  "bibtex": {
    article:
      "@article{LeCun2015Deep,\n\tauthor = {LeCun, Yann and Bengio, Yoshua and Hinton, Geoffrey},\n\tjournal = {Nature},\n\tdoi = {10.1038/nature14539},\n\tnumber = {7553},\n\tyear = {2015},\n\tmonth = may,\n\tpages = {436--444},\n\ttitle = {Deep learning},\n\tvolume = {521},\n}",
    book:
      "@book{Sutton2018Reinforcement,\n\taddress = {Cambridge, MA},\n\tauthor = {Sutton, Richard S. and Barto, Andrew G.},\n\tyear = {2018},\n\tpublisher = {MIT Press},\n\ttitle = {Reinforcement learning: An introduction},\n}",
    chapter:
      "@incollection{Bengio2012Practical,\n\taddress = {Berlin},\n\tauthor = {Bengio, Yoshua},\n\tbooktitle = {Neural networks: Tricks of the trade},\n\tdoi = {10.1007/978-3-642-35289-8_26},\n\teditor = {Montavon, Gr{\\' e}goire and Orr, Genevi{\\` e}ve B. and M{\\\" u}ller, Klaus-Robert},\n\tyear = {2012},\n\tpages = {437--478},\n\tpublisher = {Springer},\n\ttitle = {Practical recommendations for gradient-based training of deep architectures},\n}",
    conference:
      "@inproceedings{Vaswani2017Attention,\n\tauthor = {Vaswani, Ashish and Shazeer, Noam and Parmar, Niki and Uszkoreit, Jakob and Jones, Llion and Gomez, Aidan N. and Kaiser, \\L{}ukasz and Polosukhin, Illia},\n\tbooktitle = {Advances in {Neural} {Information} {Processing} {Systems} 30},\n\tyear = {2017},\n\tpages = {5998--6008},\n\tpublisher = {Curran Associates},\n\ttitle = {Attention is all you need},\n}",
    preprint:
      "@misc{Devlin2018BERT,\n\tauthor = {Devlin, Jacob and Chang, Ming-Wei and Lee, Kenton and Toutanova, Kristina},\n\tdoi = {10.48550/arXiv.1810.04805},\n\tyear = {2018},\n\tmonth = oct,\n\tpublisher = {arXiv},\n\ttitle = {BERT: Pre-training of deep bidirectional transformers for language understanding},\n}",
  },
  "ris": {
    article:
      "TY  - JOUR\nAU  - LeCun, Yann\nAU  - Bengio, Yoshua\nAU  - Hinton, Geoffrey\nDA  - 2015/5/28/\nPY  - 2015\nDO  - 10.1038/nature14539\nID  - lecun2015\nIS  - 7553\nSP  - 436-444\nT2  - Nature\nTI  - Deep learning\nVL  - 521\nER  - ",
    book:
      "TY  - BOOK\nAU  - Sutton, Richard S.\nAU  - Barto, Andrew G.\nCY  - Cambridge, MA\nDA  - 2018///\nPY  - 2018\nID  - sutton2018\nPB  - MIT Press\nTI  - Reinforcement learning: An introduction\nER  - ",
    chapter:
      "TY  - CHAP\nA2  - Montavon, Grégoire\nA2  - Orr, Geneviève B.\nA2  - Müller, Klaus-Robert\nAU  - Bengio, Yoshua\nCY  - Berlin\nDO  - 10.1007/978-3-642-35289-8_26\nID  - bengio2012\nPB  - Springer\nPY  - 2012\nSP  - 437-478\nT2  - Neural networks: Tricks of the trade\nTI  - Practical recommendations for gradient-based training of deep architectures\nER  - ",
    conference:
      "TY  - CONF\nAU  - Vaswani, Ashish\nAU  - Shazeer, Noam\nAU  - Parmar, Niki\nAU  - Uszkoreit, Jakob\nAU  - Jones, Llion\nAU  - Gomez, Aidan N.\nAU  - Kaiser, Łukasz\nAU  - Polosukhin, Illia\nC3  - Advances in Neural Information Processing Systems 30\nDA  - 2017///\nC2  - 2017\nID  - vaswani2017\nPB  - Curran Associates\nSP  - 5998-6008\nTI  - Attention is all you need\nER  - ",
    preprint:
      "TY  - UNPB\nAU  - Devlin, Jacob\nAU  - Chang, Ming-Wei\nAU  - Lee, Kenton\nAU  - Toutanova, Kristina\nC7  - arXiv:1810.04805\nDA  - 2018/10/11/\nPY  - 2018\nDO  - 10.48550/arXiv.1810.04805\nID  - devlin2018\nTI  - BERT: Pre-training of deep bidirectional transformers for language understanding\nPB  - arXiv\nER  - ",
  },
};

describe('formatted output of each style for five kinds of work', () => {
  for (const [style, works] of Object.entries(EXPECTED)) {
    it(`writes ${style}`, () => {
      for (const [name, expected] of Object.entries(works)) {
        expect(formatCitation(WORKS[name as WorkName], style).text, `${style} / ${name}`).toBe(expected);
      }
    });
  }

  it('writes CSL-JSON as the work itself, with a preprint server as publisher', () => {
    for (const work of [ARTICLE, BOOK, CHAPTER, CONFERENCE]) {
      expect(formatCitation(work, 'csl-json').text).toBe(JSON.stringify([work], null, 2));
    }
    const { 'container-title': server, ...rest } = PREPRINT;
    expect(JSON.parse(formatCitation(PREPRINT, 'csl-json').text)).toEqual([{ ...rest, publisher: server }]);
  });

  it('puts the container in italics only in the HTML', () => {
    const apa = formatCitation(ARTICLE, 'apa');
    expect(apa.html).toContain('<i>Nature</i>, <i>521</i>(7553), 436–444.');
    expect(apa.text).not.toContain('<');
    expect(formatCitation(BOOK, 'modern-language-association').html).toContain('<i>Reinforcement Learning: An Introduction</i>. MIT Press, 2018.');
  });
});

describe('citation language', () => {
  it('follows the chosen locale: terms, quotation marks and page labels', () => {
    const chapter = (style: string, locale: 'en-US' | 'en-GB' | 'de-DE' | 'fr-FR') => formatCitation(CHAPTER, style, { locale }).text;
    expect(chapter('apa', 'de-DE')).toContain('In G. Montavon, G. B. Orr, & K.-R. Müller (Hrsg.), Neural networks: Tricks of the trade (S. 437–478).');
    expect(chapter('apa', 'fr-FR')).toContain('(Éds.), Neural networks: Tricks of the trade (p. 437\u2011478).');
    expect(chapter('chicago-author-date', 'de-DE')).toBe(
      'Bengio, Yoshua. 2012. „Practical recommendations for gradient-based training of deep architectures“. In Neural networks: Tricks of the trade, herausgegeben von Grégoire Montavon, Geneviève B. Orr, und Klaus-Robert Müller, 437–78. Berlin: Springer. https://doi.org/10.1007/978-3-642-35289-8_26.',
    );
    expect(chapter('chicago-author-date', 'en-GB')).toContain('2012. ‘Practical Recommendations for Gradient-Based Training of Deep Architectures’. In');
    expect(chapter('harvard-cite-them-right', 'fr-FR')).toContain('(éd.) Neural networks: Tricks of the trade. Berlin: Springer, p. 437\u2011478. Disponible sur: https://doi.org/');
    expect(chapter('harvard-cite-them-right', 'en-US')).toContain('(2012) “Practical recommendations for gradient-based training of deep architectures,” in');
  });

  it('keeps each style’s own language when none is chosen (Harvard is British)', () => {
    expect(formatCitation(CHAPTER, 'harvard-cite-them-right', { locale: 'auto' }).text).toBe(EXPECTED['harvard-cite-them-right']!.chapter);
    expect(formatCitation(CHAPTER, 'harvard-cite-them-right').text).toContain('(eds) Neural networks');
  });
});

describe('whole lists', () => {
  const items: CslItem[] = [ARTICLE, BOOK, PREPRINT];

  it('keeps the numbers of numeric styles and sorts author-date styles by author', () => {
    expect(formatList(items, 'vancouver').text).toBe(
      [
        `1. ${EXPECTED.vancouver!.article}`,
        `2. ${EXPECTED.vancouver!.book}`,
        `3. ${EXPECTED.vancouver!.preprint}`,
      ].join('\n'),
    );
    expect(formatList(items, 'apa').text).toBe([EXPECTED.apa!.preprint, EXPECTED.apa!.article, EXPECTED.apa!.book].join('\n'));
  });

  it('separates BibTeX entries and RIS records by a blank line', () => {
    const bib = formatList(items, 'bibtex');
    expect(bib.count).toBe(3);
    expect(bib.text).toBe([EXPECTED.bibtex!.article, EXPECTED.bibtex!.book, EXPECTED.bibtex!.preprint].join('\n\n'));
    expect(formatList(items, 'ris').text).toBe([EXPECTED.ris!.article, EXPECTED.ris!.book, EXPECTED.ris!.preprint].join('\n\n'));
  });

  it('gives items sharing an id distinct ids, and writes notes as note fields', () => {
    const twins = [{ ...ARTICLE, note: 'Key paper; re-read section 3' }, { ...BOOK, id: ARTICLE.id }];
    const json = JSON.parse(formatList(twins, 'csl-json').text) as CslItem[];
    expect(json.map((j) => j.id)).toEqual([ARTICLE.id, 'item-2']);
    expect(json[0]!.note).toBe('Key paper; re-read section 3');
    expect(formatList(twins, 'bibtex').text).toContain('\tnote = {Key paper; re-read section 3},');
    expect(formatList(twins, 'ris').text).toContain('N1  - Key paper; re-read section 3');
  });

  it('answers an empty list with empty text', () => {
    expect(formatList([], 'apa')).toEqual({ text: '', style: 'apa', label: 'APA 7th', count: 0 });
    expect(formatList([], 'csl-json').text).toBe('[]');
  });
});
