import type { Provider } from '@nestjs/common';
import { WsStatsSnapshotService } from '../../observability/ws-stats-snapshot.service.js';
import { ConnectionRegistry } from '../../connection/connection-registry.js';
import { Backplane } from '../../cluster/backplane.interface.js';
import { ClusterAdminService } from './cluster-admin.service.js';
import { LocalClusterAdmin } from './local-cluster-admin.js';
import { MultiNodeClusterAdmin } from './multi-node-cluster-admin.js';
import { ClusterRequests } from '../../cluster/requests/cluster-requests.js';

/**
 * What the admin API asks of the server, picked once: this node alone, or
 * every node through the cluster requests.
 *
 * @internal
 */
export const clusterAdminProvider: Provider = {
  provide: ClusterAdminService,
  useFactory: (
    backplane: Backplane,
    requests: ClusterRequests,
    snapshots: WsStatsSnapshotService,
    registry: ConnectionRegistry,
  ): ClusterAdminService =>
    backplane.clustered ? new MultiNodeClusterAdmin(backplane, requests, snapshots, registry) : new LocalClusterAdmin(snapshots, registry),
  inject: [Backplane, ClusterRequests, WsStatsSnapshotService, ConnectionRegistry],
};
