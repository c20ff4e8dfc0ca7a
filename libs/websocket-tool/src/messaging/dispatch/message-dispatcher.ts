import { Inject, Injectable } from '@nestjs/common';
import type { WebSocketToolSettings } from '../../config/resolved-settings.interface.js';
import type { ClientConnection } from '../../connection/client-connection.js';
import type { WsInboundMessage } from '../../protocol/envelope.interface.js';
import { WsErrorCode } from '../../protocol/error-codes.js';
import { MessageAdmission } from '../../rate-limit/message-admission.js';
import { WsStatsService } from '../../stats/ws-stats.service.js';
import { RESERVED_TYPE_PREFIX } from '../../protocol/protocol.constants.js';
import { WEBSOCKET_TOOL_SETTINGS } from '../../config/config.constants.js';
import { WsHandlerRegistry } from '../discovery/ws-handler-registry.js';
import { SystemMessages } from '../system/system-messages.js';
import { EnvelopeParser, ParseFailure } from './envelope-parser.js';
import { isPlainObject } from '../../protocol/json-guards.js';
import { FrameFairness, type FrameProcessor } from './frame-fairness.js';
import { HandlerInvoker } from './handler-invoker.js';
import type { InboundData } from './inbound-data.js';
import { DispatchReplies } from './replies.js';

/**
 * Turns inbound frames into handler calls. Each step is its own unit:
 *
 * 1. `FrameFairness`: a connection's turn on the event loop;
 * 2. `EnvelopeParser`: frame → envelope, or the `system.error` it gets;
 * 3. `MessageAdmission` (rate-limit/): the bucket the message is charged to;
 * 4. `SystemMessages` for `system.*` types, else the registered handler,
 *    called by `HandlerInvoker` (DTO, timeout, error mapping);
 * 5. `DispatchReplies`: whatever goes back to the sender.
 *
 * Every bad frame gets one documented `system.error` and the connection stays open.
 *
 * @internal
 */
@Injectable()
export class MessageDispatcher implements FrameProcessor {
  private readonly fairness: FrameFairness;
  private readonly parser: EnvelopeParser;

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) settings: WebSocketToolSettings,
    private readonly handlers: WsHandlerRegistry,
    private readonly stats: WsStatsService,
    private readonly admission: MessageAdmission,
    private readonly system: SystemMessages,
    private readonly invoker: HandlerInvoker,
    private readonly replies: DispatchReplies,
  ) {
    this.fairness = new FrameFairness(this);
    this.parser = new EnvelopeParser(settings.maxJsonDepth);
  }

  /** Entry point for every frame a client sends (see `FrameFairness` for the turns). */
  handle(connection: ClientConnection, data: InboundData, isBinary: boolean): void {
    this.fairness.handle(connection, data, isBinary);
  }

  /** Handles one frame, its turn come. */
  process(connection: ClientConnection, data: InboundData, isBinary: boolean): void {
    const now = Date.now();
    connection.lastSeen = now;
    connection.messagesReceived++;
    this.stats.messagesReceived++;
    this.stats.receivedWindow.add(now);
    if (connection.closing) {
      this.fairness.afterClose(connection, data);
      return;
    }
    const parsed = this.parser.parse(data, isBinary);
    const id = this.parser.id;
    if (parsed instanceof ParseFailure) {
      const refused = this.admission.admit(connection, undefined, '', now);
      if (refused) this.replies.rateLimited(connection, refused, id);
      else this.replies.error(connection, parsed.code, parsed.text, id);
      return;
    }
    const type = parsed.type;
    const keepAlive = this.system.keepAlive.get(type);
    if (keepAlive) {
      const refused = this.admission.admitControl(connection, now);
      if (refused) this.replies.rateLimited(connection, refused, id);
      else keepAlive.handle(connection, parsed, id, now);
      return;
    }
    if (type.startsWith(RESERVED_TYPE_PREFIX)) {
      if (this.system.solicited.settle(connection, parsed)) return;
      const refused = this.admission.admit(connection, undefined, type, now);
      if (refused) this.replies.rateLimited(connection, refused, id);
      else this.system.handle(connection, parsed, id, now);
      return;
    }
    const handler = this.handlers.handlers.get(type);
    const refused = this.admission.admit(connection, handler?.admissionLimit, type, now);
    if (refused) {
      this.replies.rateLimited(connection, refused, id);
      return;
    }
    if (!handler) {
      this.replies.error(connection, WsErrorCode.UnknownType, `No handler registered for message type: ${type}`, id, {
        original_type: type,
      });
      return;
    }
    const meta = parsed.meta;
    const message: WsInboundMessage = {
      type,
      content: parsed.content === undefined ? null : parsed.content,
      meta: isPlainObject(meta) ? meta : {},
    };
    this.invoker.run(connection, handler, message, id);
  }
}
