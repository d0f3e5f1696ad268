// HighWire (BMJ, bioRxiv, medRxiv, legacy SAGE).
import { startRefLens } from '../src/content/main';
import { matchPatterns } from '../src/sites/pick';
import { highwire } from '../src/sites/highwire';

export const adapters = [highwire];

export default defineContentScript({
  matches: matchPatterns(adapters),
  runAt: 'document_end',
  main: () => startRefLens(document, new URL(location.href), adapters),
});
