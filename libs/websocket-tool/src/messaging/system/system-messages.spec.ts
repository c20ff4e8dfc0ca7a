import { describe, expect, it } from 'vitest';
import { fakeConnection, RecordingReplies, settingsOf } from '../../../../../test/utils/dispatch-fakes.js';
import type { SubscriptionOptions } from './subscription-options.interface.js';
import type { ClientConnection } from '../../connection/client-connection.js';
import { ConnectionRegistry } from '../../connection/connection-registry.js';
import { MessageAdmission } from '../../rate-limit/message-admission.js';
import { WsStatsService } from '../../stats/ws-stats.service.js';
import { PendingDeliveries } from '../delivery/pending-deliveries.js';
import { TopicDeltas } from '../delivery/topic-deltas.js';
import type { OutboundSender } from '../../outbound/outbound-sender.js';
import type { ParsedEnvelope } from '../dispatch/envelope-parser.js';
import { SystemMessages } from './system-messages.js';
import type { PresenceService } from '../../presence/presence.service.js';
import { TopicHistoryStore } from '../../history/topic-history-store.js';
import { StreamContinuity } from '../../history/stream-continuity.service.js';
import { InMemoryClusterHistory } from '../../cluster/history/in-memory-cluster-history.js';

const settings = settingsOf({ maxTopicsPerClient: 2, maxTopicLength: 20 });
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function setUp(options: SubscriptionOptions = {}) {
  const replies = new RecordingReplies();
  const registry = new ConnectionRegistry(settings, new WsStatsService());
  const system = new SystemMessages(
    settings,
    options,
    registry,
    replies,
    new MessageAdmission(settings, new WsStatsService()),
    new TopicHistoryStore(settings),
    new WsStatsService(),
    new PendingDeliveries(),
    // No topic has deltas here: nothing is ever sent through it.
    new TopicDeltas(settings, {} as OutboundSender),
    // No topic has presence here.
    { requestEvents: () => undefined } as unknown as PresenceService,
    new StreamContinuity(registry, new TopicHistoryStore(settings), new InMemoryClusterHistory(), new WsStatsService()),
  );
  /** Routes a message the way the dispatcher does: keep-alive table first, then the others. */
  const send = (connection: ClientConnection, envelope: ParsedEnvelope, id?: string | number, now = 1_000) => {
    const keepAlive = system.keepAlive.get(envelope.type);
    if (keepAlive) keepAlive.handle(connection, envelope, id, now);
    else system.handle(connection, envelope, id, now);
  };
  return { replies, registry, system, send };
}

