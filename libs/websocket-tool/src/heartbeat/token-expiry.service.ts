import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import type { ClientConnection } from '../connection/client-connection.js';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import type { StopListening } from '../connection/connection-listener.js';
import { CloseCode } from '../protocol/close-codes.js';
import { SystemMessageType } from '../protocol/message-types.js';

const TOKEN_EXPIRY_INTERVAL_NAME = 'websocket-tool:token-expiry';

/**
 * Watches the connections authenticated with a token that expires (`exp`):
 * every heartbeat interval, one whose token expires within
 * `tokenExpiryNotice` is told `system.token_expiring` (once per token), and
 * one whose token has expired is closed with `4004 token_expired`, so at most
 * one interval after its `exp`. A `system.refresh` moves the expiry.
 * Connections without an expiry cost nothing.
 *
 * @internal
 */
@Injectable()
export class TokenExpiryService implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly watched = new Set<ClientConnection>();
  private stopListening: StopListening | null = null;
  private stopped = false;

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) private readonly settings: WebSocketToolSettings,
    private readonly scheduler: SchedulerRegistry,
    private readonly registry: ConnectionRegistry,
  ) {}

  onModuleInit(): void {
    this.stopListening = this.registry.listen({
      added: (connection) => {
        if (connection.tokenExpiresAt !== null) this.watched.add(connection);
      },
      disconnected: (connection) => {
        this.watched.delete(connection);
      },
    });
  }

  onApplicationBootstrap(): void {
    if (this.stopped || this.scheduler.doesExist('interval', TOKEN_EXPIRY_INTERVAL_NAME)) return;
    this.scheduler.addInterval(
      TOKEN_EXPIRY_INTERVAL_NAME,
      setInterval(() => this.check(), this.settings.heartbeatIntervalMs),
    );
  }

  check(now = Date.now()): void {
    const noticeMs = this.settings.tokenExpiryNoticeMs;
    for (const connection of this.watched) {
      const expiresAt = connection.tokenExpiresAt;
      if (expiresAt === null || connection.closing) {
        this.watched.delete(connection);
        continue;
      }
      if (now >= expiresAt) {
        this.watched.delete(connection);
        this.registry.close(connection, CloseCode.TokenExpired, 'token_expired');
      } else if (!connection.tokenNoticeSent && now >= expiresAt - noticeMs) {
        connection.tokenNoticeSent = true;
        this.registry.sendTo(connection, { type: SystemMessageType.TokenExpiring, content: { expires_at: expiresAt / 1000 } });
      }
    }
  }

  beforeApplicationShutdown(): void {
    this.stopped = true;
    this.stopListening?.();
    this.stopListening = null;
    if (this.scheduler.doesExist('interval', TOKEN_EXPIRY_INTERVAL_NAME)) this.scheduler.deleteInterval(TOKEN_EXPIRY_INTERVAL_NAME);
  }
}
