import type { ClientConnection } from '../../connection/client-connection.js';
import { isPlainObject } from '../../protocol/json-guards.js';
import { ACK_ID_META, REQUEST_ID_META, SystemMessageType } from '../../protocol/message-types.js';
import type { ParsedEnvelope } from '../dispatch/envelope-parser.js';
import type { PendingDeliveries } from '../delivery/pending-deliveries.js';
import type { SystemMessageHandler } from './system-message-handler.interface.js';

/**
 * `system.ack` and `system.reply`: a client's answers to what the server is waiting for. An answer the
 * server awaits is settled before the rate limit (the server asked for it); any other (late, after its
 * deadline, or never asked) is charged like a message and then ignored.
 */
export class DeliveryAnswerHandler implements SystemMessageHandler {
  readonly types = [SystemMessageType.Ack, SystemMessageType.Reply];
  readonly keepAlive = false;

  constructor(private readonly pending: PendingDeliveries) {}

  /** Settles the delivery the answer is for; false when nothing awaits it from this connection. */
  settle(connection: ClientConnection, envelope: ParsedEnvelope): boolean {
    const meta = envelope.meta;
    if (!isPlainObject(meta)) return false;
    if (envelope.type === SystemMessageType.Ack) {
      const id = meta[ACK_ID_META];
      return typeof id === 'string' && this.pending.settle(connection, id);
    }
    const id = meta[REQUEST_ID_META];
    if (typeof id !== 'string') return false;
    const error = meta.error;
    const reply = isPlainObject(error)
      ? { content: null, error: { code: String(error.code ?? 'handler_error'), message: String(error.message ?? '') } }
      : { content: envelope.content === undefined ? null : envelope.content };
    return this.pending.settle(connection, id, reply);
  }

  handle(): void {
    // An answer nothing waits for any more: its delivery already timed out or its client was counted offline.
  }
}
