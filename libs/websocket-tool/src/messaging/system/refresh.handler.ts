import { expiryOf, userIdOf, type ClientConnection } from '../../connection/client-connection.js';
import { WsErrorCode } from '../../protocol/error-codes.js';
import { isPlainObject } from '../../protocol/json-guards.js';
import { SystemMessageType } from '../../protocol/message-types.js';
import { tokenRequest } from '../../security/resolve-authenticate.js';
import type { WsAuthenticate } from '../../security/ws-identity.interface.js';
import type { ParsedEnvelope } from '../dispatch/envelope-parser.js';
import type { Correlation } from '../dispatch/envelope.js';
import type { DispatchReplies } from '../dispatch/replies.js';
import type { SystemMessageHandler } from './system-message-handler.interface.js';

/** Longest token accepted in a `system.refresh` (a JWT is a few hundred bytes to a few kilobytes). */
const MAX_TOKEN_LENGTH = 16_384;

/**
 * `system.refresh` with `content: { token }`: the new token is checked by the
 * same `authenticate` (or `jwt`) as the first one, given as `Authorization:
 * Bearer <token>`; it must name the same user. Accepted, the connection's
 * expiry moves to the new token's `exp` and the answer is `system.refreshed`;
 * refused, `system.error` `refresh_refused`, and the old expiry stands.
 */
export class RefreshHandler implements SystemMessageHandler {
  readonly types = [SystemMessageType.Refresh];
  readonly keepAlive = false;

  constructor(
    private readonly authenticate: WsAuthenticate | null,
    private readonly replies: DispatchReplies,
  ) {}

  handle(connection: ClientConnection, envelope: ParsedEnvelope, id: Correlation): void {
    const content = envelope.content;
    const token = isPlainObject(content) ? content.token : typeof content === 'string' ? content : undefined;
    const authenticate = this.authenticate;
    if (authenticate === null)
      return this.refuse(connection, id, 'This server does not authenticate connections: there is nothing to refresh.');
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
      return this.refuse(connection, id, '"content.token" must be the new token.');
    }
    Promise.resolve()
      .then(() => authenticate(tokenRequest(token)))
      .then(
        (identity) => this.accept(connection, id, identity),
        () => this.refuse(connection, id, 'The new token is not valid.'),
      );
  }

  private accept(connection: ClientConnection, id: Correlation, identity: unknown): void {
    if (connection.closing) return;
    if (identity === null || identity === undefined) return this.refuse(connection, id, 'The new token is not valid.');
    if (userIdOf(identity) !== connection.userId) return this.refuse(connection, id, 'The new token is for another user.');
    connection.tokenExpiresAt = expiryOf(identity);
    connection.tokenNoticeSent = false;
    const expiresAt = connection.tokenExpiresAt === null ? null : connection.tokenExpiresAt / 1000;
    this.replies.send(connection, {
      type: SystemMessageType.Refreshed,
      content: { expires_at: expiresAt },
      meta: id !== undefined ? { id } : {},
    });
  }

  private refuse(connection: ClientConnection, id: Correlation, text: string): void {
    if (connection.closing) return;
    this.replies.error(connection, WsErrorCode.RefreshRefused, text, id, { original_type: SystemMessageType.Refresh });
  }
}
