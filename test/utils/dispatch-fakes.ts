import type { WebSocket } from 'ws';
import type { WebSocketToolOptions } from '@websocket-tool/nestjs';
import { resolveSettings } from '../../libs/websocket-tool/src/config/resolve-settings.js';
import type { WebSocketToolSettings } from '../../libs/websocket-tool/src/config/resolved-settings.interface.js';
import { ClientConnection } from '../../libs/websocket-tool/src/connection/client-connection.js';
import type { ConnectionRegistry } from '../../libs/websocket-tool/src/connection/connection-registry.js';
import type { OutboundFrame } from '../../libs/websocket-tool/src/outbound/outbound-frame.js';
import type { DisconnectReason } from '../../libs/websocket-tool/src/protocol/close-codes.js';
import type { WsOutboundMessage } from '../../libs/websocket-tool/src/protocol/envelope.interface.js';
import { DispatchReplies } from '../../libs/websocket-tool/src/messaging/dispatch/replies.js';
import type { OutboundQueue } from '../../libs/websocket-tool/src/outbound/outbound-queue.js';
import { OutboundSender } from '../../libs/websocket-tool/src/outbound/outbound-sender.js';
import { TokenBucket } from '../../libs/websocket-tool/src/rate-limit/token-bucket.js';

/** Settings as the module resolves them, from the given options and no environment. */
export const settingsOf = (options: WebSocketToolOptions = {}): WebSocketToolSettings => resolveSettings(options, {});

/** A `ws` socket stand-in: records pause/resume, sends nothing. */
export interface FakeSocket {
  extensions: string;
  paused: boolean;
  pauses: number;
  pause(): void;
  resume(): void;
}

/** A connection over a fake socket, with the module's default message bucket. */
export function fakeConnection(clientId = 'c1', settings = settingsOf(), now = Date.now()): ClientConnection & { socket: FakeSocket } {
  const socket: FakeSocket = {
    extensions: 'none',
    paused: false,
    pauses: 0,
    pause() {
      this.paused = true;
      this.pauses++;
    },
    resume() {
      this.paused = false;
    },
  };
  const bucket = TokenBucket.forWindow(
    settings.rateLimitMessagesPerWindow,
    settings.rateLimitMessageWindowMs,
    settings.rateLimitBurstMultiplier,
    now,
  );
  const handshake = { clientId, named: true, ip: '10.0.0.1', userAgent: 'spec' };
  return new ClientConnection(socket as unknown as WebSocket, handshake, bucket, now, () => undefined) as ClientConnection & {
    socket: FakeSocket;
  };
}

/**
 * The real reply path and sender over a queue that records what it is given: `sent`
 * holds the messages as the client would parse them (minus `timestamp`), `wire` the exact JSON.
 */
export class RecordingReplies extends DispatchReplies {
  readonly wire: string[] = [];
  readonly closes: Array<{ clientId: string; code: number; reason: DisconnectReason }> = [];

  constructor() {
    const wire: string[] = [];
    const closes: Array<{ clientId: string; code: number; reason: DisconnectReason }> = [];
    const queue = {
      overflowRules: null,
      enqueue(connection: ClientConnection, frame: OutboundFrame) {
        if (connection.closing) return 'closed';
        wire.push(frame.bytes.subarray(frame.headerLength).toString('utf8'));
        return 'queued';
      },
    };
    const registry = {
      close(connection: ClientConnection, close: { code: number }, reason: DisconnectReason) {
        connection.closing = true;
        closes.push({ clientId: connection.clientId, code: close.code, reason });
      },
    };
    super(new OutboundSender(queue as unknown as OutboundQueue), registry as unknown as ConnectionRegistry);
    this.wire = wire;
    this.closes = closes;
  }

  /** The messages sent, without the `timestamp` every frame carries. */
  get sent(): WsOutboundMessage[] {
    return this.wire.map((json) => {
      const { timestamp: _timestamp, ...message } = JSON.parse(json) as WsOutboundMessage & { timestamp?: string };
      return message;
    });
  }

  ofType(type: string): WsOutboundMessage[] {
    return this.sent.filter((m) => m.type === type);
  }
}
