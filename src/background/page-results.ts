import { workKeys } from '../core/identifiers';
import type { Note } from '../core/notes';
import { withPrintedCsl } from '../core/printed';
import { resultForPage, type ReferenceInput, type ReferenceResult, type ResultForPage } from '../core/reference';

/**
 * Resolve results as the page shows them, each with the text of the user's note on the work, looked up under the
 * result's keys and the reference's own (a note kept before the reference resolved). A notes failure leaves the notes
 * out and never fails the resolve. `refs` as the page sent them.
 */
export async function resultsForPage(
  refs: ReferenceInput[],
  results: ReferenceResult[],
  notes: { findMany(keys: string[][]): Promise<Array<Note | null>> },
): Promise<ResultForPage[]> {
  const shown = results.map((r, i) => resultForPage(r, refs[i]!));
  try {
    const keys = shown.map((r, i) => [...new Set([...r.workKeys, ...workKeys(refs[i]!.ids, withPrintedCsl(refs[i]!).csl)])]);
    (await notes.findMany(keys)).forEach((note, i) => {
      if (note) shown[i]!.note = note.text;
    });
  } catch (err) {
    console.warn('RefLens: notes unavailable', err);
  }
  return shown;
}
