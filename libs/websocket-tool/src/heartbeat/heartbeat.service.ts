import { Inject, Injectable, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { randomUUID } from 'node:crypto';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import type { ClientConnection } from '../connection/client-connection.js';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import type { OutboundFrame } from '../outbound/outbound-frame.js';
import { OutboundSender } from '../outbound/outbound-sender.js';
import { CloseCode } from '../protocol/close-codes.js';
import { SystemMessageType } from '../protocol/message-types.js';
import { serializeEnvelope } from '../protocol/serialize-envelope.js';
import { WsStatsService } from '../stats/ws-stats.service.js';
import { WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';

/** Name of the heartbeat interval in the `SchedulerRegistry`. */
export const HEARTBEAT_INTERVAL_NAME = 'websocket-tool:heartbeat';

/** How often a round goes on with its next slice of connections. */
export const HEARTBEAT_SLICE_EVERY_MS = 50;
/**
 * Connections a round handles at once, at least. Up to this many (every
 * connection of most apps) are pinged together at the start of the round; a
 * slice costs a few milliseconds of the event loop.
 */
export const HEARTBEAT_SLICE_MIN = 250;

/**
 * One round over all connections every `heartbeatInterval` seconds: a client
 * silent (no frame, no pong) for longer than `heartbeatTimeout` is closed
 * with 4001 `heartbeat_timeout`; every other client gets a `system.ping`
 * message (serialized once per round) and a protocol ping frame, so both
 * app-level clients and browsers keep the connection alive.
 *
 * A round over many connections is spread over the first half of the
 * interval, in slices every `HEARTBEAT_SLICE_EVERY_MS`: pinging 100,000
 * connections at once would hold the event loop for over a second. Each
 * connection keeps its place in the order of the rounds (the registry's), so
 * it is still pinged about once per interval.
 *
 * @internal
 */
@Injectable()
export class HeartbeatService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private stopped = false;
  /** The connections of the round in progress, the next one to visit, and its ping. */
  private round: ClientConnection[] = [];
  private next = 0;
  private roundPing: OutboundFrame | null = null;
  private sliceSize = 0;
  private sliceTimer: NodeJS.Timeout | null = null;
  private readonly continueRound = () => {
    this.sliceTimer = null;
    this.slice(Date.now());
  };

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) private readonly settings: WebSocketToolSettings,
    private readonly scheduler: SchedulerRegistry,
    private readonly registry: ConnectionRegistry,
    private readonly sender: OutboundSender,
    private readonly stats: WsStatsService,
  ) {}

  onApplicationBootstrap(): void {
    this.ensureScheduled();
  }

  /** Schedules the sweep if heartbeat is on and it is not scheduled. Returns true if it (re)scheduled it. */
  ensureScheduled(): boolean {
    if (this.stopped || !this.settings.enableHeartbeat || this.scheduler.doesExist('interval', HEARTBEAT_INTERVAL_NAME)) return false;
    const timer = setInterval(() => this.sweep(), this.settings.heartbeatIntervalMs);
    this.scheduler.addInterval(HEARTBEAT_INTERVAL_NAME, timer);
    return true;
  }

  /** Starts a round: its first slice now, the rest over the first half of the interval. */
  sweep(now = Date.now()): void {
    this.roundPing = this.sender.frame(
      serializeEnvelope({
        type: SystemMessageType.Ping,
        content: 'ping',
        meta: { ping_id: randomUUID(), timestamp: now / 1000 },
      }),
      now,
    );
    this.round = [...this.registry.values()];
    this.next = 0;
    const slices = Math.max(1, Math.floor(this.settings.heartbeatIntervalMs / 2 / HEARTBEAT_SLICE_EVERY_MS));
    this.sliceSize = Math.max(HEARTBEAT_SLICE_MIN, Math.ceil(this.round.length / slices));
    if (this.sliceTimer) clearTimeout(this.sliceTimer);
    this.sliceTimer = null;
    this.slice(now);
  }

  private slice(now: number): void {
    const timeoutMs = this.settings.heartbeatTimeoutMs;
    const ping = this.roundPing as OutboundFrame;
    const end = Math.min(this.round.length, this.next + this.sliceSize);
    for (; this.next < end; this.next++) {
      const connection = this.round[this.next];
      this.round[this.next] = undefined as never;
      // Gone since the round started: its close already did the cleanup.
      if (!this.registry.isCurrent(connection)) continue;
      if (now - connection.lastSeen > timeoutMs) {
        this.stats.heartbeatTimeouts++;
        this.registry.close(connection, CloseCode.HeartbeatTimeout, 'heartbeat_timeout');
        continue;
      }
      connection.lastPing = now;
      this.sender.sendNow(connection, ping);
      try {
        connection.socket.ping();
      } catch {
        // The socket is closing; its close event does the cleanup.
      }
    }
    if (this.next < this.round.length && !this.stopped) {
      this.sliceTimer = setTimeout(this.continueRound, HEARTBEAT_SLICE_EVERY_MS);
      return;
    }
    this.round = [];
    this.roundPing = null;
  }

  beforeApplicationShutdown(): void {
    this.stopped = true;
    if (this.sliceTimer) clearTimeout(this.sliceTimer);
    this.sliceTimer = null;
    this.round = [];
    if (this.scheduler.doesExist('interval', HEARTBEAT_INTERVAL_NAME)) this.scheduler.deleteInterval(HEARTBEAT_INTERVAL_NAME);
  }
}
