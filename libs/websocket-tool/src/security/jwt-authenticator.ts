import type { KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { WsIdentity, WsJwtOptions } from './ws-identity.interface.js';
import { extractToken } from './extract-token.js';
import { HandshakeRefusal } from './handshake-refusal.js';

type JoseModule = typeof import('jose');

/**
 * Builds an `authenticate` function that verifies a JWT with `jose`. The
 * `sub` claim becomes `identity.userId`; the other claims are kept.
 * Expired or invalid tokens are refused with 401 and a short reason.
 */
export function createJwtAuthenticate(options: WsJwtOptions): (request: IncomingMessage) => Promise<WsIdentity> {
  if (!options.secret && !options.publicKey) throw new Error('jwt: give either "secret" or "publicKey".');
  const algorithms = options.algorithms ?? (options.secret ? ['HS256'] : ['RS256', 'ES256']);
  let keyPromise: Promise<Uint8Array | KeyObject | Awaited<ReturnType<JoseModule['importSPKI']>>> | null = null;
  let jose: Promise<JoseModule> | null = null;
  const key = async (): Promise<Uint8Array | KeyObject | Awaited<ReturnType<JoseModule['importSPKI']>>> => {
    if (options.secret) return new TextEncoder().encode(options.secret);
    if (typeof options.publicKey === 'string') return (await (jose ??= import('jose'))).importSPKI(options.publicKey, algorithms[0]);
    return options.publicKey as KeyObject;
  };

  return async (request) => {
    const token = extractToken(request);
    if (!token) throw new HandshakeRefusal(401, 'missing token');
    const lib = await (jose ??= import('jose'));
    try {
      const { payload } = await lib.jwtVerify(token, await (keyPromise ??= key()), {
        algorithms,
        issuer: options.issuer,
        audience: options.audience,
        clockTolerance: options.clockTolerance ?? 5,
      });
      if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw new HandshakeRefusal(401, 'token has no subject');
      return { ...payload, userId: payload.sub };
    } catch (err) {
      if (err instanceof HandshakeRefusal) throw err;
      if (err instanceof lib.errors.JWTExpired) throw new HandshakeRefusal(401, 'token expired');
      if (err instanceof lib.errors.JWTClaimValidationFailed) throw new HandshakeRefusal(401, `token claim "${err.claim}" is not accepted`);
      throw new HandshakeRefusal(401, 'invalid token');
    }
  };
}
