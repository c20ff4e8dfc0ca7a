import type { ClientQuery, ClientSortKey } from '../../observability/client-query.js';
import type { ClientRowDto, ClientsSummaryDto } from '../dto/clients.dto.js';
import type { WsStatsDto } from '../dto/stats.dto.js';
import type { ConnectionRegistry } from '../../connection/connection-registry.js';
import { isPlainObject } from '../../protocol/json-guards.js';

/** Topic names a node sends with its stats, at most (the distinct count is exact below it). */
export const MAX_TOPIC_NAMES = 10_000;

/** One node's page of the cluster client list. @internal */
export interface NodeClientPage {
  total: number;
  clients: ClientRowDto[];
  summary: ClientsSummaryDto;
  /** The node's users, so the cluster counts each once; absent past `USER_IDS_SHARED_MAX`. */
  user_ids?: string[];
}

/** Users a node lists for the cluster-wide count; past it the nodes' counts are added up (an upper bound). @internal */
export const USER_IDS_SHARED_MAX = 10_000;

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;

const SUMMED = [
  'total_connections',
  'total_disconnections',
  'messages_received',
  'messages_sent',
  'messages_failed',
  'queue_overflows',
  'heartbeat_timeouts',
  'total_active_connections',
  'active_named_connections',
  'active_anonymous_connections',
  'queue_size',
  'max_queue_size',
  'queue_bytes',
  'max_queue_bytes',
  'supervisor_restarts',
  'rate_limited_messages',
  'rate_limited_connections',
  'rate_limit_disconnects',
  'rejected_handshakes',
] as const satisfies readonly (keyof WsStatsDto)[];

const RATES = ['received_per_sec', 'sent_per_sec', 'failed_per_sec'] as const satisfies readonly (keyof WsStatsDto)[];

