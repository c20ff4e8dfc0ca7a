import { WebSocketToolClient, type WsMessage } from '@websocket-tool/client';
import { BroadcastService, ConnectionRegistry, type WebSocketToolModuleOptions } from '@websocket-tool/nestjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from './utils/create-test-app.js';

const TOPICS: WebSocketToolModuleOptions['topics'] = [
  { pattern: 'chat:*', history: { size: 100, ttlSeconds: 60 } },
  { pattern: 'small:*', history: { size: 5, ttlSeconds: 60 } },
];

/** What the application sees: the messages of the topic and the client's own recovery events, in arrival order. */
function record(client: WebSocketToolClient) {
  const seen: string[] = [];
  const numbers: number[] = [];
  client.on('msg', (m: WsMessage) => {
    numbers.push(m.content as number);
    seen.push(`msg ${String(m.content)} @${String(m.meta.offset)}`);
  });
  client.on('topic.recovered', (m) => void seen.push(`recovered ${m.content.topic} ${m.content.replayed}`));
  client.on('topic.gap', (m) => void seen.push(`gap ${m.content.topic} ${m.content.reason} missed=${String(m.content.missed)}`));
  return { seen, numbers };
}

/** Publishes the numbers `from`, `from + 1`, … to a topic, each as a `msg`. */
function publish(app: TestApp, from: number, count: number, topic = 'chat:room'): void {
  const broadcast = app.app.get(BroadcastService);
  for (let i = from; i < from + count; i++) expect(broadcast.publish(topic, { type: 'msg', content: i }).ok).toBe(true);
}

describe('client SDK recovery against a real server (one node)', () => {
  const clients: WebSocketToolClient[] = [];
  const apps: TestApp[] = [];
  const startApp = async (port = 0) => {
    const app = await createTestApp({ topics: TOPICS, rateLimitConnectionsPerWindow: 1000 }, {}, undefined, port);
    apps.push(app);
    return app;
  };
  const connect = (url: string) => {
    const client = new WebSocketToolClient(url, { backoff: { initialDelayMs: 50, maxDelayMs: 400 } });
    clients.push(client);
    return client;
  };
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });

  it('a dropped connection: the client resubscribes with its position and gets every missed message once, in order', async () => {
    const app = await startApp();
    const client = connect(`${app.ws}/ws/reader`);
    const { seen, numbers } = record(client);
    await client.subscribe('chat:room');
    publish(app, 1, 5);
    await vi.waitFor(() => expect(numbers).toHaveLength(5), { timeout: 5000, interval: 10 });
    expect(client.topicPosition('chat:room')).toMatchObject({ offset: 5 });

    // The network drops (no close frame); 20 messages are published while the client is away.
    app.app.get(ConnectionRegistry).get('reader')!.socket.terminate();
    publish(app, 6, 20);
    await vi.waitFor(() => expect(numbers).toHaveLength(25), { timeout: 10_000, interval: 10 });
    publish(app, 26, 1);
    await vi.waitFor(() => expect(numbers).toHaveLength(26), { timeout: 5000, interval: 10 });

    expect(numbers).toEqual(Array.from({ length: 26 }, (_, i) => i + 1));
    const recovered = seen.indexOf('recovered chat:room 20');
    expect(recovered, seen.join('\n')).toBeGreaterThan(-1);
    // The event comes before the replayed messages, which follow in publish order with their offsets.
    expect(seen.slice(recovered + 1, recovered + 3)).toEqual(['msg 6 @6', 'msg 7 @7']);
    expect(seen.filter((s) => s.startsWith('gap'))).toEqual([]);
    expect(client.topicPosition('chat:room')).toMatchObject({ offset: 26 });
  });

  it('a restarted server (history lost): the client is told of the gap and follows the new history', async () => {
    const first = await startApp();
    const port = first.port;
    const client = connect(`${first.ws}/ws/survivor`);
    const { seen, numbers } = record(client);
    await client.subscribe('chat:room');
    publish(first, 1, 3);
    await vi.waitFor(() => expect(numbers).toHaveLength(3), { timeout: 5000, interval: 10 });
    const before = client.topicPosition('chat:room');

    await first.close();
    const second = await startApp(port);
    await vi.waitFor(() => expect(seen).toContain('gap chat:room not_recovered missed=null'), { timeout: 15_000, interval: 20 });
    const after = client.topicPosition('chat:room');
    expect(after).toMatchObject({ offset: 0 });
    expect(after?.epoch).not.toBe(before?.epoch);

    publish(second, 100, 1);
    await vi.waitFor(() => expect(numbers).toEqual([1, 2, 3, 100]), { timeout: 5000, interval: 10 });
    expect(client.topicPosition('chat:room')).toEqual({ offset: 1, epoch: after?.epoch });
    expect(seen.filter((s) => s.startsWith('recovered'))).toEqual([]);
  });

  it('a gap longer than the history: the client is told how many messages it missed, and nothing is replayed', async () => {
    const app = await startApp();
    const client = connect(`${app.ws}/ws/late`);
    const { seen, numbers } = record(client);
    await client.subscribe('small:room');
    publish(app, 1, 2, 'small:room');
    await vi.waitFor(() => expect(numbers).toHaveLength(2), { timeout: 5000, interval: 10 });

    app.app.get(ConnectionRegistry).get('late')!.socket.terminate();
    publish(app, 3, 12, 'small:room');
    await vi.waitFor(() => expect(seen).toContain('gap small:room not_recovered missed=12'), { timeout: 10_000, interval: 20 });
    publish(app, 15, 1, 'small:room');
    await vi.waitFor(() => expect(numbers).toEqual([1, 2, 15]), { timeout: 5000, interval: 10 });
    expect(client.topicPosition('small:room')).toMatchObject({ offset: 15 });
  });
});
