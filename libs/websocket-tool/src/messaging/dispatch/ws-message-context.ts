import type { WsClient } from '../../connection/ws-client.interface.js';
import type { EnqueueOutcome } from '../../outbound/enqueue-result.js';
import type { WsInboundMessage, WsOutboundMessage } from '../../protocol/envelope.interface.js';

/**
 * The second argument of every `@OnWsMessage` handler, and what
 * `context.switchToWs().getClient()` returns in guards and interceptors
 * (`getData()` returns the message).
 *
 * @publicApi
 */
export interface WsMessageContext {
  readonly clientId: string;
  readonly client: WsClient;
  /** Whatever the handshake authentication returned, if any. */
  readonly identity: unknown;
  readonly message: WsInboundMessage;
  /**
   * Sends a message to the sender, with the request's `meta.id`. A plain
   * value is sent as the `content` of a message of the request's type.
   */
  reply(messageOrContent: WsOutboundMessage | unknown): EnqueueOutcome;
}
