import { UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/internal';
import { describe, expect, it } from 'vitest';
import { fakeConnection, settingsOf } from '../../../../test/utils/dispatch-fakes.js';
import { WsStatsService } from '../stats/ws-stats.service.js';
import { MessageAdmission } from './message-admission.js';
import { WsRateLimitExceededException } from './rate-limit-exceeded.exception.js';
import { RATE_LIMIT_SUBJECT } from './rate-limit-subject.interface.js';
import { isRateLimitGuard, RateLimitGuard } from './rate-limit.guard.js';
import { SkipWsRateLimit, WsRateLimit } from './ws-rate-limit.decorator.js';

const settings = settingsOf({ rateLimitDisconnectAfter: 3 });

class Handlers {
  @WsRateLimit({ limit: 2, window: 60, burstMultiplier: 1 })
  strict() {}

  @WsRateLimit({ limit: 2, window: 60, burstMultiplier: 1, name: 'exports' })
  csv() {}

  @WsRateLimit({ limit: 2, window: 60, burstMultiplier: 1, name: 'exports' })
  pdf() {}

  @SkipWsRateLimit()
  free() {}

  plain() {}
}

@WsRateLimit({ limit: 1, window: 60, burstMultiplier: 1 })
class ClassLimited {
  any() {}
}

function refusal(fn: () => unknown): WsRateLimitExceededException {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WsRateLimitExceededException);
    return err as WsRateLimitExceededException;
  }
  throw new Error('expected a refusal');
}

function setUp() {
  const admission = new MessageAdmission(settings, new WsStatsService());
  const guard = new RateLimitGuard(new Reflector(), admission);
  const connection = fakeConnection('guarded', settings);
  const client = { [RATE_LIMIT_SUBJECT]: connection };
  /** The ws context of one call of `method` for a message of `type`, as Nest builds it for the handler's guards. */
  const context = (classRef: new () => object, method: string, type = method, host: unknown = client) => {
    const ctx = new ExecutionContextHost([host, { type, content: null, meta: {} }], classRef as never, classRef.prototype[method]);
    ctx.setType('ws');
    return ctx;
  };
  return { guard, connection, context };
}

describe('RateLimitGuard', () => {
  it("applies a handler's stricter limit, per connection and message type; a refusal joins the connection's streak", () => {
    const { guard, connection, context } = setUp();
    expect(guard.canActivate(context(Handlers, 'strict'))).toBe(true);
    expect(guard.canActivate(context(Handlers, 'strict'))).toBe(true);
    const refused = refusal(() => guard.canActivate(context(Handlers, 'strict')));
    expect(refused.violation).toMatchObject({ disconnect: false, limit: 2, window: 60, violations: 1 });
    expect(connection.violations).toBe(1);
    // Another type under the same handler has a bucket of its own; the connection's own bucket was not touched.
    expect(guard.canActivate(context(Handlers, 'strict', 'strict.other'))).toBe(true);
    expect(connection.bucket.remaining(Date.now())).toBe(120);
  });

  it('shares a named limit between the handlers that use the name', () => {
    const { guard, context } = setUp();
    expect(guard.canActivate(context(Handlers, 'csv'))).toBe(true);
    expect(guard.canActivate(context(Handlers, 'pdf'))).toBe(true);
    expect(refusal(() => guard.canActivate(context(Handlers, 'csv'))).violation.limit).toBe(2);
    expect(refusal(() => guard.canActivate(context(Handlers, 'pdf'))).violation.violations).toBe(2);
  });

  it('shares a named limit between guard instances (one per module that uses it)', () => {
    const { guard, context } = setUp();
    const admission = (guard as unknown as { admission: MessageAdmission }).admission;
    const other = new RateLimitGuard(new Reflector(), admission);
    expect(guard.canActivate(context(Handlers, 'csv'))).toBe(true);
    expect(other.canActivate(context(Handlers, 'pdf'))).toBe(true);
    refusal(() => other.canActivate(context(Handlers, 'csv')));
  });

  it('closes after rateLimitDisconnectAfter refusals in a row', () => {
    const { guard, context } = setUp();
    guard.canActivate(context(ClassLimited, 'any'));
    refusal(() => guard.canActivate(context(ClassLimited, 'any')));
    refusal(() => guard.canActivate(context(ClassLimited, 'any')));
    expect(refusal(() => guard.canActivate(context(ClassLimited, 'any'))).violation.disconnect).toBe(true);
  });

  it('lets through skipped handlers, handlers without a limit, other contexts and other ws clients', () => {
    const { guard, context } = setUp();
    for (let i = 0; i < 50; i++) expect(guard.canActivate(context(Handlers, 'free'))).toBe(true);
    for (let i = 0; i < 50; i++) expect(guard.canActivate(context(Handlers, 'plain'))).toBe(true);
    const http = context(Handlers, 'strict');
    http.setType('http');
    for (let i = 0; i < 5; i++) expect(guard.canActivate(http)).toBe(true);
    for (let i = 0; i < 5; i++) expect(guard.canActivate(context(Handlers, 'strict', 'strict', { id: 'a socket.io client' }))).toBe(true);
  });

  it('is recognised in @UseGuards() as a class, an instance or a subclass', () => {
    class StricterGuard extends RateLimitGuard {}
    expect(isRateLimitGuard(RateLimitGuard)).toBe(true);
    expect(isRateLimitGuard(StricterGuard)).toBe(true);
    expect(isRateLimitGuard(new RateLimitGuard(new Reflector(), {} as MessageAdmission))).toBe(true);
    expect(isRateLimitGuard(Handlers)).toBe(false);
    expect(isRateLimitGuard(UseGuards)).toBe(false);
  });
});
