/** The element with this id; the page's markup has every id the scripts ask for. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the sample page has no #${id}`);
  return node as T;
}

/**
 * Appends a line of text (never markup) to a log box and scrolls to it,
 * keeping at most `keep` lines.
 */
export function line(target: HTMLElement, text: string, cls = '', keep = Infinity): void {
  const div = document.createElement('div');
  div.className = 'row ' + cls;
  div.textContent = text;
  target.appendChild(div);
  while (target.childElementCount > keep && target.firstChild) target.removeChild(target.firstChild);
  target.scrollTop = target.scrollHeight;
}
