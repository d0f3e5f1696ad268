import { SummaryView } from '../src/content/ui/summary';

/**
 * The summary panel above a reference list, loaded by the content script (dynamic import) once the first tools are
 * in the page, so that every page's content script stays small. Runs in the content script's world and hands over
 * its class through a global of that world (the page cannot see it).
 */
export default defineUnlistedScript(() => {
  (globalThis as { __reflensSummaryView?: typeof SummaryView }).__reflensSummaryView = SummaryView;
});
