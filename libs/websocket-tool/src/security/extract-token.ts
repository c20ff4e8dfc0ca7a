import type { IncomingMessage } from 'node:http';

/** Subprotocol names a browser may offer next to the token itself. */
export const TOKEN_SUBPROTOCOLS = ['bearer', 'access_token'];
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Finds a bearer token in the upgrade request, in this order:
 * 1. `Authorization: Bearer <token>` (servers and Node clients);
 * 2. `Sec-WebSocket-Protocol: bearer, <token>` (browsers, which cannot set headers);
 * 3. the `token` query parameter (last resort: URLs end up in access logs).
 */
export function extractToken(request: IncomingMessage): string | null {
  const auth = request.headers.authorization;
  if (typeof auth === 'string') {
    const match = /^Bearer\s+(\S+)$/i.exec(auth.trim());
    if (match) return match[1];
  }
  const protocols = request.headers['sec-websocket-protocol'];
  if (typeof protocols === 'string') {
    const offered = protocols.split(',').map((p) => p.trim());
    if (offered.some((p) => TOKEN_SUBPROTOCOLS.includes(p.toLowerCase()))) {
      const token = offered.find((p) => JWT_SHAPE.test(p));
      if (token) return token;
    }
  }
  const url = request.url ?? '';
  const queryStart = url.indexOf('?');
  if (queryStart !== -1) {
    const token = new URLSearchParams(url.slice(queryStart + 1)).get('token');
    if (token) return token;
  }
  return null;
}

/**
 * The subprotocol to answer with: browsers that offered protocols fail the
 * connection unless the server picks one, and the token itself must never be
 * echoed back.
 */
export function selectSubprotocol(offered: Set<string>): string | false {
  for (const protocol of offered) {
    if (TOKEN_SUBPROTOCOLS.includes(protocol.toLowerCase())) return protocol;
  }
  for (const protocol of offered) {
    if (!JWT_SHAPE.test(protocol)) return protocol;
  }
  return false;
}
