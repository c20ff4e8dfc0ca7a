import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { MessageMappingProperties } from '@nestjs/websockets';
import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import type { Observable } from 'rxjs';
import type { WebSocketServer } from 'ws';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import { WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import { selectSubprotocol } from '../security/extract-token.js';
import { ConnectionLifecycle } from './connection-lifecycle.service.js';
import { ConnectionSocket } from '../connection/connection-socket.js';
import { HandshakeService, type HandshakeDecision } from './handshake.service.js';
import { HttpConnectionGuard } from './http-connection-guard.js';
import { rejectUpgrade } from './reject-upgrade.js';
import { UpgradePacer } from './upgrade-pacer.js';

/** Gateway option that marks the WebSocketTool gateway for the adapter. */
export const WEBSOCKET_TOOL_GATEWAY_OPTION = 'websocketTool';

type RegisteredServer = WebSocketServer & { path?: string; [WEBSOCKET_TOOL_GATEWAY_OPTION]?: boolean };

const noop = () => undefined;

/**
 * Bytes per fragment (or per TCP read) that a legitimate client stays above on
 * average. `ws` allows 16,384 fragments and 262,144 buffered reads per message
 * whatever the payload limit, so a client trickling 1-byte fragments or 1-byte
 * TCP segments could make the server hold 2 to 4 MiB of small buffers. Scaled
 * to `maxPayloadBytes` (1,024 of each for the default 64 KiB), an attacker
 * costs about the payload limit itself; past the limit `ws` closes with 1008.
 */
const MIN_BYTES_PER_PART = 64;
const partLimit = (maxPayloadBytes: number, wsDefault: number): number =>
  Math.min(wsDefault, Math.max(1024, Math.ceil(maxPayloadBytes / MIN_BYTES_PER_PART)));

/**
 * The `@nestjs/platform-ws` adapter, extended for WebSocketTool:
 *
 * - routes `<path>` and `<path>/<clientId>` to the WebSocketTool gateway
 *   (the stock adapter matches upgrade paths exactly);
 * - runs the handshake checks (client id, capacity, per-IP rate, shutdown)
 *   before accepting, answering refusals with a plain HTTP status;
 * - applies `maxPayloadBytes` and `perMessageDeflate` from the settings, and
 *   caps fragments and buffered reads per message to match the payload limit;
 * - answers upgrades to unknown paths with 404 instead of dropping the socket;
 * - spreads a burst of upgrades over event-loop turns (`UpgradePacer`), so
 *   a thousand clients reconnecting at once do not stall the connected ones.
 *
 * Other gateways in the app keep working as with the stock adapter.
 *
 * @example
 * ```ts
 * const app = await NestFactory.create(AppModule);
 * app.useWebSocketAdapter(new WebSocketToolAdapter(app));
 * ```
 * @publicApi
 */
export class WebSocketToolAdapter extends WsAdapter {
  private readonly ownListeners = new Map<
    number,
    { server: http.Server; listener: (request: http.IncomingMessage, socket: Duplex, head: Buffer) => void }
  >();
  private handshake: HandshakeService | null = null;
  private lifecycle: ConnectionLifecycle | null = null;
  /** Slowloris guard and per-address cap on the HTTP servers the endpoint shares. */
  private connectionGuard: HttpConnectionGuard | null = null;
  /** Spreads bursts of upgrades over event-loop turns; one per HTTP server (port). */
  private readonly pacers: UpgradePacer[] = [];
  private disposed = false;

  constructor(private readonly appContext: INestApplicationContext) {
    super(appContext);
  }

  override create(port: number, options?: Record<string, unknown> & { namespace?: string; server?: unknown; path?: string }): unknown {
    if (options?.[WEBSOCKET_TOOL_GATEWAY_OPTION]) {
      const settings = this.appContext.get<WebSocketToolSettings>(WEBSOCKET_TOOL_SETTINGS, { strict: false });
      const { [WEBSOCKET_TOOL_GATEWAY_OPTION]: _marker, ...rest } = options;
      const server = super.create(port, {
        ...rest,
        path: settings.path,
        maxPayload: settings.maxPayloadBytes,
        maxFragments: partLimit(settings.maxPayloadBytes, 16 * 1024),
        maxBufferedChunks: partLimit(settings.maxPayloadBytes, 256 * 1024),
        perMessageDeflate: settings.perMessageDeflate,
        // A browser that offered ["bearer", <token>] needs "bearer" echoed back.
        handleProtocols: (offered: Set<string>) => selectSubprotocol(offered),
        // The connection registry tracks every client already; `close()` below
        // terminates stragglers from it, so ws need not keep a second set.
        clientTracking: false,
        WebSocket: ConnectionSocket,
      }) as RegisteredServer;
      server[WEBSOCKET_TOOL_GATEWAY_OPTION] = true;
      return server;
    }
    return super.create(port, options);
  }

  /**
   * Client-side errors (oversized frames, bad UTF-8, invalid close codes) are
   * answered by ws with the proper close code; logging each one would let any
   * client flood the log, so only server errors are logged.
   */
  override bindErrorHandler(server: WebSocketServer): WebSocketServer {
    server.on('connection', (ws) => ws.on('error', noop));
    server.on('error', (err) => this.logger.error(err));
    return server;
  }

  /** Frames of the WebSocketTool gateway go to its own dispatcher, not to rxjs handlers. */
  override bindMessageHandlers(
    client: unknown,
    handlers: MessageMappingProperties[],
    transform: (data: unknown) => Observable<unknown>,
  ): void {
    if (handlers.length === 0) return;
    super.bindMessageHandlers(client, handlers, transform);
  }

  protected override ensureHttpServerExists(port: number, httpServer: http.Server = http.createServer()): http.Server | undefined {
    if (this.httpServersRegistry.has(port)) return undefined;
    this.httpServersRegistry.set(port, httpServer);
    const pacer = new UpgradePacer((request, socket, head) => this.onPaced(port, request, socket, head));
    this.pacers.push(pacer);
    const listener = (request: http.IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(pacer, request, socket, head);
    httpServer.on('upgrade', listener);
    this.ownListeners.set(port, { server: httpServer, listener });
    this.guardConnections(httpServer);
    return httpServer;
  }

  private onUpgrade(pacer: UpgradePacer, request: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    // A reset during the handshake must never become an uncaught error.
    socket.on('error', noop);
    this.connectionGuard?.upgraded(socket);
    pacer.admit(request, socket, head);
  }

  /** An upgrade's turn has come (at once, or after a burst ahead of it). */
  private onPaced(port: number, request: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    if (socket.destroyed) return;
    if (this.disposed) rejectUpgrade(socket, 503, 'Server shutting down');
    else this.handleUpgrade(port, request, socket, head);
  }

  private handleUpgrade(port: number, request: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    try {
      const servers = (this.wsServersRegistry.get(port) ?? []) as RegisteredServer[];
      const url = request.url ?? '/';
      for (const server of servers) {
        if (server[WEBSOCKET_TOOL_GATEWAY_OPTION]) {
          const handshake: HandshakeService = this.handshake ?? this.appContext.get(HandshakeService, { strict: false });
          this.handshake = handshake;
          const target = handshake.target(url);
          if (!target.match) continue;
          const version = request.headers['sec-websocket-version'];
          if (version !== undefined && version !== '13' && version !== '8') {
            rejectUpgrade(socket, 426, 'Unsupported WebSocket version', { 'Sec-WebSocket-Version': '13' });
            return;
          }
          const decision = handshake.check(request, target);
          if (decision instanceof Promise) {
            const timer = setTimeout(() => rejectUpgrade(socket, 408, 'Handshake timed out'), this.handshakeTimeoutMs());
            decision.then(
              (d) => {
                clearTimeout(timer);
                this.complete(server, d, request, socket, head);
              },
              () => {
                clearTimeout(timer);
                rejectUpgrade(socket, 401, 'authentication failed');
              },
            );
          } else {
            this.complete(server, decision, request, socket, head);
          }
          return;
        }
        const pathname = new URL(url, 'ws://localhost').pathname;
        if (pathname === server.path) {
          server.handleUpgrade(request, socket, head, (ws) => server.emit('connection', ws, request));
          return;
        }
      }
      rejectUpgrade(socket, 404, 'Not Found');
    } catch {
      rejectUpgrade(socket, 400, 'Bad Request');
    }
  }

  private complete(
    server: RegisteredServer,
    decision: HandshakeDecision,
    request: http.IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ): void {
    if (!decision.accept) {
      rejectUpgrade(socket, decision.status, decision.reason, decision.headers);
      return;
    }
    if (socket.destroyed) return;
    const lifecycle: ConnectionLifecycle = this.lifecycle ?? this.appContext.get(ConnectionLifecycle, { strict: false });
    this.lifecycle = lifecycle;
    const result = decision.result;
    // The 101 response and the welcome message (written synchronously on
    // connection) leave in one write.
    const raw = socket as Duplex & { cork?: () => void; uncork?: () => void };
    raw.cork?.();
    try {
      // Accepted sockets go straight to the connection lifecycle: the gateway's
      // generic per-connection pipeline (rxjs subjects, disconnect bindings)
      // would only repeat what the lifecycle does, at a cost on every handshake.
      server.handleUpgrade(request, socket, head, (ws) => lifecycle.accept(ws, result));
    } finally {
      raw.uncork?.();
    }
  }

  private handshakeTimeoutMs(): number {
    return this.appContext.get<WebSocketToolSettings>(WEBSOCKET_TOOL_SETTINGS, { strict: false }).handshakeTimeoutMs;
  }

  /**
   * Slowloris protection: every request on a connection (the upgrade too) has
   * `handshakeTimeout` to arrive complete, else 408; and one peer address
   * holds at most `maxConnectionsPerIp` connections (off behind a proxy).
   */
  private guardConnections(server: http.Server): void {
    const settings = this.appContext.get<WebSocketToolSettings>(WEBSOCKET_TOOL_SETTINGS, { strict: false });
    this.connectionGuard ??= new HttpConnectionGuard({
      requestTimeoutMs: settings.handshakeTimeoutMs,
      maxConnectionsPerIp: settings.trustProxy > 0 ? 0 : settings.maxConnectionsPerIp,
    });
    this.connectionGuard.attach(server);
  }

  /** Closing the WebSocketTool server terminates the clients that are still there (after the graceful shutdown). */
  override async close(server: RegisteredServer): Promise<void> {
    if (server[WEBSOCKET_TOOL_GATEWAY_OPTION]) {
      const lifecycle: ConnectionLifecycle = this.lifecycle ?? this.appContext.get(ConnectionLifecycle, { strict: false });
      lifecycle.terminateAll();
    }
    await super.close(server);
  }

  override async dispose(): Promise<void> {
    this.disposed = true;
    for (const pacer of this.pacers.splice(0)) pacer.flushWaiting();
    this.connectionGuard?.dispose();
    this.connectionGuard = null;
    for (const { server, listener } of this.ownListeners.values()) server.off('upgrade', listener);
    this.ownListeners.clear();
    await super.dispose();
  }
}
