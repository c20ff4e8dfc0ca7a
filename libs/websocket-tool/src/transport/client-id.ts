import { randomUUID } from 'node:crypto';

/** Named client ids: 1 to 128 characters of letters, digits and `._:@-`. */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;

export function isValidClientId(id: string): boolean {
  return CLIENT_ID_PATTERN.test(id);
}

/** A fresh id for an anonymous client. */
export function anonymousClientId(): string {
  return 'anon-' + randomUUID();
}

/** Where the upgrade URL points, relative to the base path. */
export type UpgradeTarget = { match: false } | { match: true; clientId: string | null; error?: string };

/**
 * Reads the client id from `<base>/<id>` or `<base>?clientId=<id>`.
 * `clientId: null` is an anonymous client; `error` explains a malformed id.
 */
export function parseUpgradeTarget(rawUrl: string, basePath: string): UpgradeTarget {
  const queryStart = rawUrl.indexOf('?');
  const pathname = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
  const query = queryStart === -1 ? '' : rawUrl.slice(queryStart + 1);
  const trimmed = pathname.length > 1 && pathname.endsWith('/') && pathname !== basePath + '/' ? pathname.slice(0, -1) : pathname;
  let clientId: string | null = null;
  if (trimmed === basePath) {
    const fromQuery = query.includes('clientId') || query.includes('%') ? new URLSearchParams(query).get('clientId') : null;
    clientId = fromQuery === null || fromQuery === '' ? null : fromQuery;
  } else if (trimmed.startsWith(basePath + '/')) {
    const rest = trimmed.slice(basePath.length + 1);
    try {
      clientId = decodeURIComponent(rest);
    } catch {
      return { match: true, clientId: null, error: 'the client id is not valid percent-encoding' };
    }
    if (clientId === '') return { match: true, clientId: null, error: 'the client id is empty' };
  } else {
    return { match: false };
  }
  if (clientId !== null && !isValidClientId(clientId)) {
    return { match: true, clientId: null, error: 'a client id is 1 to 128 characters of letters, digits and ._:@-' };
  }
  return { match: true, clientId };
}
