/** Puts the tools right after the item's first `selector` element (its link buttons), else at the item's end. */
export function placeToolsAfter(item: Element, tools: HTMLElement, selector: string): void {
  const anchor = item.querySelector(selector);
  if (anchor?.parentElement) anchor.after(tools);
  else item.append(tools);
}
