import { Injectable, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Backplane } from '../cluster/backplane.interface.js';
import { WsHandlerRegistry } from '../messaging/ws-handler-registry.js';
import { SendFailedListener } from '../outbound/send-failed.listener.js';
import { CloseCode, type DisconnectReason } from '../protocol/close-codes.js';
import type { ClientConnection } from './client-connection.js';
import type { StopListening } from './connection-listener.js';
import { ConnectionRegistry } from './connection-registry.js';

/**
 * Tells the layers above the registry about connections: the app's
 * `disconnect` and `message_failed` hooks, and, in cluster mode, the cluster
 * presence (joins, leaves, and the takeover of a named id that connected
 * again on another node).
 *
 * @internal
 */
@Injectable()
export class ConnectionHooks implements SendFailedListener, OnModuleInit, OnModuleDestroy {
  /** The backplane in cluster mode; null on a single node. */
  private readonly cluster: Backplane | null;
  private stopListening: StopListening | null = null;

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly handlers: WsHandlerRegistry,
    @Optional() backplane?: Backplane,
  ) {
    this.cluster = backplane?.clustered ? backplane : null;
  }

  onModuleInit(): void {
    const cluster = this.cluster;
    this.stopListening = this.registry.listen({
      added: cluster ? (c) => cluster.clientAdded(c.clientId, c.named, c.connectedAt) : undefined,
      released: cluster ? (c) => cluster.clientRemoved(c.clientId) : undefined,
      removed: (c, reason) => this.disconnected(c, reason),
    });
    // A named id that connected again on another node replaces the connection here.
    cluster?.onTakeover((clientId) => {
      const connection = this.registry.get(clientId);
      if (connection) this.registry.close(connection, CloseCode.DuplicateClient, 'duplicate_client');
    });
  }

  onModuleDestroy(): void {
    this.stopListening?.();
    this.stopListening = null;
  }

  sendFailed(connection: ClientConnection, err: Error): void {
    if (this.handlers.hasHooks('message_failed')) {
      this.handlers.runHooks('message_failed', { clientId: connection.clientId, direction: 'outbound', type: null, error: err });
    }
  }

  private disconnected(connection: ClientConnection, reason: DisconnectReason): void {
    if (this.handlers.hasHooks('disconnect')) this.handlers.runHooks('disconnect', this.registry.toClient(connection), reason);
  }
}
