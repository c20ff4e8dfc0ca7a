import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Socket } from 'node:net';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import type { ClientConnection } from '../connection/client-connection.js';
import type { OutboundFrame } from '../connection/outbound-frame.js';
import { WsStatsService } from '../stats/ws-stats.service.js';
import { WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import type { EnqueueOutcome } from './enqueue-result.js';

const OPEN = 1;
const TEXT_FRAME = { binary: false } as const;
/** How long a client whose socket buffer is above the high-water mark waits before the next try. */
const PARKED_RECHECK_MS = 10;
/** Clients one consumer flushes before it yields to I/O. */
const CLIENTS_PER_SLICE = 256;

/** Callbacks the queue needs from the connection registry (set at init, avoiding a cycle). */
export interface OutboundQueueEvents {
  slowConsumer(connection: ClientConnection): void;
  sendErrorLimit(connection: ClientConnection): void;
  sendFailed(connection: ClientConnection, err: Error): void;
}

/** A consumer loop's state, for the supervisor. */
export interface ConsumerState {
  index: number;
  alive: boolean;
  lastError: unknown;
}

/**
 * Per-client outbound queues, drained by a pool of `consumerPoolSize`
 * consumer loops.
 *
 * - Each client's queue is capped by `maxClientQueueSize` messages and
 *   `maxClientQueueBytes` bytes. A client past either cap whose socket takes
 *   no more (above `sendHighWaterMarkBytes`) does not read: it is closed as a
 *   slow consumer (4003). So is one whose socket stays above the mark without
 *   draining for `slowConsumerTimeout`.
 * - The shared budget (`maxQueueSize` messages, `maxQueueBytes` bytes) counts
 *   each distinct frame once: a broadcast waiting for 10,000 clients is one
 *   message, as in the original plugin. When it is reached, the clients that
 *   stopped reading and hold the most are closed first to make room, so a
 *   handful of them can never take the budget from everyone else; only when
 *   no such client is left is the new message dropped (a queue overflow).
 * - A consumer writes all of a client's pending frames at once inside one
 *   cork/uncork, so messages queued in the same tick leave in one write.
 * - A client whose socket buffer is above `sendHighWaterMarkBytes` is parked
 *   and retried later; the others are served meanwhile.
 *
 * @internal
 */
@Injectable()
export class OutboundQueue implements OnApplicationShutdown {
  private readonly logger = new Logger('WebSocketTool');
  /** Distinct frames queued for all clients (a frame queued for many clients counts once). */
  size = 0;
  /** Bytes of those distinct frames. */
  bytes = 0;
  private ready: ClientConnection[] = [];
  private readyHead = 0;
  private readonly parked = new Set<ClientConnection>();
  private parkedTimer: NodeJS.Timeout | null = null;
  private wakeUp: (() => void) | null = null;
  private wakePromise: Promise<void> | null = null;
  private wakeScheduled = false;
  private stopped = false;
  private events: OutboundQueueEvents | null = null;
  readonly consumers: ConsumerState[] = [];
  private readonly hwm: number;
  private readonly maxTotal: number;
  private readonly maxTotalBytes: number;
  private readonly maxPerClient: number;
  private readonly maxPerClientBytes: number;
  private readonly stallMs: number;
  private readonly maxErrors: number;
  /** Called with the queue wait in ms for every frame written (metrics). */
  onFrameWritten: ((waitMs: number) => void) | null = null;

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) settings: WebSocketToolSettings,
    private readonly stats: WsStatsService,
  ) {
    this.hwm = settings.sendHighWaterMarkBytes;
    this.maxTotal = settings.maxQueueSize;
    this.maxTotalBytes = settings.maxQueueBytes;
    this.maxPerClient = settings.maxClientQueueSize;
    this.maxPerClientBytes = settings.maxClientQueueBytes;
    this.stallMs = settings.slowConsumerTimeoutMs;
    this.maxErrors = settings.maxClientErrors;
    for (let i = 0; i < settings.consumerPoolSize; i++) this.consumers.push({ index: i, alive: false, lastError: null });
  }

  setEvents(events: OutboundQueueEvents): void {
    this.events = events;
  }

  /** Starts every consumer that is not running. Returns how many were (re)started. */
  startConsumers(): number {
    let started = 0;
    for (const consumer of this.consumers) {
      if (!consumer.alive && !this.stopped) {
        consumer.alive = true;
        started++;
        this.consume(consumer).then(
          () => {
            consumer.alive = false;
          },
          (err: unknown) => {
            consumer.alive = false;
            consumer.lastError = err;
            this.logger.error(`Outbound consumer ${consumer.index} stopped: ${String(err)}`);
          },
        );
      }
    }
    return started;
  }

  get maxSize(): number {
    return this.maxTotal;
  }

  get maxBytes(): number {
    return this.maxTotalBytes;
  }

  /** How full the shared budget is, from 0 to 1: the larger of its message and byte shares. */
  get utilization(): number {
    return Math.max(this.size / this.maxTotal, this.bytes / this.maxTotalBytes);
  }

  enqueue(connection: ClientConnection, frame: OutboundFrame): EnqueueOutcome {
    if (connection.closing) return 'closed';
    const length = frame.bytes.length;
    if (frame.refs === 0 && this.size > 0 && !this.sharedBudgetFits(length)) {
      this.stats.queueOverflows++;
      return 'queue_full';
    }
    if (this.overClientCap(connection, length) && this.socketTakesMore(connection)) {
      // Replies to requests pipelined in one TCP read, or a burst of broadcasts,
      // are all queued before any consumer runs; a client whose socket still
      // takes data is not slow.
      this.flush(connection);
    }
    if (this.overClientCap(connection, length)) {
      this.stats.queueOverflows++;
      this.events?.slowConsumer(connection);
      return 'client_queue_full';
    }
    connection.queue.push(frame);
    connection.queuedBytes += length;
    if (frame.refs++ === 0) {
      this.size++;
      this.bytes += length;
    }
    if (!connection.scheduled) {
      connection.scheduled = true;
      this.ready.push(connection);
      this.signal();
    }
    return 'queued';
  }

  /**
   * Writes a frame at once when nothing is queued ahead of it for this client
   * and its socket takes data; queues it otherwise. For a frame sent to every
   * client in one go (the heartbeat's `system.ping`): queued, it would count
   * against `maxQueueSize` until the consumers run, and with more clients than
   * that the same last clients would miss it on every sweep.
   */
  sendNow(connection: ClientConnection, frame: OutboundFrame): EnqueueOutcome {
    if (connection.closing) return 'closed';
    if (connection.queued > 0 || !this.socketTakesMore(connection)) return this.enqueue(connection, frame);
    this.onFrameWritten?.(0);
    try {
      if (connection.rawSocket) connection.rawSocket.write(frame.bytes, connection.onSent);
      else connection.socket.send(frame.payload, TEXT_FRAME, connection.onSent);
    } catch (err) {
      this.recordSendResult(connection, err as Error);
    }
    return 'queued';
  }

  /** An empty queue always takes one frame, so a message larger than the byte cap still goes out. */
  private overClientCap(connection: ClientConnection, length: number): boolean {
    const queued = connection.queued;
    return queued > 0 && (queued >= this.maxPerClient || connection.queuedBytes + length > this.maxPerClientBytes);
  }

  /**
   * True if one more distinct frame of `length` bytes fits the shared budget,
   * after closing, if need be, the parked clients (sockets above the
   * high-water mark: not reading) that hold the most.
   */
  private sharedBudgetFits(length: number): boolean {
    while (this.size >= this.maxTotal || this.bytes + length > this.maxTotalBytes) {
      let heaviest: ClientConnection | null = null;
      for (const parked of this.parked) {
        if (!parked.closing && parked.queued > 0 && (!heaviest || parked.queuedBytes > heaviest.queuedBytes)) heaviest = parked;
      }
      if (!heaviest || !this.events) return false;
      this.events.slowConsumer(heaviest);
      // The close discards its queue; a client that is somehow still queued is not picked twice.
      if (heaviest.queued > 0) this.discard(heaviest);
    }
    return true;
  }

  private socketTakesMore(connection: ClientConnection): boolean {
    return connection.socket.readyState === OPEN && connection.socket.bufferedAmount <= this.hwm;
  }

  /** Drops everything queued for a connection that is going away. */
  discard(connection: ClientConnection): void {
    const queue = connection.queue;
    if (connection.queueHead < queue.length) {
      for (let i = connection.queueHead; i < queue.length; i++) this.release(queue[i] as OutboundFrame);
      connection.queue = [];
      connection.queueHead = 0;
    }
    connection.queuedBytes = 0;
    connection.stalledSince = 0;
    this.parked.delete(connection);
  }

  /** One queue entry of `frame` is gone; the shared budget gives the frame back with its last entry. */
  private release(frame: OutboundFrame): void {
    if (--frame.refs === 0) {
      this.size--;
      this.bytes -= frame.bytes.length;
    }
  }

  /** Resolves once nothing is queued, or after `timeoutMs`. Returns what is left. */
  async drain(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return this.size;
  }

  /**
   * Wakes the consumers once the code running now has finished (a microtask):
   * every message it queued, by any number of broadcasts or replies, leaves
   * in one corked write per client. Waiting for the end of the event-loop
   * iteration (setImmediate) would also merge what other sockets' callbacks
   * of the same iteration queue (several publishers), but holds every reply
   * until the reads of all the other ready sockets have been handled: at
   * 5,000 echoes/s that made the median round trip 1.4× raw ws, against
   * 1.0× now.
   */
  private signal(): void {
    if (this.wakeUp && !this.wakeScheduled) {
      this.wakeScheduled = true;
      queueMicrotask(this.wakeConsumers);
    }
  }

  private readonly wakeConsumers = (): void => {
    this.wakeScheduled = false;
    const wake = this.wakeUp;
    if (wake) {
      this.wakeUp = null;
      this.wakePromise = null;
      wake();
    }
  };

  private waitForWork(): Promise<void> {
    if (!this.wakePromise) {
      this.wakePromise = new Promise<void>((resolve) => {
        this.wakeUp = resolve;
      });
    }
    return this.wakePromise;
  }

  private takeReady(): ClientConnection | undefined {
    if (this.readyHead >= this.ready.length) {
      if (this.ready.length > 0) {
        this.ready = [];
        this.readyHead = 0;
      }
      return undefined;
    }
    const connection = this.ready[this.readyHead];
    this.ready[this.readyHead++] = undefined as unknown as ClientConnection;
    return connection;
  }

  private async consume(state: ConsumerState): Promise<void> {
    let flushed = 0;
    while (!this.stopped) {
      const connection = this.takeReady();
      if (!connection) {
        flushed = 0;
        await this.waitForWork();
        continue;
      }
      try {
        this.flush(connection);
      } catch (err) {
        // Put the client back so a restarted consumer delivers what it holds.
        connection.scheduled = true;
        this.ready.push(connection);
        state.lastError = err;
        throw err;
      }
      if (++flushed >= CLIENTS_PER_SLICE) {
        flushed = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }

  /** Writes a client's pending frames, up to the high-water mark, in one corked batch. */
  flush(connection: ClientConnection): void {
    connection.scheduled = false;
    if (connection.closing) {
      this.discard(connection);
      return;
    }
    const socket = connection.socket;
    if (socket.readyState !== OPEN) {
      return;
    }
    if (socket.bufferedAmount > this.hwm) {
      this.park(connection);
      return;
    }
    if (connection.rawSocket) this.writeBatch(connection, connection.rawSocket);
    else this.sendBatch(connection);
    const queue = connection.queue;
    connection.stalledSince = 0;
    if (connection.queueHead >= queue.length) {
      connection.queue = [];
      connection.queueHead = 0;
    } else if (connection.closing) {
      this.discard(connection);
    } else if (socket.bufferedAmount <= this.hwm) {
      // The kernel took the batch: keep going after the other ready clients.
      connection.scheduled = true;
      this.ready.push(connection);
    } else {
      this.park(connection);
    }
  }

  /**
   * The common case: the frames are written as they are (already framed) to
   * the TCP socket, corked so they leave in one write, with one completion
   * callback for the whole batch rather than one per frame. The budget keeps
   * one batch from pushing the socket buffer far past the high-water mark.
   */
  private writeBatch(connection: ClientConnection, raw: Socket): void {
    let budget = this.hwm - connection.socket.bufferedAmount;
    const queue = connection.queue;
    const now = this.onFrameWritten ? Date.now() : 0;
    let last: OutboundFrame | null = null;
    let count = 0;
    raw.cork();
    try {
      while (connection.queueHead < queue.length && budget > 0) {
        const frame = this.shift(connection, now);
        budget -= frame.bytes.length;
        // Each write waits for the next so that the last one carries the callback.
        if (last) raw.write(last.bytes);
        last = frame;
        count++;
      }
      if (last)
        raw.write(last.bytes, count === 1 ? connection.onSent : (err?: Error | null) => this.recordSendResult(connection, err, count));
    } catch (err) {
      this.recordSendResult(connection, err as Error, count);
    } finally {
      raw.uncork();
    }
  }

  /**
   * With a negotiated extension (permessage-deflate) `ws` must frame every
   * message itself: the payloads go through `send`, inside one cork.
   */
  private sendBatch(connection: ClientConnection): void {
    const socket = connection.socket;
    let budget = this.hwm - socket.bufferedAmount;
    const raw = (socket as unknown as { _socket?: Socket })._socket;
    raw?.cork();
    const queue = connection.queue;
    const now = this.onFrameWritten ? Date.now() : 0;
    try {
      while (connection.queueHead < queue.length && budget > 0) {
        const frame = this.shift(connection, now);
        budget -= frame.bytes.length;
        try {
          socket.send(frame.payload, TEXT_FRAME, connection.onSent);
        } catch (err) {
          this.recordSendResult(connection, err as Error);
        }
      }
    } finally {
      raw?.uncork();
    }
  }

  /** Takes the next frame off a connection's queue (the caller checked there is one). */
  private shift(connection: ClientConnection, now: number): OutboundFrame {
    const frame = connection.queue[connection.queueHead] as OutboundFrame;
    connection.queue[connection.queueHead++] = undefined;
    connection.queuedBytes -= frame.bytes.length;
    this.release(frame);
    this.onFrameWritten?.(now - frame.enqueuedAt);
    return frame;
  }

  /** Send completion for `count` frames: counts the outcome and enforces `maxClientErrors`. */
  recordSendResult(connection: ClientConnection, err?: Error | null, count = 1): void {
    const now = Date.now();
    if (err) {
      connection.messagesFailed += count;
      connection.consecutiveSendErrors += count;
      this.stats.messagesFailed += count;
      this.stats.failedWindow.add(now, count);
      this.events?.sendFailed(connection, err);
      if (connection.consecutiveSendErrors >= this.maxErrors && !connection.closing) {
        this.events?.sendErrorLimit(connection);
      }
      return;
    }
    connection.messagesSent += count;
    connection.consecutiveSendErrors = 0;
    this.stats.messagesSent += count;
    this.stats.sentWindow.add(now, count);
  }

  private park(connection: ClientConnection): void {
    connection.scheduled = true;
    if (connection.stalledSince === 0) {
      connection.stalledSince = Date.now();
      connection.stalledAt = connection.socket.bufferedAmount;
    }
    this.parked.add(connection);
    if (!this.parkedTimer && !this.stopped) {
      this.parkedTimer = setTimeout(() => this.recheckParked(), PARKED_RECHECK_MS);
    }
  }

  private recheckParked(): void {
    this.parkedTimer = null;
    const now = Date.now();
    for (const connection of this.parked) {
      const buffered = connection.socket.bufferedAmount;
      if (connection.closing || connection.socket.readyState !== OPEN) {
        this.parked.delete(connection);
        this.discard(connection);
        connection.scheduled = false;
      } else if (buffered <= this.hwm) {
        this.parked.delete(connection);
        this.ready.push(connection);
      } else if (buffered < connection.stalledAt) {
        // Draining, however slowly: a slow link, not a client that stopped reading.
        connection.stalledSince = now;
        connection.stalledAt = buffered;
      } else if (now - connection.stalledSince >= this.stallMs) {
        this.parked.delete(connection);
        this.events?.slowConsumer(connection);
      }
    }
    if (this.readyHead < this.ready.length) this.signal();
    if (this.parked.size > 0 && !this.stopped) {
      this.parkedTimer = setTimeout(() => this.recheckParked(), PARKED_RECHECK_MS);
    }
  }

  /** Stops the consumers and the parked-client timer. */
  stop(): void {
    this.stopped = true;
    if (this.parkedTimer) clearTimeout(this.parkedTimer);
    this.parkedTimer = null;
    this.signal();
  }

  onApplicationShutdown(): void {
    this.stop();
  }
}
