import { Logger } from '@nestjs/common';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeConnection, RecordingReplies, settingsOf } from '../../../../../test/utils/dispatch-fakes.js';
import type { WebSocketToolOptions } from '../../config/websocket-tool-options.interface.js';
import type { ClientConnection } from '../../connection/client-connection.js';
import { ConnectionRegistry } from '../../connection/connection-registry.js';
import { MessageAdmission } from '../../rate-limit/message-admission.js';
import { WsStatsService } from '../../stats/ws-stats.service.js';
import { PendingDeliveries } from '../delivery/pending-deliveries.js';
import { TopicDeltas } from '../delivery/topic-deltas.js';
import type { OutboundSender } from '../../outbound/outbound-sender.js';
import { WsHandlerRegistry, type HandlerEntry } from '../discovery/ws-handler-registry.js';
import type { PresenceService } from '../../presence/presence.service.js';
import { TopicHistoryStore } from '../../history/topic-history-store.js';
import { StreamContinuity } from '../../history/stream-continuity.service.js';
import { InMemoryClusterHistory } from '../../cluster/history/in-memory-cluster-history.js';
import { SystemMessages } from '../system/system-messages.js';
import { HandlerInvoker } from './handler-invoker.js';
import { MessageDispatcher } from './message-dispatcher.js';

const handler = (type: string, invoke: HandlerEntry['invoke'], rateLimit?: HandlerEntry['rateLimit']): HandlerEntry => ({
  type,
  where: `Spec.${type}`,
  providerName: 'Spec',
  methodName: type,
  dto: null,
  rateLimit,
  admissionLimit: rateLimit,
  invoke,
});

