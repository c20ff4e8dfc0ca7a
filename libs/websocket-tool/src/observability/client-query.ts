import type { ClientConnection } from '../connection/client-connection.js';

/** Fields the client list can be sorted by. */
export const CLIENT_SORT_KEYS = [
  'client_id',
  'type',
  'ip',
  'connected_at',
  'messages_received',
  'messages_sent',
  'messages_failed',
  'health_score',
  'rate_limit_remaining',
  'rate_limit_violations',
  'last_pong',
  'queued',
  'topics',
  'node_id',
] as const;

/** @publicApi */
export type ClientSortKey = (typeof CLIENT_SORT_KEYS)[number];

/** A page request over the live connections. */
export interface ClientQuery {
  /** Case-insensitive text searched in the client id, IP and user agent. */
  q?: string;
  sort?: ClientSortKey;
  order?: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** Default and largest page size of the client list. */
export const DEFAULT_CLIENT_PAGE = 100;
export const MAX_CLIENT_PAGE = 1000;

type SortValue = string | number;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Filters, sorts and slices the live connections without building a row for
 * each: a search allocates nothing per connection, an unsorted page stops
 * collecting once it is full, and a sort keys each match by one number or
 * string. Rows are built afterwards for the page only.
 */
export function queryClients(
  connections: Iterable<ClientConnection>,
  query: ClientQuery,
  now: number,
  timeoutMs: number,
): { total: number; page: ClientConnection[] } {
  const needle = query.q ? new RegExp(escapeRegExp(query.q), 'i') : null;
  const matches = (c: ClientConnection) =>
    !needle || needle.test(c.clientId) || needle.test(c.ip) || needle.test(c.userAgent) || (c.userId !== null && needle.test(c.userId));
  const end = query.offset + query.limit;

  if (!query.sort) {
    const page: ClientConnection[] = [];
    let total = 0;
    for (const c of connections) {
      if (!matches(c)) continue;
      if (total >= query.offset && total < end) page.push(c);
      total++;
    }
    return { total, page };
  }

  const key = sortKey(query.sort, now, timeoutMs);
  const keyed: Array<{ c: ClientConnection; k: SortValue }> = [];
  for (const c of connections) if (matches(c)) keyed.push({ c, k: key(c) });
  const direction = query.order === 'desc' ? -1 : 1;
  keyed.sort((a, b) => {
    const byKey = a.k < b.k ? -1 : a.k > b.k ? 1 : 0;
    return (byKey || (a.c.clientId < b.c.clientId ? -1 : a.c.clientId > b.c.clientId ? 1 : 0)) * direction;
  });
  return { total: keyed.length, page: keyed.slice(query.offset, end).map((e) => e.c) };
}

function sortKey(sort: ClientSortKey, now: number, timeoutMs: number): (c: ClientConnection) => SortValue {
  switch (sort) {
    case 'client_id':
      return (c) => c.clientId;
    case 'type':
      return (c) => (c.named ? 'named' : 'anonymous');
    case 'ip':
      return (c) => c.ip;
    case 'connected_at':
      return (c) => c.connectedAt;
    case 'messages_received':
      return (c) => c.messagesReceived;
    case 'messages_sent':
      return (c) => c.messagesSent;
    case 'messages_failed':
      return (c) => c.messagesFailed;
    case 'health_score':
      return (c) => c.healthScore(now, timeoutMs);
    case 'rate_limit_remaining':
      return (c) => c.bucket.remaining(now);
    case 'rate_limit_violations':
      return (c) => c.violationsTotal;
    case 'last_pong':
      return (c) => c.lastPong ?? 0;
    case 'queued':
      return (c) => c.queued;
    case 'topics':
      return (c) => c.topics.size;
    case 'node_id':
      // Every connection here is on this node: the tie-break (client id) orders them, and the cluster merge orders the nodes.
      return () => '';
  }
}
