import type { ClientQuery } from '../../observability/client-query.js';
import type { ClientRowDto } from '../dto/clients.dto.js';
import type { StatsResponseDto } from '../dto/stats.dto.js';
import type { WsStatsSnapshotService } from '../../observability/ws-stats-snapshot.service.js';
import type { ConnectionRegistry } from '../../connection/connection-registry.js';
import { ClusterAdminService, type ClusterClientPage, type ClusterTopicCounts } from './cluster-admin.service.js';
import { localTopicCounts } from './cluster-stats.js';

/** A single node: the admin API reads this node's snapshots and registry, synchronously. @internal */
export class LocalClusterAdmin extends ClusterAdminService {
  constructor(
    private readonly snapshots: WsStatsSnapshotService,
    private readonly registry: ConnectionRegistry,
  ) {
    super();
  }

  snapshot(): StatsResponseDto {
    return this.snapshots.snapshot();
  }

  listClients(query: ClientQuery, now: number): ClusterClientPage {
    const { total, clients } = this.snapshots.listClients(query, now);
    return { summary: this.snapshots.clientSummary(now), total, clients };
  }

  client(clientId: string): ClientRowDto | undefined {
    return this.snapshots.client(clientId);
  }

  disconnect(clientId: string, reason: string): boolean {
    return this.registry.disconnect(clientId, reason);
  }

  topics(): ClusterTopicCounts {
    return { topics: localTopicCounts(this.registry) };
  }

  activeConnections(): number {
    return this.registry.count();
  }
}
