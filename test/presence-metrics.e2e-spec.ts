import type { IncomingMessage } from 'node:http';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { register } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from './fixtures/cluster.fixture.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { scrape } from './utils/prometheus-text.js';
import { WsTestClient } from './utils/ws-test-client.js';

const PREFIX = 'fp_websocket_tool_';

describe('metrics of users and presence', () => {
  let t: TestApp | undefined;
  const clients: WsTestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await t?.close();
    t = undefined;
    register.clear();
  });

  it('active users, presence memberships and topics with members on this node', async () => {
    t = await createTestApp(
      {
        authenticate: (request: IncomingMessage) => ({
          userId: new URL(request.url ?? '/', 'http://x').searchParams.get('user') ?? undefined,
        }),
        topics: [{ pattern: 'room:*', presence: true }],
      },
      { imports: [PrometheusModule.register()] },
    );
    let s = await scrape(t.http);
    expect(s.value(`${PREFIX}active_users`)).toBe(0);
    expect(s.value(`${PREFIX}presence_members`)).toBe(0);
    for (const user of ['ann', 'ann', 'ben']) {
      const c = await WsTestClient.connect(`${t.ws}/ws?user=${user}`);
      clients.push(c);
      await c.request({ type: 'system.subscribe', content: { topic: 'room:1' } });
    }
    await clients[2].request({ type: 'system.subscribe', content: { topic: 'room:2' } });
    await clients[2].request({ type: 'system.subscribe', content: { topic: 'plain' } });
    s = await scrape(t.http);
    expect(s.value(`${PREFIX}active_users`)).toBe(2);
    expect(s.value(`${PREFIX}presence_members`)).toBe(4);
    expect(s.value(`${PREFIX}presence_topics`)).toBe(2);
    clients[2].close();
    await clients[2].closed;
    const http = t.http;
    await waitFor(async () => (await scrape(http)).value(`${PREFIX}presence_members`) === 2, 'the leaves to be counted');
    s = await scrape(http);
    expect(s.value(`${PREFIX}active_users`)).toBe(1);
    expect(s.value(`${PREFIX}presence_topics`)).toBe(1);
  });
});
