// PubMed, PubMed Central, Europe PMC.
import { startRefLens } from '../src/content/main';
import { matchPatterns } from '../src/sites/pick';
import { pubmed } from '../src/sites/pubmed';
import { pmc } from '../src/sites/pmc';
import { europepmc } from '../src/sites/europepmc';

export const adapters = [pubmed, pmc, europepmc];

export default defineContentScript({
  matches: matchPatterns(adapters),
  runAt: 'document_end',
  main: () => startRefLens(document, new URL(location.href), adapters),
});
