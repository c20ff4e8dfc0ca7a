import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { WS_RATE_LIMIT_METADATA } from './rate-limit.constants.js';
import { MessageAdmission } from './message-admission.js';
import { WsRateLimitExceededException } from './rate-limit-exceeded.exception.js';
import { RATE_LIMIT_SUBJECT, type RateLimitSubjectCarrier } from './rate-limit-subject.interface.js';
import type { WsRateLimitMetadata, WsRateLimitOptions } from './ws-rate-limit.decorator.js';

/**
 * A stricter or shared message limit for `@OnWsMessage` handlers, as a Nest
 * guard. Every message is already charged to its connection's limit before
 * any handler runs (no guard call for that); with
 * `@UseGuards(RateLimitGuard)` on a handler or its class, the handler's
 * `@WsRateLimit({ limit, window })` is checked on top, in a bucket per
 * connection and message type, or per connection and `name` when given, so
 * several handlers can share one. `@SkipWsRateLimit()` turns both off.
 *
 * A refusal counts in the connection's violation streak like any other: the
 * sender gets `system.rate_limited`, or a 1008 close past
 * `rateLimitDisconnectAfter` in a row; the handler is not called.
 * Outside the `ws` context of this library (HTTP, other gateways) the guard
 * lets everything through.
 *
 * @example
 * ```ts
 * @OnWsMessage('report.export')
 * @UseGuards(RateLimitGuard)
 * @WsRateLimit({ limit: 5, window: 60, name: 'exports' })
 * export(message: WsInboundMessage) { ... }
 * ```
 * @publicApi
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly admission: MessageAdmission,
  ) {}

  /** Charges the handler's guarded limit; throws `WsRateLimitExceededException` when it is used up. */
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'ws') return true;
    const ws = context.switchToWs();
    const client = ws.getClient<Partial<RateLimitSubjectCarrier> | null | undefined>();
    const subject = typeof client === 'object' && client !== null ? client[RATE_LIMIT_SUBJECT] : undefined;
    if (!subject) return true;
    const limit = this.limitFor(context);
    if (!limit) return true;
    const refused = this.admission.admitGuarded(subject, limit, ws.getData<{ type: string }>().type, Date.now());
    if (refused) throw new WsRateLimitExceededException(refused);
    return true;
  }

  /** The handler's `@WsRateLimit` (or its class's); null when it has none or is skipped. Override to choose limits otherwise. */
  protected limitFor(context: ExecutionContext): WsRateLimitOptions | null {
    const meta = this.reflector.getAllAndOverride<WsRateLimitMetadata | undefined>(WS_RATE_LIMIT_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    return meta || null;
  }
}

/** True for `RateLimitGuard` (or a subclass), as a class or an instance, in `@UseGuards()` metadata. */
export function isRateLimitGuard(guard: unknown): boolean {
  if (guard instanceof RateLimitGuard) return true;
  return typeof guard === 'function' && (guard === RateLimitGuard || guard.prototype instanceof RateLimitGuard);
}
