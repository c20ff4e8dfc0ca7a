import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import type { ClientClock } from './clock.interface.js';
import type { WsMessage, WsOutgoingMessage } from './message.interface.js';
import type { TopicGapEvent, TopicRecoveredEvent } from './topic-events.js';
import { WebSocketToolClient } from './websocket-tool-client.js';
import type { WebSocketLike } from './websocket-like.interface.js';

/** Timers that never fire on their own: these tests do not wait for any. */
const stillClock: ClientClock = { now: () => 0, setTimeout: () => 0, clearTimeout: () => undefined };

type Listener = (event: never) => void;
type Sent = WsOutgoingMessage & { meta: Record<string, unknown> };

/** A socket the test opens, feeds and closes by hand. */
class FakeSocket implements WebSocketLike {
  static instances: FakeSocket[] = [];
  readyState = 0;
  readonly sent: Sent[] = [];
  private readonly listeners = new Map<string, Listener[]>();

  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }
  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000, reason = ''): void {
    this.serverClose(code, reason);
  }
  open(): void {
    this.readyState = 1;
    this.fire('open', {});
  }
  receive(message: unknown): void {
    this.fire('message', { data: JSON.stringify(message) });
  }
  serverClose(code: number, reason = ''): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.fire('close', { code, reason });
  }
  /** The subscribes sent on this socket. */
  subscribes(): Sent[] {
    return this.sent.filter((m) => m.type === 'system.subscribe');
  }
  /** Answers the last subscribe sent with `content` (the server's `system.subscribed`). */
  answer(content: Record<string, unknown>): void {
    const request = this.subscribes().at(-1)!;
    this.receive({ type: 'system.subscribed', content, meta: { id: request.meta.id } });
  }
  private fire(type: string, event: unknown): void {
    for (const listener of this.listeners.get(type) ?? []) (listener as (e: unknown) => void)(event);
  }
}

/** The newest socket the client made. */
const latest = () => FakeSocket.instances[FakeSocket.instances.length - 1];

/** Lets the client's async connect and promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Drops the connection and opens the next one the client makes (`connect()` skips the backoff wait). */
async function reconnect(client: WebSocketToolClient): Promise<FakeSocket> {
  const before = latest();
  before.serverClose(1006);
  client.connect();
  for (let i = 0; i < 20 && latest() === before; i++) await settle();
  const next = latest();
  expect(next).not.toBe(before);
  next.open();
  return next;
}

const chat = (offset: number, epoch: string, text = `m${offset}`) => ({
  type: 'chat.message',
  content: text,
  meta: { topic: 'room:a', offset, epoch },
});

