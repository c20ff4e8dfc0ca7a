import { Injectable, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Backplane } from '../cluster/backplane.interface.js';
import { CloseCode } from '../protocol/close-codes.js';
import type { StopListening } from './connection-listener.js';
import { ConnectionRegistry } from './connection-registry.js';

/**
 * In cluster mode, keeps the cluster's presence in step with this node's
 * registry: every client id it starts and stops holding is announced, and a
 * named id that connected again on another node closes its connection here
 * (`duplicate_client`). Nothing on a single node.
 *
 * @internal
 */
@Injectable()
export class PresenceLink implements OnModuleInit, OnModuleDestroy {
  private readonly cluster: Backplane | null;
  private stopListening: StopListening | null = null;

  constructor(
    private readonly registry: ConnectionRegistry,
    @Optional() backplane?: Backplane,
  ) {
    this.cluster = backplane?.clustered ? backplane : null;
  }

  onModuleInit(): void {
    const cluster = this.cluster;
    if (!cluster) return;
    this.stopListening = this.registry.listen({
      added: (c) => cluster.clientAdded(c.clientId, c.named, c.connectedAt),
      removed: (c) => cluster.clientRemoved(c.clientId),
    });
    cluster.onTakeover((clientId) => {
      const connection = this.registry.get(clientId);
      if (connection) this.registry.close(connection, CloseCode.DuplicateClient, 'duplicate_client');
    });
  }

  onModuleDestroy(): void {
    this.stopListening?.();
    this.stopListening = null;
  }
}
