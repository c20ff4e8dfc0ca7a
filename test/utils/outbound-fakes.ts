import type { WebSocket } from 'ws';
import type { WebSocketToolConfigOptions } from '../../libs/websocket-tool/src/config/websocket-tool-module-options.interface.js';
import { resolveSettings } from '../../libs/websocket-tool/src/config/resolve-settings.js';
import { ClientConnection } from '../../libs/websocket-tool/src/connection/client-connection.js';
import type { ConnectionOutput } from '../../libs/websocket-tool/src/connection/connection-output.js';
import { ConnectionRegistry } from '../../libs/websocket-tool/src/connection/connection-registry.js';
import { OutboundBudget } from '../../libs/websocket-tool/src/outbound/outbound-budget.js';
import { OutboundQueue } from '../../libs/websocket-tool/src/outbound/outbound-queue.js';
import { OutboundSender } from '../../libs/websocket-tool/src/outbound/outbound-sender.js';
import { TokenBucket } from '../../libs/websocket-tool/src/rate-limit/token-bucket.js';
import { WsStatsService } from '../../libs/websocket-tool/src/stats/ws-stats.service.js';

/**
 * A socket that takes whatever `ws` would, with a buffer the test fills or
 * drains by hand. It has no TCP socket under it, so the queue writes through
 * `send` (the permessage-deflate path).
 */
export class FakeSocket {
  readonly CLOSED = 3;
  readyState = 1;
  bufferedAmount = 0;
  extensions = 'permessage-deflate';
  readonly sent: Buffer[] = [];
  /** The close frame sent, if any. */
  closedWith: { code: number; reason: string } | null = null;
  terminated = false;
  private readonly closeListeners: Array<() => void> = [];

  send(payload: Buffer, _options: unknown, callback: (err?: Error) => void): void {
    this.sent.push(payload);
    callback();
  }

  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
    this.readyState = 2;
  }

  terminate(): void {
    this.terminated = true;
    this.peerClosed();
  }

  once(event: string, listener: () => void): void {
    if (event === 'close') this.closeListeners.push(listener);
  }

  /** The close handshake completed (or the socket was destroyed): 'close' fires. */
  peerClosed(): void {
    this.readyState = 3;
    for (const listener of this.closeListeners.splice(0)) listener();
  }

  /** The payloads sent, as text. */
  texts(): string[] {
    return this.sent.map((b) => b.toString('utf8'));
  }
}

/** A connection on a fake socket; `attach` gives it its outbound queue (none by default). */
export function fakeConnection(
  id: string,
  attach?: (connection: ClientConnection) => ConnectionOutput,
  options: { named?: boolean; socket?: FakeSocket } = {},
): ClientConnection & { fake: FakeSocket } {
  const socket = options.socket ?? new FakeSocket();
  const c = new ClientConnection(
    socket as unknown as WebSocket,
    { clientId: id, named: options.named ?? true, ip: '127.0.0.1', userAgent: 'spec' },
    new TokenBucket(1, 1, 0),
    Date.now(),
    attach,
  );
  return Object.assign(c, { fake: socket });
}

/** The real registry and outbound pieces, wired as the module wires them. */
export function outbound(options: WebSocketToolConfigOptions = {}) {
  const settings = resolveSettings(options, {});
  const stats = new WsStatsService();
  const registry = new ConnectionRegistry(settings, stats);
  const queue = new OutboundQueue(settings, stats, new OutboundBudget(settings), registry);
  const sender = new OutboundSender(queue);
  const slow: string[] = [];
  registry.listen({ disconnected: (c, reason) => reason === 'slow_consumer' && slow.push(c.clientId) });
  const connect = (id: string, socket?: FakeSocket) => fakeConnection(id, sender.attach, { socket });
  return { settings, queue, sender, registry, stats, slow, connect };
}
