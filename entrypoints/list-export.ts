import { mountExporter } from '../src/content/ui/list-export';

/**
 * The whole-list export controls, loaded by the content script (dynamic import) only when the user opens them,
 * so that every page's content script stays small. Runs in the content script's world and hands over its mount
 * function through a global of that world (the page cannot see it).
 */
export default defineUnlistedScript(() => {
  (globalThis as { __reflensMountExporter?: typeof mountExporter }).__reflensMountExporter = mountExporter;
});
