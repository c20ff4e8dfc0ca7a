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

/** How often a round goes on with its next slice of connections, when it keeps to its schedule. */
export const HEARTBEAT_SLICE_EVERY_MS = 50;
/**
 * Connections a round handles at once, at least, within the budget below.
 * Up to this many (every connection of most apps) are pinged together at the
 * start of the round.
 */
export const HEARTBEAT_SLICE_MIN = 250;
/**
 * Milliseconds of pinging in one event-loop turn. A ping costs tens of
 * microseconds (its write is a system call), so 250 of them at once held
 * the loop for 10 to 30 ms on a loaded machine; past this budget a slice
 * stops and the round goes on in a later turn.
 */
export const HEARTBEAT_SLICE_BUDGET_MS = 5;
/** Connections pinged between two reads of the clock. */
const CLOCK_EVERY = 16;
/**
 * A protocol ping frame from the server: FIN + opcode 9, no mask, no payload.
 * The same for every connection and every round, written with the
 * `system.ping` message in one write, where `ws` would frame it anew and
 * write it in a second system call.
 */
const PING_FRAME = Buffer.from([0x89, 0x00]);
const OPEN = 1;

/**
 * One round over all connections every `heartbeatInterval` seconds: a client
 * silent (no frame, no pong) for longer than `heartbeatTimeout` is closed
 * with 4001 `heartbeat_timeout`; every other client gets a `system.ping`
 * message (serialized once per round) and a protocol ping frame, so both
 * app-level clients and browsers keep the connection alive.
 *
 * A round over many connections is spread over the first half of the
 * interval, in slices every `HEARTBEAT_SLICE_EVERY_MS`: pinging 100,000
 * connections at once would hold the event loop for over a second. A slice
 * also stops after `HEARTBEAT_SLICE_BUDGET_MS` of work; a round that falls
 * behind its schedule then goes on in the very next turn instead of waiting
 * for the next slice. Each connection keeps its place in the order of the
 * rounds (the registry's), so it is still pinged about once per interval.
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
  /** When the round started, and how long it may take (half the interval), in `performance.now()` time. */
  private roundStart = 0;
  private roundSpan = 1;
  private sliceTimer: NodeJS.Timeout | null = null;
  private sliceImmediate: NodeJS.Immediate | null = null;
  private readonly continueRound = () => {
    this.sliceTimer = null;
    this.sliceImmediate = null;
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
    this.roundStart = performance.now();
    this.roundSpan = Math.max(1, this.settings.heartbeatIntervalMs / 2);
    this.cancelSlice();
    this.slice(now);
  }

  private slice(now: number): void {
    const timeoutMs = this.settings.heartbeatTimeoutMs;
    const ping = this.roundPing as OutboundFrame;
    const end = Math.min(this.round.length, this.next + this.sliceSize);
    const started = performance.now();
    let visited = 0;
    for (; this.next < end; this.next++) {
      if (++visited % CLOCK_EVERY === 0 && performance.now() - started > HEARTBEAT_SLICE_BUDGET_MS) break;
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
      this.ping(connection, ping);
    }
    if (this.next < this.round.length && !this.stopped) {
      this.scheduleSlice();
      return;
    }
    this.round = [];
    this.roundPing = null;
  }

  /** The `system.ping` message and a protocol ping, in one write when the socket is written to directly. */
  private ping(connection: ClientConnection, message: OutboundFrame): void {
    const raw = connection.rawSocket;
    const socket = connection.socket;
    if (raw === null) {
      this.sender.sendNow(connection, message);
      try {
        socket.ping();
      } catch {
        // The socket is closing; its close event does the cleanup.
      }
      return;
    }
    raw.cork();
    this.sender.sendNow(connection, message);
    if (socket.readyState === OPEN) raw.write(PING_FRAME);
    raw.uncork();
  }

  /** The next slice: in the next turn if the round is behind its schedule, else after `HEARTBEAT_SLICE_EVERY_MS`. */
  private scheduleSlice(): void {
    const due = (this.round.length * (performance.now() - this.roundStart)) / this.roundSpan;
    if (this.next < due) this.sliceImmediate = setImmediate(this.continueRound);
    else this.sliceTimer = setTimeout(this.continueRound, HEARTBEAT_SLICE_EVERY_MS);
  }

  private cancelSlice(): void {
    if (this.sliceTimer) clearTimeout(this.sliceTimer);
    if (this.sliceImmediate) clearImmediate(this.sliceImmediate);
    this.sliceTimer = null;
    this.sliceImmediate = null;
  }

  beforeApplicationShutdown(): void {
    this.stopped = true;
    this.cancelSlice();
    this.round = [];
    if (this.scheduler.doesExist('interval', HEARTBEAT_INTERVAL_NAME)) this.scheduler.deleteInterval(HEARTBEAT_INTERVAL_NAME);
  }
}
