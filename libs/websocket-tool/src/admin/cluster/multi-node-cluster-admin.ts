import type { OnModuleInit } from '@nestjs/common';
import { CLIENT_SORT_KEYS, MAX_CLIENT_PAGE, type ClientQuery, type ClientSortKey } from '../../observability/client-query.js';
import type { ClientRowDto } from '../dto/clients.dto.js';
import type { BackplaneStatusDto, ClusterNodeStatsDto, StatsResponseDto, WsStatsDto } from '../dto/stats.dto.js';
import type { WsStatsSnapshotService } from '../../observability/ws-stats-snapshot.service.js';
import type { ConnectionRegistry } from '../../connection/connection-registry.js';
import type { Backplane } from '../../cluster/backplane.interface.js';
import { ClusterAdminService, type ClusterClientPage, type ClusterTopicCounts } from './cluster-admin.service.js';
import type { ClusterReply, ClusterRequests } from '../../cluster/requests/cluster-requests.js';
import {
  MAX_TOPIC_NAMES,
  localTopicCounts,
  mergeClientPages,
  mergeTopicCounts,
  sumStats,
  sumPages,
  USER_IDS_SHARED_MAX,
  type NodeClientPage,
  type TopicCount,
} from './cluster-stats.js';
import { isPlainObject } from '../../protocol/json-guards.js';

/** What a node answers to `stats`. */
interface NodeStats extends ClusterNodeStatsDto {
  topic_names: string[];
}

/** Requests the nodes answer for the admin API. */
const Op = { Stats: 'stats', Clients: 'clients', Client: 'client', Disconnect: 'disconnect', Topics: 'topics' } as const;

/** Largest `offset + limit` a node serves for one client-list request. */
const MAX_CLIENT_WINDOW = 1_000_000;

/** A client query from another node, checked field by field (it came over Redis). */
function toQuery(args: unknown): ClientQuery {
  const a = isPlainObject(args) ? args : {};
  const limit =
    typeof a.limit === 'number' && Number.isInteger(a.limit) ? Math.min(Math.max(a.limit, 0), MAX_CLIENT_WINDOW) : MAX_CLIENT_PAGE;
  return {
    q: typeof a.q === 'string' ? a.q.slice(0, 200) : undefined,
    sort: typeof a.sort === 'string' && (CLIENT_SORT_KEYS as readonly string[]).includes(a.sort) ? (a.sort as ClientSortKey) : undefined,
    order: a.order === 'desc' ? 'desc' : 'asc',
    limit,
    offset: 0,
  };
}

const okValues = <T>(replies: readonly ClusterReply[]): Array<{ node: string; value: T }> =>
  replies.filter((r) => r.ok && r.value !== null && r.value !== undefined).map((r) => ({ node: r.node, value: r.value as T }));

/**
 * The admin API over the whole cluster: every node answers requests for
 * its own stats and clients, and the node that got the HTTP request gathers
 * the answers (waiting at most `requestTimeoutSeconds`; nodes that did not
 * answer are listed as missing). Used in cluster mode.
 *
 * @internal
 */
export class MultiNodeClusterAdmin extends ClusterAdminService implements OnModuleInit {
  constructor(
    private readonly backplane: Backplane,
    private readonly requests: ClusterRequests,
    private readonly snapshots: WsStatsSnapshotService,
    private readonly registry: ConnectionRegistry,
  ) {
    super();
  }

  onModuleInit(): void {
    this.requests.handle(Op.Stats, () => this.localStats());
    this.requests.handle(Op.Clients, (args) => this.localClients(toQuery(args)));
    this.requests.handle(Op.Client, (args) => (typeof args === 'string' ? (this.localRow(args) ?? null) : null));
    this.requests.handle(Op.Topics, () => localTopicCounts(this.registry));
    this.requests.handle(Op.Disconnect, (args) => {
      if (!isPlainObject(args) || typeof args.clientId !== 'string') return false;
      return this.registry.disconnect(args.clientId, typeof args.reason === 'string' ? args.reason : undefined);
    });
  }

