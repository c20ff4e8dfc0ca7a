import { describe, expect, it } from 'vitest';
import type { WsStatsSnapshotService } from '../../observability/ws-stats-snapshot.service.js';
import type { ConnectionRegistry } from '../../connection/connection-registry.js';
import type { ClusterAdminService } from './cluster-admin.service.js';
import { LocalClusterAdmin } from './local-cluster-admin.js';

describe('LocalClusterAdmin', () => {
  it('answers from this node alone, synchronously, with no missing nodes', () => {
    const summary = { total_clients: 1, named_clients: 1, anonymous_clients: 0, healthy_clients: 1 };
    const row = { client_id: 'alice' };
    const snapshots = {
      snapshot: () => ({ stats: { total_active_connections: 1 } }),
      listClients: () => ({ total: 1, clients: [row] }),
      clientSummary: () => summary,
      client: (id: string) => (id === 'alice' ? row : undefined),
    } as unknown as WsStatsSnapshotService;
    const closed: string[] = [];
    const registry = {
      count: () => 1,
      disconnect: (id: string, reason: string) => (closed.push(`${id}:${reason}`), id === 'alice'),
    } as unknown as ConnectionRegistry;
    const admin: ClusterAdminService = new LocalClusterAdmin(snapshots, registry);
    expect(admin.snapshot()).toEqual({ stats: { total_active_connections: 1 } });
    expect(admin.listClients({ limit: 10, offset: 0 }, 0)).toEqual({ summary, total: 1, clients: [row] });
    expect(admin.client('alice')).toBe(row);
    expect(admin.client('bob')).toBeUndefined();
    expect(admin.disconnect('alice', 'bye')).toBe(true);
    expect(admin.disconnect('bob', 'bye')).toBe(false);
    expect(closed).toEqual(['alice:bye', 'bob:bye']);
    expect(admin.activeConnections()).toBe(1);
  });
});