describe('WebSocketToolClient topic recovery (unit, fake socket)', () => {
  const clients: WebSocketToolClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    FakeSocket.instances = [];
  });

  /** A client with one open connection, subscribed to `room:a`, recording its topic events in order. */
  async function subscribed(answer: Record<string, unknown> = { topic: 'room:a', offset: 2, epoch: 'e1' }) {
    const client = new WebSocketToolClient('ws://server.test/ws', {
      WebSocket: FakeSocket,
      clock: stillClock,
      pingIntervalMs: 0,
      deadConnectionTimeoutMs: 0,
      logger: { warn: () => undefined, error: () => undefined },
    });
    clients.push(client);
    const seen: string[] = [];
    client.on(
      'topic.recovered',
      (m: WsMessage<TopicRecoveredEvent>) => void seen.push(`recovered:${m.content.topic}:${m.content.replayed}`),
    );
    client.on('topic.gap', (m) => void seen.push(`gap:${m.content.topic}:${m.content.reason}`));
    client.on('system.subscribed', () => void seen.push('subscribed'));
    client.on('chat.message', (m) => void seen.push(`chat:${String(m.content)}`));
    await settle();
    const first = latest();
    first.open();
    const done = client.subscribe('room:a');
    first.answer(answer);
    await done;
    return { client, seen, first };
  }

  it('sends a first subscribe without since and emits nothing for its answer', async () => {
    const { client, seen, first } = await subscribed();
    expect(first.subscribes()[0].content).toEqual({ topic: 'room:a' });
    expect(seen).toEqual(['subscribed']);
    expect(client.topicPosition('room:a')).toEqual({ offset: 2, epoch: 'e1' });
  });

  it('tracks the highest offset from messages on held topics, ignoring other topics and stale offsets', async () => {
    const { client, first } = await subscribed();
    first.receive(chat(3, 'e1'));
    first.receive(chat(5, 'e1'));
    first.receive(chat(4, 'e1'));
    first.receive({ type: 'chat.message', content: 'x', meta: { topic: 'room:b', offset: 50, epoch: 'e1' } });
    first.receive({ type: 'chat.message', content: 'y', meta: { offset: 60, epoch: 'e1' } });
    expect(client.topicPosition('room:a')).toEqual({ offset: 5, epoch: 'e1' });
    expect(client.topicPosition('room:b')).toBeNull();
  });

  it('lets a new epoch replace the position', async () => {
    const { client, first } = await subscribed();
    first.receive(chat(9, 'e1'));
    first.receive(chat(1, 'e2'));
    expect(client.topicPosition('room:a')).toEqual({ offset: 1, epoch: 'e2' });
  });

  it('resubscribes with since after a reconnect and emits topic.recovered after the answer, before the replay', async () => {
    const { client, seen, first } = await subscribed();
    first.receive(chat(3, 'e1'));
    seen.length = 0;
    const second = await reconnect(client);
    expect(second.subscribes().map((m) => m.content)).toEqual([{ topic: 'room:a', since: { offset: 3, epoch: 'e1' } }]);
    second.answer({ topic: 'room:a', offset: 5, epoch: 'e1', recovered: true, replayed: 2 });
    second.receive(chat(4, 'e1'));
    second.receive(chat(5, 'e1'));
    await settle();
    expect(seen).toEqual(['subscribed', 'recovered:room:a:2', 'chat:m4', 'chat:m5']);
    expect(client.topicPosition('room:a')).toEqual({ offset: 5, epoch: 'e1' });
    expect(client.stats().topics).toEqual(['room:a']);
  });

  it('emits topic.gap when a since is not recovered, and takes the server position (new epoch)', async () => {
    const { client, seen, first } = await subscribed();
    first.receive(chat(3, 'e1'));
    seen.length = 0;
    const second = await reconnect(client);
    second.answer({ topic: 'room:a', offset: 7, epoch: 'e9', recovered: false, replayed: 0 });
    await settle();
    expect(seen).toEqual(['subscribed', 'gap:room:a:not_recovered']);
    expect(client.topicPosition('room:a')).toEqual({ offset: 7, epoch: 'e9' });
    const third = await reconnect(client);
    expect(third.subscribes()[0].content).toEqual({ topic: 'room:a', since: { offset: 7, epoch: 'e9' } });
  });

  it('says how many messages a gap missed when the server still knows the history, and null when it was lost', async () => {
    const { client, first } = await subscribed();
    const gaps: Array<number | null> = [];
    client.on('topic.gap', (m) => void gaps.push(m.content.missed));
    first.receive(chat(3, 'e1'));
    let next = await reconnect(client);
    next.answer({ topic: 'room:a', offset: 50, epoch: 'e1', recovered: false, replayed: 0 });
    next = await reconnect(client);
    next.answer({ topic: 'room:a', offset: 2, epoch: 'e2', recovered: false, replayed: 0 });
    next = await reconnect(client);
    next.answer({ topic: 'room:a', offset: 1, epoch: 'e2', recovered: false, replayed: 0 });
    await settle();
    expect(gaps).toEqual([47, null, null]);
  });

  it('replaces a position the server calls in the future, and forgets it for a topic without history', async () => {
    const { client, seen, first } = await subscribed();
    first.receive(chat(30, 'e1'));
    let next = await reconnect(client);
    next.answer({ topic: 'room:a', offset: 10, epoch: 'e1', recovered: false, replayed: 0 });
    expect(client.topicPosition('room:a')).toEqual({ offset: 10, epoch: 'e1' });
    next = await reconnect(client);
    next.answer({ topic: 'room:a', recovered: false });
    expect(client.topicPosition('room:a')).toBeNull();
    next = await reconnect(client);
    expect(next.subscribes()[0].content).toEqual({ topic: 'room:a' });
    next.answer({ topic: 'room:a' });
    await settle();
    expect(seen.filter((s) => s.startsWith('gap') || s.startsWith('recovered'))).toEqual([
      'gap:room:a:not_recovered',
      'gap:room:a:not_recovered',
    ]);
  });

  it('sends no since and emits nothing for a topic without history', async () => {
    const { client, seen } = await subscribed({ topic: 'room:a' });
    expect(client.topicPosition('room:a')).toBeNull();
    const second = await reconnect(client);
    expect(second.subscribes()[0].content).toEqual({ topic: 'room:a' });
    second.answer({ topic: 'room:a' });
    await settle();
    expect(seen).toEqual(['subscribed', 'subscribed']);
  });

  it('forgets the position on unsubscribe: a later subscribe is a first one again', async () => {
    const { client, seen, first } = await subscribed();
    first.receive(chat(3, 'e1'));
    const left = client.unsubscribe('room:a');
    first.receive({
      type: 'system.unsubscribed',
      content: { topic: 'room:a', was_subscribed: true },
      meta: { id: first.sent.at(-1)!.meta.id },
    });
    expect(await left).toBe(true);
    expect(client.topicPosition('room:a')).toBeNull();
    first.receive(chat(4, 'e1'));
    expect(client.topicPosition('room:a')).toBeNull();
    const again = client.subscribe('room:a');
    expect(first.subscribes().at(-1)!.content).toEqual({ topic: 'room:a' });
    first.answer({ topic: 'room:a', offset: 4, epoch: 'e1' });
    await again;
    await settle();
    expect(seen.filter((s) => s.startsWith('gap') || s.startsWith('recovered'))).toEqual([]);
  });

  it('forgets the position of a topic the server refuses on resubscribe', async () => {
    const { client, first } = await subscribed();
    first.receive(chat(3, 'e1'));
    const second = await reconnect(client);
    const request = second.subscribes()[0];
    second.receive({ type: 'system.error', content: 'no', meta: { id: request.meta.id, code: 'forbidden' } });
    await settle();
    expect(client.topics).toEqual([]);
    expect(client.topicPosition('room:a')).toBeNull();
  });

  it('subscribes again with since when the server unsubscribes a topic for insufficient state, on the same connection', async () => {
    const { client, seen, first } = await subscribed();
    first.receive(chat(3, 'e1'));
    first.receive({
      type: 'system.unsubscribed',
      content: { topic: 'room:a', was_subscribed: true, reason: 'insufficient_state' },
      meta: {},
    });
    expect(latest()).toBe(first);
    expect(first.subscribes().at(-1)!.content).toEqual({ topic: 'room:a', since: { offset: 3, epoch: 'e1' } });
    first.answer({ topic: 'room:a', offset: 5, epoch: 'e1', recovered: true, replayed: 2 });
    first.receive(chat(4, 'e1'));
    first.receive(chat(5, 'e1'));
    await settle();
    expect(seen.slice(-4)).toEqual(['subscribed', 'recovered:room:a:2', 'chat:m4', 'chat:m5']);
    expect(client.topics).toEqual(['room:a']);
    expect(client.topicPosition('room:a')).toEqual({ offset: 5, epoch: 'e1' });
  });

  it('does not follow the answer of a subscribe the server overtook with its own unsubscribe', async () => {
    const { client, seen, first } = await subscribed();
    first.receive(chat(3, 'e1'));
    const notice = {
      type: 'system.unsubscribed',
      content: { topic: 'room:a', was_subscribed: true, reason: 'insufficient_state' },
      meta: {},
    };
    first.receive(notice);
    const overtaken = first.subscribes().at(-1)!;
    first.receive(notice);
    const current = first.subscribes().at(-1)!;
    expect(current.content).toEqual({ topic: 'room:a', since: { offset: 3, epoch: 'e1' } });
    first.receive({ type: 'system.subscribed', content: { topic: 'room:a', offset: 9, epoch: 'e1' }, meta: { id: overtaken.meta.id } });
    expect(client.topicPosition('room:a')).toEqual({ offset: 3, epoch: 'e1' });
    first.receive({
      type: 'system.subscribed',
      content: { topic: 'room:a', offset: 9, epoch: 'e1', recovered: true, replayed: 6 },
      meta: { id: current.meta.id },
    });
    await settle();
    expect(seen.filter((s) => s.startsWith('recovered') || s.startsWith('gap'))).toEqual(['recovered:room:a:6']);
    expect(client.topicPosition('room:a')).toEqual({ offset: 9, epoch: 'e1' });
  });

  it('ignores an answer to its own unsubscribe and notices about topics it does not hold', async () => {
    const { first } = await subscribed();
    const before = first.subscribes().length;
    first.receive({
      type: 'system.unsubscribed',
      content: { topic: 'room:a', was_subscribed: true, reason: 'insufficient_state' },
      meta: { id: 'x' },
    });
    first.receive({
      type: 'system.unsubscribed',
      content: { topic: 'room:z', was_subscribed: true, reason: 'insufficient_state' },
      meta: {},
    });
    first.receive({ type: 'system.unsubscribed', content: { topic: 'room:a', was_subscribed: true }, meta: {} });
    expect(first.subscribes()).toHaveLength(before);
  });

  it('turns system.topic_gap for a held topic into a topic.gap of unknown size', async () => {
    const { client, first } = await subscribed();
    const gaps: TopicGapEvent[] = [];
    client.on('topic.gap', (m) => void gaps.push(m.content));
    first.receive({ type: 'system.topic_gap', content: { topic: 'room:a', reason: 'link_lost' }, meta: {} });
    first.receive({ type: 'system.topic_gap', content: { topic: 'room:z', reason: 'link_lost' }, meta: {} });
    expect(gaps).toEqual([{ topic: 'room:a', reason: 'link_lost', missed: null }]);
    expect(client.topicPosition('room:a')).toEqual({ offset: 2, epoch: 'e1' });
  });

  it('types the event payloads, also for a client with its own message map', () => {
    const typed = new WebSocketToolClient<{ 'chat.message': { text: string } }>('ws://server.test/ws', {
      WebSocket: FakeSocket,
      autoConnect: false,
    });
    clients.push(typed as unknown as WebSocketToolClient);
    typed.on('topic.gap', (m) => void expectTypeOf(m.content).toEqualTypeOf<TopicGapEvent>());
    typed.once('topic.recovered', (m) => void expectTypeOf(m.content).toEqualTypeOf<TopicRecoveredEvent>());
    typed.on('chat.message', (m) => void expectTypeOf(m.content.text).toBeString());
    typed.off('topic.gap');
  });
});
