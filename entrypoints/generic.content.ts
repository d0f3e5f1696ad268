// Any other page, injected only when the user clicks the toolbar button (activeTab): the generic detector.
import { startRefLens } from '../src/content/main';
import { generic } from '../src/sites/generic';

export const adapters = [generic];

export default defineContentScript({
  registration: 'runtime',
  main: () => startRefLens(document, new URL(location.href), adapters),
});
