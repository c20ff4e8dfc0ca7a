import { Inject, Injectable, Logger, Optional, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { isObservable, lastValueFrom } from 'rxjs';
import type { WebSocketToolSettings } from '../../config/resolved-settings.interface.js';
import type { ClientConnection } from '../../connection/client-connection.js';
import { ConnectionRegistry } from '../../connection/connection-registry.js';
import type { WsInboundMessage } from '../../protocol/envelope.interface.js';
import { WsErrorCode } from '../../protocol/error-codes.js';
import { MessageAdmission } from '../../rate-limit/message-admission.js';
import { WsRateLimitExceededException } from '../../rate-limit/rate-limit-exceeded.exception.js';
import { WEBSOCKET_TOOL_SETTINGS } from '../../config/config.constants.js';
import { handlerFailedMessage } from '../messaging.messages.js';
import { WsHandlerRegistry, type HandlerEntry } from '../discovery/ws-handler-registry.js';
import { validateThenInvoke } from './dto-validation.js';
import type { Correlation } from './envelope.js';
import { mapHandlerError } from './error-mapping.js';
import { HandlerSettledListener, NO_HANDLER_SETTLED_LISTENER } from './handler-settled.listener.js';
import { HandlerTimeouts, type InFlight } from './handler-timeouts.js';
import { MessageContext } from './message-context.js';
import { DispatchReplies } from './replies.js';

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  value !== null &&
  (typeof value === 'object' || typeof value === 'function') &&
  typeof (value as PromiseLike<unknown>).then === 'function';

/**
 * Calls one handler for one admitted message: `message_received` hooks, DTO
 * validation, the call (with Nest enhancers when the handler has some),
 * the `handlerTimeout` watch, then the reply or the mapped error. A
 * synchronous handler costs no promise and no timer.
 *
 * A call that succeeds ends the sender's rate-limit violation streak.
 *
 * @internal
 */
@Injectable()
export class HandlerInvoker implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('WebSocketTool');
  private readonly timeouts: HandlerTimeouts;
  private readonly listener: HandlerSettledListener;

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) private readonly settings: WebSocketToolSettings,
    private readonly handlers: WsHandlerRegistry,
    private readonly registry: ConnectionRegistry,
    private readonly replies: DispatchReplies,
    private readonly admission: MessageAdmission,
    @Optional() listener?: HandlerSettledListener,
  ) {
    this.listener = listener ?? NO_HANDLER_SETTLED_LISTENER;
    this.timeouts = new HandlerTimeouts(settings.handlerTimeoutMs, (watch) => this.timedOut(watch));
  }

  onModuleInit(): void {
    this.timeouts.start();
  }

  onApplicationShutdown(): void {
    this.timeouts.stop();
  }

  run(connection: ClientConnection, handler: HandlerEntry, message: WsInboundMessage, id: Correlation): void {
    const context = new MessageContext(this.replies, this.registry, connection, message, id);
    if (this.handlers.hasHooks('message_received')) this.handlers.runHooks('message_received', message, context);
    const listener = this.listener;
    const timed = listener.listening;
    const started = timed ? performance.now() : 0;
    let outcome: unknown;
    try {
      outcome = handler.dto ? validateThenInvoke(handler, context, message) : handler.invoke(context, message);
    } catch (err) {
      if (timed) listener.handlerSettled(message.type, performance.now() - started);
      this.failed(connection, handler, message, id, err);
      return;
    }
    if (isObservable(outcome)) outcome = lastValueFrom(outcome, { defaultValue: undefined });
    if (!isThenable(outcome)) {
      // A synchronous handler: no promise, no timer, no watch.
      if (timed) listener.handlerSettled(message.type, performance.now() - started);
      this.succeeded(connection, message, id, outcome);
      return;
    }
    const watch = this.timeouts.watch(connection, message.type, id, Date.now());
    outcome.then(
      (result) => {
        if (timed) listener.handlerSettled(message.type, performance.now() - started);
        if (watch && !this.timeouts.settle(watch)) return;
        this.succeeded(connection, message, id, isObservable(result) ? undefined : result);
      },
      (err: unknown) => {
        if (timed) listener.handlerSettled(message.type, performance.now() - started);
        if (watch && !this.timeouts.settle(watch)) return;
        this.failed(connection, handler, message, id, err);
      },
    );
  }

  /** Sends the result; a result that went out (or nothing to send) ends the violation streak. */
  private succeeded(connection: ClientConnection, message: WsInboundMessage, id: Correlation, result: unknown): void {
    if (this.replies.result(connection, message.type, id, result)) this.admission.succeeded(connection);
  }

  private failed(connection: ClientConnection, handler: HandlerEntry, message: WsInboundMessage, id: Correlation, err: unknown): void {
    if (err instanceof WsRateLimitExceededException) {
      // Refused by RateLimitGuard: answered like any rate-limit refusal, not a handler failure.
      this.replies.rateLimited(connection, err.violation, id);
      return;
    }
    const mapped = mapHandlerError(err);
    if (mapped) {
      const extra = mapped.errors ? { original_type: message.type, errors: mapped.errors } : { original_type: message.type };
      this.replies.error(connection, mapped.code, mapped.text, id, extra);
    } else {
      this.logger.error(handlerFailedMessage(message.type, handler.where), err instanceof Error ? err.stack : String(err));
      this.replies.error(connection, WsErrorCode.HandlerError, 'The handler failed.', id, { original_type: message.type });
    }
    if (this.handlers.hasHooks('message_failed')) {
      this.handlers.runHooks('message_failed', { clientId: connection.clientId, direction: 'inbound', type: message.type, error: err });
    }
  }

  private timedOut(watch: InFlight): void {
    this.logger.warn(
      `Handler for "${watch.type}" did not finish within ${this.settings.handlerTimeout}s; the sender got "handler_timeout".`,
    );
    this.replies.error(watch.connection, WsErrorCode.HandlerTimeout, 'The handler did not answer in time.', watch.id, {
      original_type: watch.type,
    });
  }
}
