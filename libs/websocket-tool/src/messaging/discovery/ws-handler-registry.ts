import { Injectable, Logger } from '@nestjs/common';
import { hookFailedMessage } from '../messaging.messages.js';
import type { WsRateLimitMetadata } from '../../rate-limit/ws-rate-limit.decorator.js';
import type { WsHookEvent } from './ws-hook-event.js';
import type { WsDtoClass, WsMessageDeclaration, WsReplyDeclaration } from './ws-message-declaration.interface.js';

/** What a handler declares about its messages, for the protocol document. */
export interface HandlerDocs {
  description?: string;
  example?: unknown;
  /** The declared reply, or one made from the method's declared return type when that is a class. */
  reply?: WsReplyDeclaration;
  emits: readonly WsMessageDeclaration[];
}

/** A message a provider declared with `@WsEmits`, or a handler with its `emits` option. */
export interface EmitEntry {
  /** `Class` or `Class.method`, for messages naming a conflict. */
  where: string;
  declaration: WsMessageDeclaration;
}

/** A discovered `@OnWsMessage` handler, ready to call. */
export interface HandlerEntry {
  type: string;
  /** `Class.method`, for logs and the admin API. */
  where: string;
  providerName: string;
  methodName: string;
  dto: WsDtoClass | null;
  /** What the handler declares for the protocol document; absent when nothing is. */
  docs?: HandlerDocs;
  /** The handler's `@WsRateLimit` / `@SkipWsRateLimit`, as declared: undefined = none, false = skipped. */
  rateLimit: WsRateLimitMetadata | undefined;
  /**
   * The limit the dispatcher charges before the call: undefined = the
   * connection's (module default), options = the handler's own bucket,
   * false = none. Under `RateLimitGuard` a declared limit is the guard's,
   * so this stays the connection's.
   */
  admissionLimit: WsRateLimitMetadata | undefined;
  /**
   * Calls the handler with `(client, message)`: straight to the method when it
   * has no enhancers (it may return a value, a promise or an Observable), else
   * through guards, interceptors, pipes and filters (always a promise).
   */
  invoke: (client: unknown, message: unknown) => unknown;
}

/** A discovered lifecycle hook. */
export interface HookEntry {
  event: WsHookEvent;
  where: string;
  call: (...args: unknown[]) => unknown;
}

/**
 * Every handler and hook found at boot. The dispatcher reads it on every
 * message, so lookups are a single `Map.get`.
 *
 * @internal
 */
@Injectable()
export class WsHandlerRegistry {
  private readonly logger = new Logger('WebSocketTool');
  readonly handlers = new Map<string, HandlerEntry>();
  /** Messages the app sends on its own, as declared beside the code that sends them. */
  readonly emits: EmitEntry[] = [];
  readonly hooks: Record<WsHookEvent, HookEntry[]> = {
    connect: [],
    disconnect: [],
    message_received: [],
    message_failed: [],
  };

  hasHooks(event: WsHookEvent): boolean {
    return this.hooks[event].length > 0;
  }

  /**
   * Runs every hook of an event in registration order. A hook that throws
   * or rejects is logged and never affects the connection or the others.
   */
  runHooks(event: WsHookEvent, ...args: unknown[]): void {
    for (const hook of this.hooks[event]) {
      try {
        const result = hook.call(...args);
        if (result && typeof (result as Promise<unknown>).then === 'function') {
          (result as Promise<unknown>).then(undefined, (err: unknown) => this.logHookError(hook, err));
        }
      } catch (err) {
        this.logHookError(hook, err);
      }
    }
  }

  private logHookError(hook: HookEntry, err: unknown): void {
    this.logger.error(hookFailedMessage(hook.event, hook.where), err instanceof Error ? err.stack : String(err));
  }
}
