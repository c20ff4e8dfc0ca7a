import { Injectable } from '@nestjs/common';
import type { ClientConnection } from '../../connection/client-connection.js';
import { ConnectionRegistry } from '../../connection/connection-registry.js';
import type { EnqueueOutcome } from '../../outbound/enqueue-result.js';
import { OutboundSender } from '../../outbound/outbound-sender.js';
import { CloseCode } from '../../protocol/close-codes.js';
import type { WsOutboundMessage } from '../../protocol/envelope.interface.js';
import { WsErrorCode } from '../../protocol/error-codes.js';
import { SystemMessageType } from '../../protocol/message-types.js';
import { serializeEnvelope } from '../../protocol/serialize-envelope.js';
import type { RateLimitViolation } from '../../rate-limit/rate-limit-violation.js';
import { isEnvelope, type Correlation } from './envelope.js';

/**
 * Everything the dispatch sends back to the sender of a message: replies,
 * `system.error`, `system.rate_limited` (or the 1008 close). The one place
 * inbound handling reaches the outbound sender.
 *
 * @internal
 */
@Injectable()
export class DispatchReplies {
  constructor(
    private readonly sender: OutboundSender,
    private readonly registry: ConnectionRegistry,
  ) {}

  /** Queues a message for one connection; a message that cannot be serialized is reported, never thrown. */
  send(connection: ClientConnection, message: WsOutboundMessage): EnqueueOutcome {
    let json: string;
    try {
      json = serializeEnvelope(message);
    } catch {
      return this.error(connection, WsErrorCode.HandlerError, 'A reply could not be serialized.', undefined);
    }
    return this.sender.deliverTo(connection, this.sender.frame(json));
  }

  /** Queues a message already serialized (a topic's kept message, as first sent). */
  sendJson(connection: ClientConnection, json: string): EnqueueOutcome {
    return this.sender.deliverTo(connection, this.sender.frame(json));
  }

  /** Queues a `system.error` with `meta: { code, ...extra, id? }`. */
  error(connection: ClientConnection, code: string, content: string, id: Correlation, extra: Record<string, unknown> = {}): EnqueueOutcome {
    const meta: Record<string, unknown> = { code, ...extra };
    if (id !== undefined) meta.id = id;
    return this.sender.sendTo(connection, { type: SystemMessageType.Error, content, meta });
  }

  /**
   * Sends what a handler returned: a whole message (its `meta` gets the
   * request's id), or a content sent as a message of the request's `type`.
   * Nothing for `undefined` or a connection that is closing. Returns false
   * when the value could not be sent as JSON (the sender got a `handler_error`).
   */
  result(connection: ClientConnection, type: string, id: Correlation, result: unknown): boolean {
    if (result === undefined || connection.closing) return true;
    const reply: WsOutboundMessage = isEnvelope(result)
      ? { type: result.type, content: result.content, meta: id !== undefined ? { ...result.meta, id } : result.meta }
      : { type, content: result, meta: id !== undefined ? { id } : {} };
    let json: string;
    try {
      json = serializeEnvelope(reply);
    } catch {
      this.error(connection, WsErrorCode.HandlerError, 'The handler returned a value that cannot be sent as JSON.', id, {
        original_type: type,
      });
      return false;
    }
    this.sender.deliverTo(connection, this.sender.frame(json));
    return true;
  }

  /** Tells the sender `system.rate_limited`, or closes it with 1008 when the violation says so. */
  rateLimited(connection: ClientConnection, violation: RateLimitViolation, id: Correlation): void {
    if (violation.disconnect) {
      this.registry.close(connection, CloseCode.RateLimited, 'rate_limited');
      return;
    }
    this.send(connection, {
      type: SystemMessageType.RateLimited,
      content: 'Rate limit exceeded',
      meta: {
        ...(id !== undefined ? { id } : {}),
        retry_after: violation.retryAfter,
        limit: violation.limit,
        window: violation.window,
        remaining: 0,
        violations: violation.violations,
      },
    });
  }
}