describe('SystemMessages', () => {
  it('lists system.ping, system.pong, pong and system.heartbeat as keep-alive messages, and nothing else', () => {
    const { system } = setUp();
    expect([...system.keepAlive.keys()].toSorted()).toEqual(['pong', 'system.heartbeat', 'system.ping', 'system.pong']);
  });

  it('answers system.ping with system.pong echoing id and ping_id, with the server time', () => {
    const { replies, send } = setUp();
    const c = fakeConnection();
    send(c, { type: 'system.ping', meta: { id: 1, ping_id: 'p1' } }, 1, 5_000);
    send(c, { type: 'system.ping' }, undefined, 6_000);
    expect(replies.sent).toEqual([
      { type: 'system.pong', content: 'pong', meta: { id: 1, ping_id: 'p1', timestamp: 5_000 } },
      { type: 'system.pong', content: 'pong', meta: { ping_id: null, timestamp: 6_000 } },
    ]);
  });

  it('refuses a ping_id it would not echo', () => {
    const { replies, send } = setUp();
    send(fakeConnection(), { type: 'system.ping', meta: { ping_id: 'x'.repeat(129) } }, 'r');
    expect(replies.sent).toEqual([
      {
        type: 'system.error',
        content: '"meta.ping_id" must be a number or a string of at most 128 characters.',
        meta: { code: 'invalid_message', original_type: 'system.ping', id: 'r' },
      },
    ]);
  });

  it('records pongs and heartbeats as signs of life, unanswered', () => {
    const { replies, send } = setUp();
    const c = fakeConnection();
    for (const [type, now] of [
      ['system.pong', 10],
      ['pong', 20],
      ['system.heartbeat', 30],
    ] as const) {
      send(c, { type }, undefined, now);
      expect(c.lastPong).toBe(now);
    }
    expect(replies.sent).toEqual([]);
  });

  it('subscribes and unsubscribes, with content { topic } or the topic as a string', () => {
    const { replies, registry, send } = setUp();
    const c = fakeConnection();
    send(c, { type: 'system.subscribe', content: { topic: 'news' } }, 1);
    send(c, { type: 'system.subscribe', content: 'sport' }, 2);
    expect(registry.subscribers('news')?.has(c)).toBe(true);
    send(c, { type: 'system.unsubscribe', content: 'news' }, 3);
    send(c, { type: 'system.unsubscribe', content: { topic: 'news' } });
    expect(replies.sent).toEqual([
      { type: 'system.subscribed', content: { topic: 'news' }, meta: { id: 1 } },
      { type: 'system.subscribed', content: { topic: 'sport' }, meta: { id: 2 } },
      { type: 'system.unsubscribed', content: { topic: 'news', was_subscribed: true }, meta: { id: 3 } },
      { type: 'system.unsubscribed', content: { topic: 'news', was_subscribed: false }, meta: {} },
    ]);
  });

  it('refuses invalid topics and topics past maxTopicsPerClient', () => {
    const { replies, send } = setUp();
    const c = fakeConnection();
    send(c, { type: 'system.subscribe', content: { topic: 'has space' } }, 1);
    send(c, { type: 'system.unsubscribe', content: {} }, 2);
    for (const topic of ['a', 'b', 'c']) send(c, { type: 'system.subscribe', content: topic }, topic);
    const errors = replies.ofType('system.error').map((m) => m.meta);
    expect(errors).toEqual([
      { code: 'invalid_topic', original_type: 'system.subscribe', id: 1 },
      { code: 'invalid_topic', original_type: 'system.unsubscribe', id: 2 },
      { code: 'too_many_topics', original_type: 'system.subscribe', id: 'c' },
    ]);
    expect(replies.ofType('system.error')[0].content).toBe('A topic is 1 to 20 characters of letters, digits and ._:@/-');
  });

  it('asks canSubscribe first: nothing is subscribed until it says yes; no is forbidden', async () => {
    const { replies, registry, send } = setUp({ canSubscribe: (client, topic) => topic.startsWith(`${client.clientId}.`) });
    const c = fakeConnection('alice');
    send(c, { type: 'system.subscribe', content: 'alice.log' }, 1);
    send(c, { type: 'system.subscribe', content: 'bob.log' }, 2);
    expect(registry.subscribers('alice.log')).toBeUndefined();
    await settle();
    expect(registry.subscribers('alice.log')?.has(c)).toBe(true);
    expect(replies.sent).toEqual([
      { type: 'system.subscribed', content: { topic: 'alice.log' }, meta: { id: 1 } },
      {
        type: 'system.error',
        content: 'You may not subscribe to this topic.',
        meta: { code: 'forbidden', original_type: 'system.subscribe', id: 2 },
      },
    ]);
  });

  it('answers unknown_type for a system.* type nobody handles', () => {
    const { replies, send } = setUp();
    send(fakeConnection(), { type: 'system.made_up' }, 9);
    expect(replies.sent).toEqual([
      {
        type: 'system.error',
        content: 'No handler registered for message type: system.made_up',
        meta: { code: 'unknown_type', original_type: 'system.made_up', id: 9 },
      },
    ]);
  });

  it('a subscription that went through ends the violation streak; a refused one and a ping do not', () => {
    const { send } = setUp();
    const c = fakeConnection();
    c.violations = 2;
    send(c, { type: 'system.ping' });
    send(c, { type: 'system.subscribe', content: 'bad topic!' });
    expect(c.violations).toBe(2);
    send(c, { type: 'system.subscribe', content: 'ok' });
    expect(c.violations).toBe(0);
  });
});

/** A token is `<user>:<exp seconds>`; anything else is refused, as a JWT check would. */
const authenticate = (request: { headers: { authorization?: string } }) => {
  const [user, exp] = (request.headers.authorization ?? '').replace(/^Bearer /, '').split(':');
  if (!user || !exp) throw new Error('invalid token');
  return { userId: user, exp: Number(exp) };
};
const aliceConnection = () => {
  const c = fakeConnection('a1');
  Object.defineProperty(c, 'userId', { value: 'alice' });
  c.tokenExpiresAt = 1_000_000;
  c.tokenNoticeSent = true;
  return c;
};

describe('SystemMessages: system.refresh', () => {
  it('accepts a new token of the same user: the expiry moves to its exp and the notice can come again', async () => {
    const { replies, send } = setUp({ authenticate } as never);
    const c = aliceConnection();
    send(c, { type: 'system.refresh', content: { token: 'alice:2000' } }, 7);
    await settle();
    expect(replies.sent).toEqual([{ type: 'system.refreshed', content: { expires_at: 2000 }, meta: { id: 7 } }]);
    expect(c.tokenExpiresAt).toBe(2_000_000);
    expect(c.tokenNoticeSent).toBe(false);
  });

  it("refuses another user's token, an invalid one, a missing one, and any without authentication; the old expiry stands", async () => {
    const { replies, send } = setUp({ authenticate } as never);
    const c = aliceConnection();
    send(c, { type: 'system.refresh', content: { token: 'mallory:2000' } }, 1);
    send(c, { type: 'system.refresh', content: { token: 'garbage' } }, 2);
    send(c, { type: 'system.refresh', content: {} }, 3);
    await settle();
    const none = setUp();
    none.send(c, { type: 'system.refresh', content: { token: 'alice:2000' } }, 4);
    await settle();
    expect([...replies.sent, ...none.replies.sent].map((m) => [m.meta?.id, m.meta?.code, m.content])).toEqual([
      [3, 'refresh_refused', '"content.token" must be the new token.'],
      [1, 'refresh_refused', 'The new token is for another user.'],
      [2, 'refresh_refused', 'The new token is not valid.'],
      [4, 'refresh_refused', 'This server does not authenticate connections: there is nothing to refresh.'],
    ]);
    expect(c.tokenExpiresAt).toBe(1_000_000);
  });
});
