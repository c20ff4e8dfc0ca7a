import { describe, expect, it } from 'vitest';
import type { ClientRowDto } from '../dto/clients.dto.js';
import type { WsStatsDto } from '../dto/stats.dto.js';
import { mergeClientPages, sumStats, sumSummaries } from './cluster-stats.js';

const stats = (over: Partial<WsStatsDto>): WsStatsDto =>
  ({
    total_connections: 0,
    total_disconnections: 0,
    messages_received: 0,
    messages_sent: 0,
    messages_failed: 0,
    queue_overflows: 0,
    heartbeat_timeouts: 0,
    total_active_connections: 0,
    active_named_connections: 0,
    active_anonymous_connections: 0,
    queue_size: 0,
    max_queue_size: 100,
    queue_bytes: 0,
    max_queue_bytes: 1000,
    queue_utilization: 0,
    received_per_sec: 0,
    sent_per_sec: 0,
    failed_per_sec: 0,
    is_shutdown: false,
    registered_handlers: 2,
    registered_hooks: { client_connected: 0, client_disconnected: 0, message_received: 0, message_failed: 0 },
    supervisor_restarts: 0,
    rate_limited_messages: 0,
    rate_limited_connections: 0,
    rate_limit_disconnects: 0,
    rejected_handshakes: 0,
    top_rate_limited_clients: [],
    top_rate_limited_ips: [],
    disconnections_by_reason: {},
    active_topics: 0,
    ...over,
  }) as WsStatsDto;

const row = (client_id: string, over: Partial<ClientRowDto> = {}): ClientRowDto =>
  ({ client_id, topics: [], last_pong: null, ...over }) as ClientRowDto;

const ids = (r: { clients: ClientRowDto[] }) => r.clients.map((c) => c.client_id);

describe('cluster totals', () => {
  it('sums counters and rates, recomputes utilization, merges tops and counts distinct topics', () => {
    const total = sumStats(
      [
        stats({
          messages_sent: 10,
          queue_size: 10,
          queue_bytes: 100,
          sent_per_sec: 1.5,
          top_rate_limited_ips: [{ ip: '1.1.1.1', count: 2 }],
          disconnections_by_reason: { client: 1 },
        }),
        stats({
          messages_sent: 5,
          queue_size: 30,
          queue_bytes: 600,
          sent_per_sec: 0.25,
          top_rate_limited_ips: [
            { ip: '1.1.1.1', count: 3 },
            { ip: '2.2.2.2', count: 4 },
          ],
          disconnections_by_reason: { client: 2, server: 1 },
        }),
      ],
      [
        ['a', 'b'],
        ['b', 'c'],
      ],
    );
    expect(total).toMatchObject({
      messages_sent: 15,
      queue_size: 40,
      max_queue_size: 200,
      queue_bytes: 700,
      max_queue_bytes: 2000,
      // The larger share: 700 of 2,000 bytes, against 40 of 200 messages.
      queue_utilization: 0.35,
      sent_per_sec: 1.75,
      registered_handlers: 2,
      top_rate_limited_ips: [
        { ip: '1.1.1.1', count: 5 },
        { ip: '2.2.2.2', count: 4 },
      ],
      disconnections_by_reason: { client: 3, server: 1 },
      active_topics: 3,
    });
    expect(
      sumSummaries([
        { total_clients: 2, named_clients: 1, anonymous_clients: 1, healthy_clients: 2, users: 1 },
        { total_clients: 3, named_clients: 3, anonymous_clients: 0, healthy_clients: 1, users: 2 },
      ]),
    ).toEqual({ total_clients: 5, named_clients: 4, anonymous_clients: 1, healthy_clients: 3, users: 3 });
  });

  it('merges the nodes pages: sorted like a single node, or node after node', () => {
    const summary = { total_clients: 0, named_clients: 0, anonymous_clients: 0, healthy_clients: 0, users: 0 };
    const pages = [
      { total: 2, clients: [row('b', { messages_sent: 5 }), row('d', { messages_sent: 1 })], summary },
      { total: 3, clients: [row('a', { messages_sent: 5 }), row('c', { messages_sent: 9 }), row('e', { messages_sent: 0 })], summary },
    ];
    expect(ids(mergeClientPages(pages, { limit: 10, offset: 0, sort: 'client_id' }))).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(ids(mergeClientPages(pages, { limit: 2, offset: 1, sort: 'messages_sent', order: 'desc' }))).toEqual(['b', 'a']);
    expect(mergeClientPages(pages, { limit: 3, offset: 1 })).toMatchObject({ total: 5 });
    expect(ids(mergeClientPages(pages, { limit: 3, offset: 1 }))).toEqual(['d', 'a', 'c']);
  });

  it('sorts by node, then by client id within a node, both ways', () => {
    const summary = { total_clients: 0, named_clients: 0, anonymous_clients: 0, healthy_clients: 0, users: 0 };
    // Each node sent its rows sorted by client id, as queryClients does for node_id.
    const pages = [
      { total: 2, clients: [row('a', { node_id: 'web-2' }), row('c', { node_id: 'web-2' })], summary },
      { total: 2, clients: [row('b', { node_id: 'web-1' }), row('d', { node_id: 'web-1' })], summary },
    ];
    expect(ids(mergeClientPages(pages, { limit: 10, offset: 0, sort: 'node_id' }))).toEqual(['b', 'd', 'a', 'c']);
    expect(ids(mergeClientPages(pages, { limit: 3, offset: 0, sort: 'node_id', order: 'desc' }))).toEqual(['c', 'a', 'd']);
  });
});

describe('topic counts', () => {
  it('sums subscribers per topic over the nodes, sorted by name, ignoring malformed rows', async () => {
    const { mergeTopicCounts, localTopicCounts } = await import('./cluster-stats.js');
    expect(
      mergeTopicCounts([
        [
          { topic: 'b', subscribers: 2 },
          { topic: 'a', subscribers: 1 },
        ],
        [{ topic: 'b', subscribers: 3 }, { topic: 7, subscribers: 1 }, null],
        'not a list',
      ]),
    ).toEqual([
      { topic: 'a', subscribers: 1 },
      { topic: 'b', subscribers: 5 },
    ]);
    const sets = new Map([
      ['z', new Set([1, 2])],
      ['m', new Set([1])],
    ]);
    const registry = { topics: () => [...sets.keys()], subscribers: (t: string) => sets.get(t) as never };
    expect(localTopicCounts(registry)).toEqual([
      { topic: 'm', subscribers: 1 },
      { topic: 'z', subscribers: 2 },
    ]);
  });
});
