import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ConnectionRegistry } from '../../connection/connection-registry.js';
import { CloseCode } from '../../protocol/close-codes.js';
import type { Unsubscribe } from '../cluster-listener.js';
import { ClusterPresence } from './cluster-presence.js';

/**
 * Keeps the cluster's presence in step with this node's registry: every id
 * the registry starts or stops holding is announced, and a named id that
 * connected again on another node closes its connection here
 * (`duplicate_client`). On a single node the presence is in memory and
 * every call is empty.
 *
 * @internal
 */
@Injectable()
export class PresenceAnnouncer implements OnModuleInit, OnModuleDestroy {
  private readonly subscriptions: Unsubscribe[] = [];

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly presence: ClusterPresence,
  ) {}

  onModuleInit(): void {
    this.subscriptions.push(
      this.registry.listen({
        added: (connection) => this.presence.clientAdded(connection.clientId, connection.named, connection.connectedAt),
        removed: (connection) => this.presence.clientRemoved(connection.clientId),
      }),
      this.presence.subscribe({
        takeOver: (clientId) => {
          const connection = this.registry.get(clientId);
          if (connection) this.registry.close(connection, CloseCode.DuplicateClient, 'duplicate_client');
        },
      }),
    );
  }

  onModuleDestroy(): void {
    for (const unsubscribe of this.subscriptions.splice(0)) unsubscribe();
  }
}
