import { workKeys } from '../../core/identifiers';
import { cslFromPage, type ReferenceInput, type ReferenceResult } from '../../core/reference';

/** Result from page identifiers alone: resolved when the page links the work, else unresolved. */
export function pageResult(ref: ReferenceInput): ReferenceResult {
  const csl = cslFromPage(ref);
  const { doi, pmid, pmcid } = ref.ids;
  const result: ReferenceResult = {
    n: ref.n,
    state: doi || pmid || pmcid ? 'resolved' : 'unresolved',
    csl,
    workKeys: workKeys(ref.ids, csl),
  };
  if (doi) result.doi = { value: doi, source: 'page' };
  if (pmid) result.pmid = { value: pmid, source: 'page' };
  if (pmcid) result.pmcid = { value: pmcid, source: 'page' };
  if (result.state === 'unresolved') result.message = 'No identifier on the page.';
  return result;
}
