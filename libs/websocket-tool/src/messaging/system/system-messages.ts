import { Inject, Injectable } from '@nestjs/common';
import type { WebSocketToolSettings } from '../../config/resolved-settings.interface.js';
import type { SubscriptionOptions } from './subscription-options.interface.js';
import type { ClientConnection } from '../../connection/client-connection.js';
import { ConnectionRegistry } from '../../connection/connection-registry.js';
import { WsErrorCode } from '../../protocol/error-codes.js';
import { MessageAdmission } from '../../rate-limit/message-admission.js';
import { WEBSOCKET_TOOL_MODULE_OPTIONS, WEBSOCKET_TOOL_SETTINGS } from '../../config/config.constants.js';
import { StreamContinuity } from '../../history/stream-continuity.service.js';
import { TopicHistoryStore } from '../../history/topic-history-store.js';
import { PresenceService } from '../../presence/presence.service.js';
import { WsStatsService } from '../../stats/ws-stats.service.js';
import type { ParsedEnvelope } from '../dispatch/envelope-parser.js';
import type { Correlation } from '../dispatch/envelope.js';
import { DispatchReplies } from '../dispatch/replies.js';
import { PendingDeliveries } from '../delivery/pending-deliveries.js';
import { TopicDeltas } from '../delivery/topic-deltas.js';
import { DeliveryAnswerHandler } from './delivery-answer.handler.js';
import { DeltaResetHandler } from './delta-reset.handler.js';
import { PingHandler } from './ping.handler.js';
import { SignOfLifeHandler } from './sign-of-life.handler.js';
import { SubscriptionHandler } from './subscription.handler.js';
import { RefreshHandler } from './refresh.handler.js';
import { resolveAuthenticate } from '../../security/resolve-authenticate.js';
import type { WsAuthenticate, WsJwtOptions } from '../../security/ws-identity.interface.js';
import type { SystemMessageHandler } from './system-message-handler.interface.js';

/**
 * The `system.*` protocol: every message type the server itself answers.
 * To add one, write a `SystemMessageHandler` beside the others and list it
 * in the constructor below; the dispatcher charges it to the right bucket
 * and routes it here. A `system.*` type nobody answers gets `unknown_type`.
 *
 * @internal
 */
@Injectable()
export class SystemMessages {
  /** Keep-alive handlers by type (control bucket). */
  readonly keepAlive = new Map<string, SystemMessageHandler>();
  /** Answers the server awaits (`system.ack`, `system.reply`): settled before any rate limit. */
  readonly solicited: DeliveryAnswerHandler;
  /** Other handlers by type (message bucket). */
  private readonly others = new Map<string, SystemMessageHandler>();

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) settings: WebSocketToolSettings,
    @Inject(WEBSOCKET_TOOL_MODULE_OPTIONS) options: SubscriptionOptions & { authenticate?: WsAuthenticate; jwt?: WsJwtOptions },
    registry: ConnectionRegistry,
    private readonly replies: DispatchReplies,
    admission: MessageAdmission,
    topics: TopicHistoryStore,
    stats: WsStatsService,
    deliveries: PendingDeliveries,
    deltas: TopicDeltas,
    presence: PresenceService,
    continuity: StreamContinuity,
  ) {
    this.register(new PingHandler(replies));
    this.register(new SignOfLifeHandler());
    this.register(new SubscriptionHandler(settings, options, registry, replies, admission, topics, stats, deltas, presence, continuity));
    this.register(new DeltaResetHandler(deltas));
    this.solicited = new DeliveryAnswerHandler(deliveries);
    this.register(this.solicited);
    this.register(new RefreshHandler(resolveAuthenticate(options), replies));
  }

  private register(handler: SystemMessageHandler): void {
    for (const type of handler.types) (handler.keepAlive ? this.keepAlive : this.others).set(type, handler);
  }

  /** Handles an admitted `system.*` message that is not a keep-alive one. */
  handle(connection: ClientConnection, envelope: ParsedEnvelope, id: Correlation, now: number): void {
    const handler = this.others.get(envelope.type);
    if (handler) {
      handler.handle(connection, envelope, id, now);
      return;
    }
    const type = envelope.type;
    this.replies.error(connection, WsErrorCode.UnknownType, `No handler registered for message type: ${type}`, id, { original_type: type });
  }
}
