/** The element with this id; the page's markup has every id the script asks for. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the admin page has no #${id}`);
  return node as T;
}

/** A new element; `text` always goes in as text, never as markup. */
export function el(tag: string, attrs?: Record<string, string> | null, text?: unknown): HTMLElement {
  const node = document.createElement(tag);
  if (attrs) for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/** Sets an element's text, touching the DOM only when it changed. */
export function setText(id: string, text: unknown): void {
  const node = byId(id);
  if (node.textContent !== String(text)) node.textContent = String(text);
}

let noticeTimer: ReturnType<typeof setTimeout> | undefined;

/** Shows a message in the notice box for five seconds. */
export function notice(text: string): void {
  const box = byId('notice');
  box.textContent = text;
  box.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => {
    box.hidden = true;
  }, 5000);
}

/** Class of a health status: green, amber or red. */
export const statusClass = (status: string): string =>
  status === 'healthy' ? 'score-ok' : status === 'warning' ? 'score-warn' : 'score-crit';
