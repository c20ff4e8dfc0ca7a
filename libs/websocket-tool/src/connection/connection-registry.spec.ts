import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeConnection, outbound } from '../../../../test/utils/outbound-fakes.js';
import { resolveSettings } from '../config/resolve-settings.js';
import { CloseCode } from '../protocol/close-codes.js';
import { WsStatsService } from '../stats/ws-stats.service.js';
import { CLOSE_HANDSHAKE_TIMEOUT_MS, ConnectionRegistry } from './connection-registry.js';

function registry(options = {}) {
  const stats = new WsStatsService();
  return { registry: new ConnectionRegistry(resolveSettings(options, {}), stats), stats };
}

describe('ConnectionRegistry', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('indexes connections by client id and counts named and anonymous ones', () => {
    const { registry: r, stats } = registry();
    const named = fakeConnection('alice');
    const anonymous = fakeConnection('anon-1', undefined, { named: false });
    r.add(named);
    r.add(anonymous);
    expect(r.get('alice')).toBe(named);
    expect(r.has('anon-1')).toBe(true);
    expect(r.has('bob')).toBe(false);
    expect([r.count(), r.countNamed(), r.countAnonymous()]).toEqual([2, 1, 1]);
    expect(stats.totalConnections).toBe(2);
    expect(r.info('alice')).toMatchObject({ clientId: 'alice', named: true, queued: 0, queuedBytes: 0, topics: [] });
    expect(r.list().map((i) => i.clientId)).toEqual(['alice', 'anon-1']);
  });

  it('a named id connecting again replaces the old connection, which is closed as duplicate_client', () => {
    const { registry: r, stats } = registry();
    const first = fakeConnection('alice');
    const second = fakeConnection('alice');
    r.add(first);
    r.add(second);
    expect(first.fake.closedWith).toEqual({ code: 4500, reason: 'duplicate_client' });
    expect(first.disconnectReason).toBe('duplicate_client');
    expect(r.get('alice')).toBe(second);
    // The old socket's late close event does not remove the connection that replaced it.
    r.remove(first, 'client');
    expect(r.get('alice')).toBe(second);
    expect(r.countNamed()).toBe(1);
    expect(stats.disconnectionsByReason.duplicate_client).toBe(1);
  });

  it('removes a connection once: counted, dropped from its topics, listeners told', () => {
    const { registry: r, stats } = registry();
    const events: string[] = [];
    r.listen({
      added: (c) => events.push(`added ${c.clientId}`),
      removed: (c) => events.push(`removed ${c.clientId}`),
      disconnected: (c, reason) => events.push(`disconnected ${c.clientId} ${reason}`),
    });
    const c = fakeConnection('carol');
    r.add(c);
    r.subscribeConnection(c, 'room');
    r.remove(c, 'client');
    r.remove(c, 'server');
    expect(events).toEqual(['added carol', 'removed carol', 'disconnected carol client']);
    expect(c.closing).toBe(true);
    expect(r.subscribers('room')).toBeUndefined();
    expect(r.topics()).toEqual([]);
    expect(c.topics.size).toBe(0);
    expect(stats.disconnectionsByReason.client).toBe(1);
    expect(stats.disconnectionsByReason.server).toBe(0);
  });

  it('a listener stops hearing once it stops listening', () => {
    const { registry: r } = registry();
    const added: string[] = [];
    const stop = r.listen({ added: (c) => added.push(c.clientId) });
    r.add(fakeConnection('a'));
    stop();
    r.add(fakeConnection('b'));
    expect(added).toEqual(['a']);
  });

  it('subscribes and unsubscribes topics, refusing invalid names, too many topics and unknown clients', () => {
    const { registry: r } = registry({ maxTopicsPerClient: 2 });
    const subscribed: string[] = [];
    r.listen({ subscribed: (c, topic) => subscribed.push(`${c.clientId}:${topic}`) });
    const c = fakeConnection('dave');
    r.add(c);
    expect(r.subscribe('dave', 'news')).toBe('subscribed');
    expect(r.subscribe('dave', 'news')).toBe('already_subscribed');
    expect(r.subscribe('dave', 'bad topic!')).toBe('invalid_topic');
    expect(r.subscribe('dave', 'sport')).toBe('subscribed');
    expect(r.subscribe('dave', 'weather')).toBe('too_many_topics');
    expect(r.subscribe('nobody', 'news')).toBe('unknown_client');
    expect(subscribed).toEqual(['dave:news', 'dave:sport']);
    expect([...(r.subscribers('news') ?? [])]).toEqual([c]);
    expect(r.topics().toSorted()).toEqual(['news', 'sport']);
    expect(r.unsubscribe('dave', 'news')).toBe(true);
    expect(r.unsubscribe('dave', 'news')).toBe(false);
    expect(r.unsubscribe('nobody', 'sport')).toBe(false);
    expect(r.subscribers('news')).toBeUndefined();
    expect(r.info('dave')?.topics).toEqual(['sport']);
  });

  it('disconnect closes a client by id with server_disconnect or the given reason', () => {
    const { registry: r } = registry();
    const c = fakeConnection('erin');
    r.add(c);
    expect(r.disconnect('nobody')).toBe(false);
    expect(r.disconnect('erin', 'maintenance')).toBe(true);
    expect(c.fake.closedWith).toEqual({ code: 4000, reason: 'maintenance' });
    expect(c.disconnectReason).toBe('server');
    expect(r.has('erin')).toBe(false);
    expect(r.disconnect('erin')).toBe(false);
  });

  it('destroys a socket that does not complete the close handshake in time; one that does is left alone', () => {
    vi.useFakeTimers();
    const { registry: r } = registry();
    const silent = fakeConnection('silent');
    const polite = fakeConnection('polite');
    r.add(silent);
    r.add(polite);
    r.disconnect('silent');
    r.disconnect('polite');
    polite.fake.peerClosed();
    vi.advanceTimersByTime(CLOSE_HANDSHAKE_TIMEOUT_MS - 1);
    expect(silent.fake.terminated).toBe(false);
    vi.advanceTimersByTime(1);
    expect(silent.fake.terminated).toBe(true);
    expect(polite.fake.terminated).toBe(false);
  });

  it('a socket whose close throws is destroyed at once', () => {
    const { registry: r } = registry();
    const c = fakeConnection('broken');
    c.fake.close = () => {
      throw new Error('not open');
    };
    r.add(c);
    r.disconnect('broken');
    expect(c.fake.terminated).toBe(true);
  });

  it('writes what is queued before the close frame, except for a slow consumer, whose queue is dropped', () => {
    const { registry: r, connect, queue } = outbound();
    const leaving = connect('leaving');
    const slow = connect('slow');
    r.add(leaving);
    r.add(slow);
    r.toClient(leaving).send({ type: 'last words' });
    r.toClient(slow).send({ type: 'never read' });
    r.disconnect('leaving');
    r.close(slow, CloseCode.SlowConsumer, 'slow_consumer');
    expect(leaving.fake.texts().map((t) => JSON.parse(t).type)).toEqual(['last words']);
    expect(slow.fake.sent).toEqual([]);
    expect(queue.size).toBe(0);
    queue.stop();
  });
});
