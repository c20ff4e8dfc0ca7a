import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { RawData, WebSocket } from 'ws';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import { MessageDispatcher } from '../messaging/dispatch/message-dispatcher.js';
import { WsHandlerRegistry } from '../messaging/discovery/ws-handler-registry.js';
import { IdentityTopics } from '../messaging/identity-topics.js';
import { OutboundQueue } from '../outbound/outbound-queue.js';
import { OutboundSender } from '../outbound/outbound-sender.js';
import { CloseCode } from '../protocol/close-codes.js';
import { isoNow } from '../protocol/serialize-envelope.js';
import { welcomeMessageJson } from '../protocol/welcome-message.js';
import { TokenBucket } from '../rate-limit/token-bucket.js';
import { WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import { ClientConnection, type HandshakeResult } from '../connection/client-connection.js';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import { linkConnection, type ConnectionSocket } from '../connection/connection-socket.js';

const connectionOf = (socket: WebSocket): ClientConnection => (socket as ConnectionSocket).connection as ClientConnection;

function onPong(this: WebSocket): void {
  const connection = connectionOf(this);
  connection.lastPong = connection.lastSeen = Date.now();
}

const ignoreError = (): void => undefined;

/**
 * Takes an accepted WebSocket through its life: registration, welcome,
 * frame and pong listeners, cleanup, and the graceful shutdown of all of them.
 *
 * @internal
 */
@Injectable()
export class ConnectionLifecycle implements BeforeApplicationShutdown {
  private readonly logger = new Logger('WebSocketTool');
  private readonly onMessage: (this: WebSocket, data: RawData, isBinary: boolean) => void;
  private readonly onClose: (this: WebSocket) => void;
  shuttingDown = false;

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) private readonly settings: WebSocketToolSettings,
    private readonly registry: ConnectionRegistry,
    private readonly dispatcher: MessageDispatcher,
    private readonly queue: OutboundQueue,
    private readonly sender: OutboundSender,
    private readonly handlers: WsHandlerRegistry,
    private readonly identityTopics: IdentityTopics,
  ) {
    // One function of each kind for every socket: `this` is the socket.
    const frames = this.dispatcher;
    const connections = this.registry;
    this.onMessage = function (this: WebSocket, data: RawData, isBinary: boolean) {
      frames.handle(connectionOf(this), data as Buffer, isBinary);
    };
    this.onClose = function (this: WebSocket) {
      connections.remove(connectionOf(this), 'client');
    };
  }

  accept(socket: WebSocket, handshake: HandshakeResult): ClientConnection {
    const now = Date.now();
    const bucket = TokenBucket.forWindow(
      this.settings.rateLimitMessagesPerWindow,
      this.settings.rateLimitMessageWindowMs,
      this.settings.rateLimitBurstMultiplier,
      now,
    );
    const connection = new ClientConnection(socket, handshake, bucket, now, this.sender.attach);
    if (this.shuttingDown) {
      socket.close(CloseCode.Shutdown.code, CloseCode.Shutdown.reason);
      return connection;
    }
    this.registry.add(connection);
    // Before the welcome: a message published to these topics from now on reaches the client.
    const topics = this.identityTopics.subscribe(connection);
    const linked = linkConnection(socket, connection);
    linked.on('message', this.onMessage);
    linked.on('pong', onPong);
    linked.on('close', this.onClose);
    // ws reports protocol violations (too big, bad UTF-8, bad close code) here
    // and closes the socket itself; the 'close' listener does the cleanup.
    linked.on('error', ignoreError);

    // Written now rather than on the next consumer turn: the adapter has the
    // socket corked, so it joins the 101 response in a single write.
    this.sender.sendNow(connection, this.sender.frame(welcomeMessageJson(connection.clientId, isoNow(), topics), now));
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
    const left = await this.queue.drain(this.settings.shutdownTimeoutMs);
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
    const grace = Math.min(2000, Math.max(200, this.settings.shutdownTimeoutMs));
    await Promise.race([Promise.all(closing), new Promise((resolve) => setTimeout(resolve, grace).unref())]);
  }
}
