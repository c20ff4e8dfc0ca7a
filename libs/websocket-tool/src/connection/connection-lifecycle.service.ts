import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { WebSocket } from 'ws';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import { MessageDispatcher } from '../messaging/message-dispatcher.js';
import { WsHandlerRegistry } from '../messaging/ws-handler-registry.js';
import { OutboundQueue } from '../outbound/outbound-queue.js';
import { CloseCode } from '../protocol/close-codes.js';
import { isoNow } from '../protocol/serialize-envelope.js';
import { welcomeMessageJson } from '../protocol/welcome-message.js';
import { TokenBucket } from '../rate-limit/token-bucket.js';
import { WEBSOCKET_TOOL_SETTINGS } from '../websocket-tool.constants.js';
import { ClientConnection, type HandshakeResult } from './client-connection.js';
import { ConnectionRegistry } from './connection-registry.js';
import { OutboundFrame } from './outbound-frame.js';

/**
 * Takes an accepted WebSocket through its life: registration, welcome,
 * frame and pong listeners, cleanup, and the graceful shutdown of all of them.
 *
 * @internal
 */
@Injectable()
export class ConnectionLifecycle implements BeforeApplicationShutdown {
  private readonly logger = new Logger('WebSocketTool');
  private readonly onSent: (connection: ClientConnection, err?: Error | null) => void;
  shuttingDown = false;

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) private readonly settings: WebSocketToolSettings,
    private readonly registry: ConnectionRegistry,
    private readonly dispatcher: MessageDispatcher,
    private readonly queue: OutboundQueue,
    private readonly handlers: WsHandlerRegistry,
  ) {
    this.onSent = (connection, err) => this.queue.recordSendResult(connection, err);
  }

  accept(socket: WebSocket, handshake: HandshakeResult): ClientConnection {
    const now = Date.now();
    const bucket = TokenBucket.forWindow(
      this.settings.rateLimitMessagesPerWindow,
      this.settings.rateLimitMessageWindow,
      this.settings.rateLimitBurstMultiplier,
      now,
    );
    const connection = new ClientConnection(socket, handshake, bucket, now, this.onSent);
    if (this.shuttingDown) {
      socket.close(CloseCode.Shutdown.code, CloseCode.Shutdown.reason);
      return connection;
    }
    this.registry.add(connection);
    socket.on('message', (data, isBinary) => this.dispatcher.handle(connection, data as Buffer, isBinary));
    socket.on('pong', () => {
      connection.lastPong = connection.lastSeen = Date.now();
    });
    socket.on('close', () => this.registry.remove(connection, 'client'));
    // ws reports protocol violations (too big, bad UTF-8, bad close code) here
    // and closes the socket itself; the 'close' listener does the cleanup.
    socket.on('error', () => undefined);

    // Written now rather than on the next consumer turn: the adapter has the
    // socket corked, so it joins the 101 response in a single write.
    this.queue.sendNow(connection, new OutboundFrame(welcomeMessageJson(connection.clientId, isoNow()), now));
    if (this.handlers.hasHooks('connect')) this.handlers.runHooks('connect', this.registry.toClient(connection));
    return connection;
  }

  /** Ends every connection at once (no close handshake): for what is left when the server closes. */
  terminateAll(): void {
    for (const connection of this.registry.values()) {
      this.registry.remove(connection, 'shutdown');
      connection.socket.terminate();
    }
  }

  /**
   * Graceful shutdown: refuse new upgrades, let queued messages go out
   * (up to `shutdownTimeout`), then close every client with 1001 and wait
   * briefly for their close frames so none sees a 1006.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    const left = await this.queue.drain(this.settings.shutdownTimeout * 1000);
    if (left > 0) this.logger.warn(`Shutdown deadline reached with ${left} queued messages undelivered.`);
    const closing: Promise<void>[] = [];
    for (const connection of this.registry.values()) {
      const socket = connection.socket;
      closing.push(
        new Promise<void>((resolve) => {
          if (socket.readyState === socket.CLOSED) return resolve();
          socket.once('close', () => resolve());
        }),
      );
      this.registry.close(connection, CloseCode.Shutdown, 'shutdown');
    }
    const grace = Math.min(2000, Math.max(200, this.settings.shutdownTimeout * 1000));
    await Promise.race([Promise.all(closing), new Promise((resolve) => setTimeout(resolve, grace).unref())]);
  }
}