describe('MessageDispatcher', () => {
  let invoker: HandlerInvoker | undefined;
  beforeEach(() => {
    vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    invoker?.onApplicationShutdown();
    vi.restoreAllMocks();
  });

  function setUp(options: WebSocketToolOptions = {}) {
    const settings = settingsOf({ handlerTimeout: 0, ...options });
    const stats = new WsStatsService();
    const handlers = new WsHandlerRegistry();
    const replies = new RecordingReplies();
    const registry = new ConnectionRegistry(settings, stats);
    const admission = new MessageAdmission(settings, stats);
    const system = new SystemMessages(
      settings,
      {},
      registry,
      replies,
      admission,
      new TopicHistoryStore(settings),
      stats,
      new PendingDeliveries(),
      new TopicDeltas(settings, {} as OutboundSender),
      // No topic has presence here.
      { requestEvents: () => undefined } as unknown as PresenceService,
      new StreamContinuity(registry, new TopicHistoryStore(settings), new InMemoryClusterHistory(), new WsStatsService()),
    );
    invoker = new HandlerInvoker(settings, handlers, registry, replies, admission);
    const dispatcher = new MessageDispatcher(settings, handlers, stats, admission, system, invoker, replies);
    handlers.handlers.set(
      'echo',
      handler('echo', (_ctx, m) => (m as { content: unknown }).content),
    );
    handlers.handlers.set(
      'fail',
      handler('fail', () => {
        throw new Error('boom');
      }),
    );
    const send = (c: ClientConnection, value: unknown) => dispatcher.handle(c, Buffer.from(JSON.stringify(value)), false);
    return { dispatcher, replies, stats, send, settings, handlers };
  }

  it('parses, routes and replies; every bad frame gets one system.error and the connection stays open', () => {
    const { dispatcher, replies, send, stats } = setUp();
    const c = fakeConnection('c', undefined);
    send(c, { type: 'echo', content: 'hi', meta: { id: 1 } });
    dispatcher.handle(c, Buffer.from('{"type":"echo"'), false);
    dispatcher.handle(c, Buffer.from('{}'), true);
    send(c, { type: 'nobody', meta: { id: 'q' } });
    send(c, { type: 'system.ping', meta: { id: 2 } });
    expect(replies.sent.map((m) => [m.type, m.meta])).toEqual([
      ['echo', { id: 1 }],
      ['system.error', { code: 'invalid_json' }],
      ['system.error', { code: 'unsupported_binary' }],
      ['system.error', { code: 'unknown_type', original_type: 'nobody', id: 'q' }],
      ['system.pong', { id: 2, ping_id: null, timestamp: expect.any(Number) }],
    ]);
    expect(c.messagesReceived).toBe(5);
    expect(stats.messagesReceived).toBe(5);
    expect(c.closing).toBe(false);
  });

  it('fills content and meta of the message a handler gets', () => {
    const { handlers, send } = setUp();
    let seen: unknown;
    handlers.handlers.set(
      'look',
      handler('look', (_ctx, m) => void (seen = m)),
    );
    send(fakeConnection(), { type: 'look' });
    expect(seen).toEqual({ type: 'look', content: null, meta: {} });
  });

  it('stops handling a connection that is closing, but counts what it sends', () => {
    const { replies, send } = setUp();
    const c = fakeConnection();
    c.closing = true;
    send(c, { type: 'echo', content: 1 });
    expect(replies.sent).toEqual([]);
    expect(c.messagesReceived).toBe(1);
    expect(c.bytesAfterClose).toBeGreaterThan(0);
  });

  describe('the violation streak (rateLimitDisconnectAfter 2, 5 per second, burst ×2)', () => {
    const options = { rateLimitMessagesPerWindow: 5, rateLimitMessageWindow: 1, rateLimitBurstMultiplier: 2, rateLimitDisconnectAfter: 2 };

    it('is not ended by an admitted message that fails: the next violation closes with 1008', async () => {
      const { replies, send } = setUp(options);
      const c = fakeConnection('c', settingsOf(options));
      for (let i = 0; i < 11; i++) send(c, { type: 'echo', content: i });
      expect(replies.ofType('system.rate_limited').map((m) => m.meta?.violations)).toEqual([1]);
      // Two tokens again (and a half).
      await new Promise((resolve) => setTimeout(resolve, 500));
      // Admitted, but not processed successfully: a failing handler, an unknown type.
      send(c, { type: 'fail' });
      send(c, { type: 'nobody' });
      expect(replies.ofType('system.error').map((m) => m.meta?.code)).toEqual(['handler_error', 'unknown_type']);
      expect(c.violations).toBe(1);
      send(c, { type: 'echo', content: 'flood' });
      expect(replies.closes).toEqual([{ clientId: 'c', code: 1008, reason: 'rate_limited' }]);
    });

    it('is ended by a message processed successfully: the next violation is the first again', async () => {
      const { replies, send } = setUp(options);
      const c = fakeConnection('c', settingsOf(options));
      for (let i = 0; i < 11; i++) send(c, { type: 'echo', content: i });
      await new Promise((resolve) => setTimeout(resolve, 250));
      // One token again (and a quarter).
      send(c, { type: 'echo', content: 'fine' });
      expect(c.violations).toBe(0);
      send(c, { type: 'echo', content: 'flood' });
      expect(replies.ofType('system.rate_limited').map((m) => m.meta?.violations)).toEqual([1, 1]);
      expect(replies.closes).toEqual([]);
    });
  });

  it('echoes the id of a refused message in system.rate_limited', () => {
    const { replies, send, handlers } = setUp();
    handlers.handlers.set(
      'strict',
      handler('strict', () => 'ok', { limit: 1, window: 10, burstMultiplier: 1 }),
    );
    const c = fakeConnection();
    send(c, { type: 'strict', meta: { id: 'a' } });
    send(c, { type: 'strict', meta: { id: 'b' } });
    const limited = replies.ofType('system.rate_limited');
    expect(limited).toEqual([
      {
        type: 'system.rate_limited',
        content: 'Rate limit exceeded',
        meta: { id: 'b', retry_after: expect.closeTo(10, 1), limit: 1, window: 10, remaining: 0, violations: 1 },
      },
    ]);
    expect(replies.wire.at(-1)).toMatch(
      /^\{"type":"system.rate_limited","content":"Rate limit exceeded","meta":\{"id":"b","retry_after":[\d.]+,"limit":1,"window":10,"remaining":0,"violations":1\}/,
    );
  });
});
