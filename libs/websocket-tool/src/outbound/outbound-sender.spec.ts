import { describe, expect, it } from 'vitest';
import { outbound } from '../../../../test/utils/outbound-fakes.js';
import { serializeEnvelope } from '../protocol/serialize-envelope.js';

const TIMESTAMP = '2026-12-03T12:00:00.000Z';

describe('OutboundSender', () => {
  it('sendTo serializes the message with the protocol serializer and queues it for the connection', () => {
    const { sender, queue, connect } = outbound();
    const c = connect('one');
    const message = { type: 'greeting', content: { text: 'hi' }, meta: { id: 7 } };
    expect(sender.sendTo(c, message, TIMESTAMP)).toBe('queued');
    expect(c.queued).toBe(1);
    queue.flush(c);
    expect(c.fake.texts()).toEqual([serializeEnvelope(message, TIMESTAMP)]);
    queue.stop();
  });

  it('a connection’s own send (WsClient.send) and the registry’s sendTo go through the same path', () => {
    const { registry, queue, connect } = outbound();
    const c = connect('handle');
    registry.add(c);
    expect(registry.toClient(c).send({ type: 'direct', content: 1 })).toBe('queued');
    expect(registry.sendTo(c, { type: 'direct', content: 2 })).toBe('queued');
    queue.flush(c);
    expect(c.fake.texts().map((t) => JSON.parse(t))).toMatchObject([
      { type: 'direct', content: 1, meta: {} },
      { type: 'direct', content: 2, meta: {} },
    ]);
    queue.stop();
  });

  it('sendTo throws what the serializer throws and queues nothing', () => {
    const { sender, queue, connect } = outbound();
    const c = connect('cyclic');
    const content: Record<string, unknown> = {};
    content.self = content;
    expect(() => sender.sendTo(c, { type: 'bad', content })).toThrow();
    expect(c.queued).toBe(0);
    expect(queue.size).toBe(0);
    queue.stop();
  });

  it('deliver queues one frame for every target but those in except, counting it once in the shared budget', () => {
    const { sender, queue, connect } = outbound();
    const targets = Array.from({ length: 20 }, (_, i) => connect(`c${i}`));
    const frame = sender.frame(serializeEnvelope({ type: 'news' }, TIMESTAMP));
    const count = { queued: 0, dropped: 0 };
    sender.deliver(targets, frame, new Set(['c3', 'c7']), count);
    expect(count).toEqual({ queued: 18, dropped: 0 });
    expect(queue.size).toBe(1);
    expect(targets[3].queued).toBe(0);
    for (const c of targets) queue.flush(c);
    expect(queue.size).toBe(0);
    expect(targets[0].fake.sent[0]).toEqual(frame.payload);
    queue.stop();
  });

  it('deliver adds to the caller’s count: dropped for a full client queue, neither for a closing connection', () => {
    const { sender, queue, registry, connect, slow } = outbound({ maxClientQueueSize: 1, sendHighWaterMarkBytes: 1024 });
    const full = connect('full');
    const leaving = connect('leaving');
    const reader = connect('reader');
    for (const c of [full, leaving, reader]) registry.add(c);
    full.fake.bufferedAmount = 10_000;
    sender.sendTo(full, { type: 'first' });
    registry.remove(leaving, 'client');
    const count = { queued: 5, dropped: 0 };
    sender.deliver([full, leaving, reader], sender.frame('{"type":"second"}'), null, count);
    expect(count).toEqual({ queued: 6, dropped: 1 });
    expect(slow).toEqual(['full']);
    queue.stop();
  });

  it('sendNow writes at once to a connection with nothing queued', () => {
    const { sender, queue, connect } = outbound();
    const c = connect('welcome');
    expect(sender.sendNow(c, sender.frame('{"type":"system.client_connected"}'))).toBe('queued');
    expect(c.fake.texts()).toEqual(['{"type":"system.client_connected"}']);
    expect(queue.size).toBe(0);
    queue.stop();
  });
});
