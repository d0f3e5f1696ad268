import type { ListActions, SummarySource, SummaryView } from './summary';

export type SummaryViewClass = typeof SummaryView;

/**
 * Stands in for the summary panel in the content script: the panel's own code is a separate script
 * (entrypoints/summary.ts), loaded when the first tools reach the page, which keeps every page's content script
 * small. Calls made before it has loaded are caught up when it arrives.
 */
export class LazySummary {
  private view: SummaryView | undefined;
  private first: Element | undefined;
  private loading = false;

  constructor(
    private readonly source: () => Iterable<SummarySource>,
    private readonly actions: ListActions,
    private readonly load: () => Promise<SummaryViewClass>,
  ) {}

  /** Puts the panel at the top of the list whose first item is given. */
  place(firstItem: Element): void {
    this.first = firstItem;
    if (this.view) this.view.place(firstItem);
    else this.start();
  }

  /** `now`: render in this task (the caller refreshes once for many changes), else in the next idle period. */
  refresh(now = false): void {
    if (now) this.view?.render();
    else this.view?.refresh();
  }

  private start(): void {
    if (this.loading) return;
    this.loading = true;
    this.load()
      .then((View) => {
        this.view = new View(this.source, this.actions);
        if (this.first) this.view.place(this.first);
      })
      // The summary is a convenience: the tools of every reference work without it.
      .catch((err: Error) => console.warn('RefLens: summary unavailable:', err.message));
  }
}
