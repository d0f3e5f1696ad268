import type { CslItem } from '../../../src/core/csl';

/** Five works of different types, with the metadata the resolver produces for them. */
export const ARTICLE: CslItem = {
  id: 'lecun2015',
  type: 'article-journal',
  title: 'Deep learning',
  'container-title': 'Nature',
  author: [
    { family: 'LeCun', given: 'Yann' },
    { family: 'Bengio', given: 'Yoshua' },
    { family: 'Hinton', given: 'Geoffrey' },
  ],
  issued: { 'date-parts': [[2015, 5, 28]] },
  volume: '521',
  issue: '7553',
  page: '436-444',
  DOI: '10.1038/nature14539',
};

export const BOOK: CslItem = {
  id: 'sutton2018',
  type: 'book',
  title: 'Reinforcement learning: An introduction',
  author: [
    { family: 'Sutton', given: 'Richard S.' },
    { family: 'Barto', given: 'Andrew G.' },
  ],
  issued: { 'date-parts': [[2018]] },
  publisher: 'MIT Press',
  'publisher-place': 'Cambridge, MA',
};

export const CHAPTER: CslItem = {
  id: 'bengio2012',
  type: 'chapter',
  title: 'Practical recommendations for gradient-based training of deep architectures',
  'container-title': 'Neural networks: Tricks of the trade',
  author: [{ family: 'Bengio', given: 'Yoshua' }],
  editor: [
    { family: 'Montavon', given: 'Grégoire' },
    { family: 'Orr', given: 'Geneviève B.' },
    { family: 'Müller', given: 'Klaus-Robert' },
  ],
  issued: { 'date-parts': [[2012]] },
  page: '437-478',
  publisher: 'Springer',
  'publisher-place': 'Berlin',
  DOI: '10.1007/978-3-642-35289-8_26',
};

export const CONFERENCE: CslItem = {
  id: 'vaswani2017',
  type: 'paper-conference',
  title: 'Attention is all you need',
  'container-title': 'Advances in Neural Information Processing Systems 30',
  author: [
    { family: 'Vaswani', given: 'Ashish' },
    { family: 'Shazeer', given: 'Noam' },
    { family: 'Parmar', given: 'Niki' },
    { family: 'Uszkoreit', given: 'Jakob' },
    { family: 'Jones', given: 'Llion' },
    { family: 'Gomez', given: 'Aidan N.' },
    { family: 'Kaiser', given: 'Łukasz' },
    { family: 'Polosukhin', given: 'Illia' },
  ],
  issued: { 'date-parts': [[2017]] },
  page: '5998-6008',
  publisher: 'Curran Associates',
};

export const PREPRINT: CslItem = {
  id: 'devlin2018',
  type: 'article',
  title: 'BERT: Pre-training of deep bidirectional transformers for language understanding',
  'container-title': 'arXiv',
  number: 'arXiv:1810.04805',
  author: [
    { family: 'Devlin', given: 'Jacob' },
    { family: 'Chang', given: 'Ming-Wei' },
    { family: 'Lee', given: 'Kenton' },
    { family: 'Toutanova', given: 'Kristina' },
  ],
  issued: { 'date-parts': [[2018, 10, 11]] },
  DOI: '10.48550/arXiv.1810.04805',
};

export const WORKS = { article: ARTICLE, book: BOOK, chapter: CHAPTER, conference: CONFERENCE, preprint: PREPRINT };
