import type { ClientConnection } from '../../connection/client-connection.js';
import type { ConnectionRegistry } from '../../connection/connection-registry.js';
import type { WsClient } from '../../connection/ws-client.interface.js';
import type { EnqueueOutcome } from '../../outbound/enqueue-result.js';
import type { WsInboundMessage, WsOutboundMessage } from '../../protocol/envelope.interface.js';
import { RATE_LIMIT_SUBJECT, type RateLimitSubject, type RateLimitSubjectCarrier } from '../../rate-limit/rate-limit-subject.interface.js';
import { isEnvelope, type Correlation } from './envelope.js';
import type { DispatchReplies } from './replies.js';
import type { WsMessageContext } from './ws-message-context.js';

/**
 * The context handed to one handler call. A class (not a literal with
 * closures) so a message costs one small allocation.
 */
export class MessageContext implements WsMessageContext, RateLimitSubjectCarrier {
  readonly clientId: string;
  readonly identity: unknown;

  constructor(
    private readonly replies: DispatchReplies,
    private readonly registry: ConnectionRegistry,
    private readonly connection: ClientConnection,
    readonly message: WsInboundMessage,
    private readonly id: Correlation,
  ) {
    this.clientId = connection.clientId;
    this.identity = connection.identity;
  }

  get client(): WsClient {
    return this.registry.toClient(this.connection);
  }

  /** The sender's rate-limit state, for `RateLimitGuard`. */
  get [RATE_LIMIT_SUBJECT](): RateLimitSubject {
    return this.connection;
  }

  reply(messageOrContent: unknown): EnqueueOutcome {
    const id = this.id;
    const reply: WsOutboundMessage = isEnvelope(messageOrContent)
      ? { ...messageOrContent, meta: id !== undefined ? { ...messageOrContent.meta, id } : messageOrContent.meta }
      : { type: this.message.type, content: messageOrContent, meta: id !== undefined ? { id } : {} };
    return this.replies.send(this.connection, reply);
  }
}
