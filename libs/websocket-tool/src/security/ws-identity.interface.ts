import type { KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Who a connection belongs to, as established at the handshake. `userId` is
 * the conventional field (the JWT `sub` claim); anything else is kept as is
 * and reaches handlers through `context.identity`.
 *
 * @publicApi
 */
export interface WsIdentity {
  userId?: string;
  [key: string]: unknown;
}

/**
 * Decides at the HTTP upgrade who the client is. Return an identity to accept,
 * `null`/`undefined` (or throw) to refuse with HTTP 401. May be async.
 *
 * @publicApi
 */
export type WsAuthenticate = (request: IncomingMessage) => WsIdentity | null | undefined | Promise<WsIdentity | null | undefined>;

/**
 * Decides whether an authenticated identity may use a named client id.
 * Default: the id equals the identity's `userId`.
 *
 * @publicApi
 */
export type WsCanUseClientId = (identity: WsIdentity, clientId: string) => boolean | Promise<boolean>;

/**
 * Built-in JWT verification (with `jose`). Give `secret` (HMAC) or
 * `publicKey` (PEM SPKI or a `KeyObject`), and the accepted `algorithms`.
 *
 * @publicApi
 */
export interface WsJwtOptions {
  secret?: string;
  publicKey?: string | KeyObject;
  /** @default ['HS256'] with a secret, ['RS256', 'ES256'] with a public key */
  algorithms?: string[];
  issuer?: string | string[];
  audience?: string | string[];
  /** Seconds of clock skew tolerated on `exp`/`nbf`. @default 5 */
  clockTolerance?: number;
}
