// SpringerLink, Nature, BMC.
import { startRefLens } from '../src/content/main';
import { matchPatterns } from '../src/sites/pick';
import { springerNature } from '../src/sites/springer-nature';

export const adapters = [springerNature];

export default defineContentScript({
  matches: matchPatterns(adapters),
  runAt: 'document_end',
  main: () => startRefLens(document, new URL(location.href), adapters),
});
