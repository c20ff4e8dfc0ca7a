import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { hasProxyHeaders, isLoopbackAddress, isLoopbackHost } from '../security/loopback.js';

/** The parts of an HTTP request (Express or Fastify) the admin access rules read. */
export interface AdminRequestLike {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  socket?: { remoteAddress?: string };
  raw?: { socket?: { remoteAddress?: string } };
}

/**
 * A local request: from a loopback address, not relayed by a proxy (a proxy
 * on the same machine would make every remote caller look local), and with a
 * loopback `Host` (so a DNS-rebinding page cannot pass for local).
 */
export function isLocalRequest(request: AdminRequestLike): boolean {
  const address = request.socket?.remoteAddress ?? request.raw?.socket?.remoteAddress;
  if (!isLoopbackAddress(address)) return false;
  if (hasProxyHeaders(request.headers)) return false;
  return isLoopbackHost(request.headers.host);
}

/**
 * True for a browser request made by another site's page (fetch, form post):
 * the admin routes answer only their own page, direct navigation and
 * non-browser clients. A plain link followed to a GET route is allowed.
 */
export function isCrossSiteRequest(request: AdminRequestLike): boolean {
  const method = (request.method ?? 'GET').toUpperCase();
  const safe = method === 'GET' || method === 'HEAD';
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') {
    return !(safe && request.headers['sec-fetch-mode'] === 'navigate');
  }
  // Browsers without Fetch Metadata still send Origin on cross-origin writes.
  const origin = request.headers.origin;
  if (!safe && typeof origin === 'string') {
    try {
      return origin === 'null' || new URL(origin).host !== request.headers.host;
    } catch {
      return true;
    }
  }
  return false;
}

/**
 * The secret in an `Authorization` header: the Bearer token, or with HTTP
 * Basic the password (or the user name when the password is empty, as in
 * `curl -u <token>:`). Null when there is none.
 */
export function readCredential(authorization: string | undefined): string | null {
  if (!authorization) return null;
  const space = authorization.indexOf(' ');
  if (space < 0) return null;
  const scheme = authorization.slice(0, space).toLowerCase();
  const value = authorization.slice(space + 1).trim();
  if (scheme === 'bearer') return value || null;
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    const password = decoded.slice(colon + 1);
    return password || decoded.slice(0, colon) || null;
  }
  return null;
}

/** SHA-256 of a secret, so comparisons take the same time whatever the lengths. */
export function digestSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Compares a candidate with a stored digest in constant time. */
export function secretMatches(candidate: string, digest: Buffer): boolean {
  return timingSafeEqual(digestSecret(candidate), digest);
}
