import type { IncomingMessage } from 'node:http';
import { createJwtAuthenticate } from './jwt-authenticator.js';
import type { WsAuthenticate, WsJwtOptions } from './ws-identity.interface.js';

/** The authentication in force: the app's `authenticate`, else the built-in JWT check with `jwt`, else none. */
export function resolveAuthenticate(options: { authenticate?: WsAuthenticate; jwt?: WsJwtOptions } | undefined): WsAuthenticate | null {
  return options?.authenticate ?? (options?.jwt ? createJwtAuthenticate(options.jwt) : null);
}

/**
 * A request that carries only a token, as `Authorization: Bearer <token>`: what
 * `authenticate` is given to check the new token of a `system.refresh`, the
 * way it checked the first one at the upgrade.
 */
export function tokenRequest(token: string): IncomingMessage {
  return { headers: { authorization: `Bearer ${token}` }, url: '/', method: 'GET', socket: null } as unknown as IncomingMessage;
}
