import {
  clientOfflineMessage,
  clientRequestDroppedMessage,
  clientRequestErrorMessage,
  clientRequestTimeoutMessage,
} from '../messaging.messages.js';
import { ClientRequestError, type DeliveryReceipt } from './delivery.interface.js';
import type { DeliverySettlement } from './pending-deliveries.js';

/** The one recipient's outcome of an acknowledged send. */
export function receiptOf(settlement: DeliverySettlement): DeliveryReceipt {
  const { counts } = settlement;
  if (counts.delivered > 0) return { status: 'delivered' };
  if (counts.dropped > 0) return { status: 'dropped', reason: settlement.reason ?? 'queue_full' };
  if (counts.offline > 0) return { status: 'offline' };
  return { status: 'timeout' };
}

/** A server request's answer, or the error it rejects with. */
export function replyOf<TReply>(settlement: DeliverySettlement, clientId: string, timeoutMs: number): TReply {
  const reply = settlement.reply;
  if (reply?.error) {
    throw new ClientRequestError('client_error', clientRequestErrorMessage(clientId, reply.error.message), reply.error.code);
  }
  if (reply) return reply.content as TReply;
  const { counts } = settlement;
  if (counts.dropped > 0) {
    throw new ClientRequestError('dropped', clientRequestDroppedMessage(clientId), settlement.reason ?? 'queue_full');
  }
  if (counts.offline > 0) throw new ClientRequestError('offline', clientOfflineMessage(clientId));
  throw new ClientRequestError('timeout', clientRequestTimeoutMessage(clientId, timeoutMs));
}
