import { startRefLens } from '../../src/content/main';
import { contentScriptMatches } from '../../src/sites';

export default defineContentScript({
  matches: contentScriptMatches(),
  runAt: 'document_end',
  main() {
    startRefLens(document, new URL(location.href));
  },
});
