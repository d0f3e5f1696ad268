// Oxford Academic, JAMA Network, Cambridge Core, IEEE Xplore.
import { startRefLens } from '../src/content/main';
import { matchPatterns } from '../src/sites/pick';
import { oup } from '../src/sites/oup';
import { jama } from '../src/sites/jama';
import { cambridge } from '../src/sites/cambridge';
import { ieee } from '../src/sites/ieee';

export const adapters = [oup, jama, cambridge, ieee];

export default defineContentScript({
  matches: matchPatterns(adapters),
  runAt: 'document_end',
  main: () => startRefLens(document, new URL(location.href), adapters),
});