function mergeTop<K extends string>(
  lists: Array<Array<Record<K, string> & { count: number }>>,
  key: K,
): Array<Record<K, string> & { count: number }> {
  const counts = new Map<string, number>();
  for (const list of lists) for (const entry of list) counts.set(entry[key], (counts.get(entry[key]) ?? 0) + entry.count);
  return [...counts]
    .toSorted((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 10)
    .map(([name, count]) => ({ [key]: name, count }) as Record<K, string> & { count: number });
}

/**
 * Cluster totals: counters, gauges and rates are summed, queue utilization
 * is recomputed from the sums, top lists are merged, and `active_topics`
 * counts distinct topic names. Fields that describe the answering node
 * (`is_shutdown`, handlers and hooks) are taken from `rows[0]`.
 *
 * @internal
 */
export function sumStats(rows: readonly WsStatsDto[], topicNames: readonly (readonly string[])[]): WsStatsDto {
  const first = rows[0];
  const total = { ...first, disconnections_by_reason: { ...first.disconnections_by_reason } };
  for (const key of SUMMED) total[key] = rows.reduce((sum, r) => sum + r[key], 0);
  for (const key of RATES)
    total[key] = round(
      rows.reduce((sum, r) => sum + r[key], 0),
      3,
    );
  total.queue_utilization = round(Math.max(total.queue_size / total.max_queue_size, total.queue_bytes / total.max_queue_bytes), 4);
  const reasons: Record<string, number> = {};
  for (const r of rows) for (const [reason, n] of Object.entries(r.disconnections_by_reason)) reasons[reason] = (reasons[reason] ?? 0) + n;
  total.disconnections_by_reason = reasons;
  const overflow: Record<string, Record<string, number>> = {};
  for (const r of rows) {
    for (const [policy, byType] of Object.entries(r.overflow_by_policy ?? {})) {
      const sum = (overflow[policy] ??= {});
      for (const [type, n] of Object.entries(byType)) sum[type] = (sum[type] ?? 0) + n;
    }
  }
  total.overflow_by_policy = overflow;
  total.top_rate_limited_clients = mergeTop(
    rows.map((r) => r.top_rate_limited_clients),
    'client_id',
  );
  total.top_rate_limited_ips = mergeTop(
    rows.map((r) => r.top_rate_limited_ips),
    'ip',
  );
  const topics = new Set<string>();
  for (const names of topicNames) for (const name of names) topics.add(name);
  total.active_topics = Math.max(topics.size, ...rows.map((r) => r.active_topics));
  return total;
}

/**
 * Sums the client summaries of the nodes' pages. A user connected to several
 * nodes counts once when every node listed its users.
 *
 * @internal
 */
export function sumPages(pages: readonly NodeClientPage[]): ClientsSummaryDto {
  const total = sumSummaries(pages.map((p) => p.summary));
  if (pages.length > 0 && pages.every((p) => Array.isArray(p.user_ids))) {
    const users = new Set<string>();
    for (const page of pages) for (const id of page.user_ids as string[]) users.add(id);
    total.users = users.size;
  }
  return total;
}

/** Sums the client summaries of the nodes. @internal */
export function sumSummaries(summaries: readonly ClientsSummaryDto[]): ClientsSummaryDto {
  const total: ClientsSummaryDto = { total_clients: 0, named_clients: 0, anonymous_clients: 0, healthy_clients: 0, users: 0 };
  for (const s of summaries) {
    total.total_clients += s.total_clients;
    total.named_clients += s.named_clients;
    total.anonymous_clients += s.anonymous_clients;
    total.healthy_clients += s.healthy_clients;
    total.users += s.users ?? 0;
  }
  return total;
}

function rowKey(sort: ClientSortKey): (row: ClientRowDto) => string | number {
  switch (sort) {
    case 'last_pong':
      return (row) => row.last_pong ?? 0;
    case 'topics':
      return (row) => row.topics.length;
    case 'node_id':
      return (row) => row.node_id ?? '';
    default:
      return (row) => row[sort];
  }
}

/**
 * Merges the pages of the nodes into the requested page. Each node sent its
 * first `offset + limit` matching rows in the requested order; unsorted, the
 * nodes follow each other in the order given (this node first).
 *
 * @internal
 */
export function mergeClientPages(pages: readonly NodeClientPage[], query: ClientQuery): { total: number; clients: ClientRowDto[] } {
  const total = pages.reduce((sum, p) => sum + p.total, 0);
  const rows = pages.flatMap((p) => p.clients);
  if (query.sort) {
    const key = rowKey(query.sort);
    const direction = query.order === 'desc' ? -1 : 1;
    rows.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      const byKey = ka < kb ? -1 : ka > kb ? 1 : 0;
      return (byKey || (a.client_id < b.client_id ? -1 : a.client_id > b.client_id ? 1 : 0)) * direction;
    });
  }
  return { total, clients: rows.slice(query.offset, query.offset + query.limit) };
}

/** A topic and its subscribers on one node (or summed over nodes). @internal */
export interface TopicCount {
  topic: string;
  subscribers: number;
}

/** This node's topics with subscribers, at most `MAX_TOPIC_NAMES`, sorted by name. */
export function localTopicCounts(registry: Pick<ConnectionRegistry, 'topics' | 'subscribers'>): TopicCount[] {
  return registry
    .topics()
    .toSorted()
    .slice(0, MAX_TOPIC_NAMES)
    .map((topic) => ({ topic, subscribers: registry.subscribers(topic)?.size ?? 0 }));
}

/** The nodes' topic lists as one: subscribers summed per topic, sorted by name, at most `MAX_TOPIC_NAMES`. */
export function mergeTopicCounts(lists: readonly unknown[]): TopicCount[] {
  const sums = new Map<string, number>();
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const row of list as unknown[]) {
      if (!isPlainObject(row) || typeof row.topic !== 'string' || typeof row.subscribers !== 'number') continue;
      sums.set(row.topic, (sums.get(row.topic) ?? 0) + row.subscribers);
    }
  }
  return [...sums.keys()]
    .toSorted()
    .slice(0, MAX_TOPIC_NAMES)
    .map((topic) => ({ topic, subscribers: sums.get(topic) as number }));
}
