import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { ClientConnection } from '../connection/client-connection.js';
import { TokenBucket } from '../rate-limit/token-bucket.js';
import { queryClients } from './client-query.js';

const NOW = 1_800_000_000_000;
const socket = { readyState: 1 } as unknown as WebSocket;

function connections(n: number): ClientConnection[] {
  return Array.from({ length: n }, (_, i) => {
    const c = new ClientConnection(
      socket,
      {
        clientId: `client-${String(i).padStart(5, '0')}`,
        named: i % 2 === 0,
        ip: `10.0.${i % 250}.${i % 7}`,
        userAgent: i % 10 === 0 ? 'Bot/1' : 'Browser',
      },
      TokenBucket.forWindow(60, 60_000, 2, NOW),
      NOW - i,
      () => undefined,
    );
    c.messagesReceived = (i * 7919) % 1000;
    return c;
  });
}

describe('queryClients', () => {
  const all = connections(50_000);

  it('pages in connection order without sorting, and counts every match', () => {
    const { total, page } = queryClients(all, { limit: 3, offset: 10 }, NOW, 60_000);
    expect(total).toBe(50_000);
    expect(page.map((c) => c.clientId)).toEqual(['client-00010', 'client-00011', 'client-00012']);
  });

  it('searches id, IP and user agent case-insensitively, literally', () => {
    expect(queryClients(all, { q: 'BOT/', limit: 5, offset: 0 }, NOW, 60_000).total).toBe(5000);
    expect(queryClients(all, { q: 'client-4999', limit: 100, offset: 0 }, NOW, 60_000).total).toBe(10);
    expect(queryClients(all, { q: '10.0.249.', limit: 1, offset: 0 }, NOW, 60_000).total).toBe(200);
    expect(queryClients(all, { q: '.*', limit: 1, offset: 0 }, NOW, 60_000).total).toBe(0);
  });

  it('sorts by a field with the id as tie-breaker, both ways', () => {
    const asc = queryClients(all, { sort: 'messages_received', order: 'asc', limit: 3, offset: 0 }, NOW, 60_000).page;
    expect(asc.map((c) => c.messagesReceived)).toEqual([0, 0, 0]);
    expect(asc.map((c) => c.clientId)).toEqual(asc.map((c) => c.clientId).toSorted());
    const desc = queryClients(all, { sort: 'messages_received', order: 'desc', limit: 1, offset: 0 }, NOW, 60_000).page;
    expect(desc[0].messagesReceived).toBe(999);
    const newest = queryClients(all, { sort: 'connected_at', order: 'desc', limit: 1, offset: 0 }, NOW, 60_000).page;
    expect(newest[0].clientId).toBe('client-00000');
  });

  it('sorts by node_id as by client id: every connection here is on this node', () => {
    const byNode = queryClients(all, { sort: 'node_id', order: 'desc', limit: 3, offset: 0 }, NOW, 60_000).page;
    expect(byNode.map((c) => c.clientId)).toEqual(['client-49999', 'client-49998', 'client-49997']);
  });

  it('answers a sorted, filtered page over 50,000 clients in well under a second', () => {
    const started = performance.now();
    for (let i = 0; i < 5; i++) {
      queryClients(all, { q: 'browser', sort: 'health_score', order: 'desc', limit: 100, offset: 200 }, NOW, 60_000);
      queryClients(all, { limit: 100, offset: 49_900 }, NOW, 60_000);
    }
    expect((performance.now() - started) / 5).toBeLessThan(500);
  });
});
