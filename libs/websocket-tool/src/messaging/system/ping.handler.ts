import type { ClientConnection } from '../../connection/client-connection.js';
import { WsErrorCode } from '../../protocol/error-codes.js';
import { SystemMessageType } from '../../protocol/message-types.js';
import { isEchoable, MAX_ECHOED_LENGTH, type ParsedEnvelope } from '../dispatch/envelope-parser.js';
import { isPlainObject } from '../../protocol/json-guards.js';
import type { Correlation } from '../dispatch/envelope.js';
import type { DispatchReplies } from '../dispatch/replies.js';
import type { SystemMessageHandler } from './system-message-handler.interface.js';

/** `system.ping` gets a `system.pong` with the ping's `meta.ping_id` and the server's time. */
export class PingHandler implements SystemMessageHandler {
  readonly types = [SystemMessageType.Ping];
  readonly keepAlive = true;

  constructor(private readonly replies: DispatchReplies) {}

  handle(connection: ClientConnection, envelope: ParsedEnvelope, id: Correlation, now: number): void {
    const pingId = isPlainObject(envelope.meta) ? envelope.meta.ping_id : undefined;
    if (!isEchoable(pingId)) {
      const text = `"meta.ping_id" must be a number or a string of at most ${MAX_ECHOED_LENGTH} characters.`;
      this.replies.error(connection, WsErrorCode.InvalidMessage, text, id, { original_type: envelope.type });
      return;
    }
    this.replies.send(connection, {
      type: SystemMessageType.Pong,
      content: 'pong',
      meta: id !== undefined ? { id, ping_id: pingId ?? null, timestamp: now } : { ping_id: pingId ?? null, timestamp: now },
    });
  }
}
