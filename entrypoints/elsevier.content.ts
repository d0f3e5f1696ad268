// Elsevier: health-journal sites and ScienceDirect.
import { startRefLens } from '../src/content/main';
import { matchPatterns } from '../src/sites/pick';
import { elsevierHealth } from '../src/sites/elsevier-health';
import { sciencedirect } from '../src/sites/sciencedirect';

export const adapters = [elsevierHealth, sciencedirect];

export default defineContentScript({
  matches: matchPatterns(adapters),
  runAt: 'document_end',
  main: () => startRefLens(document, new URL(location.href), adapters),
});
