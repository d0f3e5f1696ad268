// Wiley Online Library.
import { startRefLens } from '../src/content/main';
import { matchPatterns } from '../src/sites/pick';
import { wiley } from '../src/sites/wiley';

export const adapters = [wiley];

export default defineContentScript({
  matches: matchPatterns(adapters),
  runAt: 'document_end',
  main: () => startRefLens(document, new URL(location.href), adapters),
});