  /** `GET /ws/stats` over the cluster: totals, this node's health, one row per node. */
  async snapshot(now = Date.now()): Promise<StatsResponseDto> {
    const local = this.snapshots.snapshot(now);
    const { replies, missing } = await this.requests.request(Op.Stats, null);
    const nodes = okValues<NodeStats>(replies).map((r) => r.value);
    const rows: WsStatsDto[] = nodes.length > 0 ? nodes.map((n) => n.stats) : [local.stats];
    return {
      stats: sumStats(
        rows,
        nodes.map((n) => n.topic_names),
      ),
      health: local.health,
      timestamp: local.timestamp,
      cluster: {
        node_id: this.backplane.nodeId,
        nodes: nodes.map(({ node_id, stats, health, backplane }) => ({ node_id, stats, health, backplane })),
        missing_nodes: missing,
      },
    };
  }

  /** A page of the clients of every node, each row with its `node_id`. */
  async listClients(query: ClientQuery): Promise<ClusterClientPage> {
    const args = { q: query.q, sort: query.sort, order: query.order, limit: query.offset + query.limit };
    const { replies, missing } = await this.requests.request(Op.Clients, args);
    const pages = okValues<NodeClientPage>(replies).map((r) => r.value);
    const { total, clients } = mergeClientPages(pages, query);
    return { summary: sumPages(pages), total, clients, missing };
  }

  /** One client's row, on whichever node it is connected. */
  async client(clientId: string): Promise<ClientRowDto | undefined> {
    const here = this.localRow(clientId);
    if (here) return here;
    const holder = this.backplane.locate(clientId);
    const { replies } = await this.requests.request(Op.Client, clientId, holder);
    return okValues<ClientRowDto>(replies)[0]?.value;
  }

  /** Closes a client on whichever node holds it; false if no node has it. */
  async disconnect(clientId: string, reason: string): Promise<boolean> {
    if (this.registry.disconnect(clientId, reason)) return true;
    const holder = this.backplane.locate(clientId);
    const { replies } = await this.requests.request(Op.Disconnect, { clientId, reason }, holder);
    return replies.some((r) => r.ok && r.value === true);
  }

  /** Topics with subscribers on any node, subscriber counts summed over the nodes that answered. */
  async topics(): Promise<ClusterTopicCounts> {
    const { replies, missing } = await this.requests.request(Op.Topics, null);
    return { topics: mergeTopicCounts(okValues<TopicCount[]>(replies).map((r) => r.value)), missing };
  }

  /** Clients here, else on every node (this node may have none). */
  async activeConnections(): Promise<number> {
    const here = this.registry.count();
    if (here > 0) return here;
    const { stats, cluster } = await this.snapshot();
    // A node that did not answer may hold clients: only a complete count of 0 means nobody.
    return cluster && cluster.missing_nodes.length > 0 ? 1 : stats.total_active_connections;
  }

  private localStats(): NodeStats {
    const now = Date.now();
    const { stats, health } = this.snapshots.snapshot(now);
    return {
      node_id: this.backplane.nodeId,
      stats,
      health,
      backplane: this.backplane.status() as BackplaneStatusDto,
      topic_names: this.registry.topics().slice(0, MAX_TOPIC_NAMES),
    };
  }

  private localClients(query: ClientQuery): NodeClientPage {
    const now = Date.now();
    const { total, clients } = this.snapshots.listClients(query, now);
    for (const row of clients) row.node_id = this.backplane.nodeId;
    const summary = this.snapshots.clientSummary(now);
    const users = summary.users <= USER_IDS_SHARED_MAX ? this.registry.users().map((u) => u.userId) : undefined;
    return { total, clients, summary, ...(users ? { user_ids: users } : {}) };
  }

  private localRow(clientId: string): ClientRowDto | undefined {
    const row = this.snapshots.client(clientId);
    if (row) row.node_id = this.backplane.nodeId;
    return row;
  }
}
