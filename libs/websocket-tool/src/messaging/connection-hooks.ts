import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { WsHandlerRegistry } from './discovery/ws-handler-registry.js';
import { SendFailedListener } from '../outbound/send-failed.listener.js';
import type { DisconnectReason } from '../protocol/close-codes.js';
import type { ClientConnection } from '../connection/client-connection.js';
import type { StopListening } from '../connection/connection-listener.js';
import { ConnectionRegistry } from '../connection/connection-registry.js';

/**
 * Runs the app's `disconnect` hooks when the registry lets a connection go,
 * and its `message_failed` hooks when a write to a client fails.
 *
 * @internal
 */
@Injectable()
export class ConnectionHooks implements SendFailedListener, OnModuleInit, OnModuleDestroy {
  private stopListening: StopListening | null = null;

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly handlers: WsHandlerRegistry,
  ) {}

  onModuleInit(): void {
    this.stopListening = this.registry.listen({ disconnected: (c, reason) => this.disconnected(c, reason) });
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
