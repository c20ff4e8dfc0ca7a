import type { ClientQuery } from '../../observability/client-query.js';
import type { ClientRowDto, ClientsSummaryDto } from '../dto/clients.dto.js';
import type { StatsResponseDto } from '../dto/stats.dto.js';

/** A page of the client list; `missing` lists the nodes that did not answer (absent on a single node). @internal */
export interface ClusterClientPage {
  summary: ClientsSummaryDto;
  total: number;
  clients: ClientRowDto[];
  missing?: string[];
}

/** Topics with subscribers and how many (over every node that answered in cluster mode). @internal */
export interface ClusterTopicCounts {
  /** Topic name → subscribers, topics sorted by name. */
  topics: Array<{ topic: string; subscribers: number }>;
  missing?: string[];
}

/**
 * What the admin API asks of "the server": on a single node this node
 * answers; in cluster mode every node answers for its own clients and the
 * node that got the HTTP request gathers the answers. Picked once at start,
 * so the controllers never ask which mode they run in.
 *
 * @internal
 */
export abstract class ClusterAdminService {
  /** `GET /ws/stats`: counters and health (with one row per node in cluster mode). */
  abstract snapshot(): StatsResponseDto | Promise<StatsResponseDto>;
  /** A page of the connected clients. */
  abstract listClients(query: ClientQuery, now: number): ClusterClientPage | Promise<ClusterClientPage>;
  /** One client's row, wherever it is connected. */
  abstract client(clientId: string): ClientRowDto | undefined | Promise<ClientRowDto | undefined>;
  /** Closes a client wherever it is connected; false if no node has it. */
  abstract disconnect(clientId: string, reason: string): boolean | Promise<boolean>;
  /** Topics with at least one subscriber, with their subscriber counts. */
  abstract topics(): ClusterTopicCounts | Promise<ClusterTopicCounts>;
  /** Connected clients, or 1 when a node that did not answer may hold some (0 means nobody, for sure). */
  abstract activeConnections(): number | Promise<number>;
}
