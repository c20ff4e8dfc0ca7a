import { buildUrl, type LocationLike } from './build-url.js';
import type { TokenTransport } from './client-options.interface.js';

/** A JWT: the only tokens that fit the sub-protocol syntax. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
/** Offered next to the token so the server can pick a sub-protocol that is not the token itself. */
const TOKEN_SUBPROTOCOL = 'bearer';

/** What one connection attempt dials with. */
export interface HandshakeParams {
  url: string;
  protocols: string | string[] | undefined;
  headers: Record<string, string> | undefined;
}

export interface HandshakeInput {
  url: string;
  clientId?: string;
  token?: string;
  tokenTransport?: TokenTransport;
  protocols?: string | string[];
  /** True for the `ws` package, the only implementation that sends headers. */
  supportsHeaders: boolean;
  location?: LocationLike;
}

/**
 * URL, sub-protocols and headers of a connection attempt, with the token
 * where the transport puts it (by default: a header when possible, else the
 * sub-protocol for a JWT, else the query string).
 */
export function handshakeParams(input: HandshakeInput): HandshakeParams {
  const { token } = input;
  const transport = input.tokenTransport ?? (input.supportsHeaders ? 'header' : JWT_SHAPE.test(token ?? '') ? 'protocol' : 'query');
  const url = buildUrl(input.url, { clientId: input.clientId, token: transport === 'query' ? token : undefined }, input.location);
  const given = input.protocols === undefined ? [] : ([] as string[]).concat(input.protocols);
  return {
    url,
    protocols: token && transport === 'protocol' ? [TOKEN_SUBPROTOCOL, token, ...given] : input.protocols,
    headers: token && transport === 'header' ? { Authorization: `Bearer ${token}` } : undefined,
  };
}
