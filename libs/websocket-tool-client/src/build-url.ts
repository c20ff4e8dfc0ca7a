/** The parts of `location` a browser page offers. */
export interface LocationLike {
  protocol: string;
  host: string;
}

/**
 * The WebSocket URL to dial: `http(s)` becomes `ws(s)`, a path such as `/ws`
 * is resolved against the page's location, and `clientId` / `token` are
 * added as query parameters.
 */
export function buildUrl(url: string, query: Record<string, string | undefined>, location?: LocationLike): string {
  let base = url.trim();
  if (/^https?:\/\//i.test(base)) base = base.replace(/^http/i, 'ws');
  else if (base.startsWith('/') && !base.startsWith('//') && location) {
    base = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + base;
  }
  if (!/^wss?:\/\/[^/?#]+/i.test(base)) {
    throw new TypeError(`"${url}" is not a WebSocket URL: use ws://host/path, wss://host/path or, in a browser, a path like /ws.`);
  }
  const hash = base.indexOf('#');
  if (hash !== -1) base = base.slice(0, hash);
  const params = Object.entries(query)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '')
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
  if (params.length === 0) return base;
  return base + (base.includes('?') ? '&' : '?') + params.join('&');
}
