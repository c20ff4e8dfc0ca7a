import { Inject, Injectable, Logger, Optional, type OnApplicationShutdown } from '@nestjs/common';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import type { ClientConnection } from '../connection/client-connection.js';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import type { EnqueueOutcome } from '../connection/enqueue-outcome.js';
import { CloseCode } from '../protocol/close-codes.js';
import { WsStatsService } from '../stats/ws-stats.service.js';
import { WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import { queueOf, type ClientQueue } from './client-queue.js';
import { FrameWriter } from './frame-writer.js';
import { FrameWrittenListener, NO_FRAME_WRITTEN_LISTENER } from './frame-written.listener.js';
import { OutboundBudget } from './outbound-budget.js';
import type { OutboundFrame } from './outbound-frame.js';
import { messageTypeOf, OverflowRules } from './overflow-rules.js';
import { ParkedQueues } from './parked-queues.js';
import { QueueOverflow } from './queue-overflow.js';
import { ReadyConsumers, type ConsumerState } from './ready-consumers.js';
import { NO_SEND_FAILED_LISTENER, SendFailedListener } from './send-failed.listener.js';

export type { ConsumerState } from './ready-consumers.js';

const OPEN = 1;

/**
 * Per-client outbound queues, drained by a pool of `consumerPoolSize`
 * consumer loops.
 *
 * - Each client's queue is capped by `maxClientQueueSize` messages and
 *   `maxClientQueueBytes` bytes. A client past either cap whose socket takes
 *   no more (above `sendHighWaterMarkBytes`) does not read: it is closed as a
 *   slow consumer (4003). So is one whose socket stays above the mark without
 *   draining for `slowConsumerTimeout` (see `ParkedQueues`).
 * - A message type with an overflow policy (the `overflow` option) is handled
 *   by its policy instead (`QueueOverflow`) as soon as the client is over
 *   either limit: its queue at a cap, or its socket above the mark.
 * - The shared budget (`OutboundBudget`) counts each distinct frame once.
 *   When it is reached, the clients that stopped reading and hold the most
 *   make room first, so a handful of them can never take the budget from
 *   everyone else: one holding only messages with a policy is trimmed by its
 *   policies, any other is closed. Only when no such client is left is the
 *   new message dropped (a queue overflow).
 * - A consumer writes all of a client's pending frames at once inside one
 *   cork/uncork (`FrameWriter`), so messages queued in the same tick leave in
 *   one write.
 *
 * @internal
 */
@Injectable()
export class OutboundQueue implements OnApplicationShutdown {
  private readonly logger = new Logger('WebSocketTool');
  private readonly hwm: number;
  private readonly maxPerClient: number;
  private readonly maxPerClientBytes: number;
  private readonly maxErrors: number;
  private readonly writer: FrameWriter;
  private readonly parked: ParkedQueues;
  private readonly pool: ReadyConsumers;
  private readonly sendFailed: SendFailedListener;
  private readonly overflow: QueueOverflow;
  /** The `overflow` option's rules, null when every type is `disconnect` (frames then carry no policy). */
  readonly overflowRules: OverflowRules | null;

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) settings: WebSocketToolSettings,
    private readonly stats: WsStatsService,
    readonly budget: OutboundBudget,
    private readonly registry: ConnectionRegistry,
    @Optional() frameWritten?: FrameWrittenListener,
    @Optional() sendFailed?: SendFailedListener,
  ) {
    this.hwm = settings.sendHighWaterMarkBytes;
    this.maxPerClient = settings.maxClientQueueSize;
    this.maxPerClientBytes = settings.maxClientQueueBytes;
    this.maxErrors = settings.maxClientErrors;
    this.sendFailed = sendFailed ?? NO_SEND_FAILED_LISTENER;
    this.overflowRules = OverflowRules.of(settings.overflow);
    this.overflow = new QueueOverflow(budget, stats);
    this.writer = new FrameWriter(this.hwm, budget, frameWritten ?? NO_FRAME_WRITTEN_LISTENER, this);
    this.parked = new ParkedQueues(this.hwm, settings.slowConsumerTimeoutMs, {
      resume: (queue) => this.pool.push(queue),
      drop: (queue) => this.discardQueue(queue),
      evict: (queue) => this.evictStalled(queue),
      wake: () => this.pool.signal(),
    });
    // Through `flush`, the method a supervisor test makes fail to see a consumer die and come back.
    this.pool = new ReadyConsumers(settings.consumerPoolSize, (queue) => this.flush(queue.connection), this.logger);
  }

  /** The consumer loops' states, for the supervisor. */
  get consumers(): readonly ConsumerState[] {
    return this.pool.consumers;
  }

  /** Starts every consumer that is not running. Returns how many were (re)started. */
  startConsumers(): number {
    return this.pool.start();
  }

  /** Distinct frames queued for all clients (see `OutboundBudget`). */
  get size(): number {
    return this.budget.size;
  }

  get bytes(): number {
    return this.budget.bytes;
  }

  get maxSize(): number {
    return this.budget.maxSize;
  }

  get maxBytes(): number {
    return this.budget.maxBytes;
  }

  get utilization(): number {
    return this.budget.utilization;
  }

  enqueue(connection: ClientConnection, frame: OutboundFrame): EnqueueOutcome {
    if (connection.closing) return 'closed';
    const queue = queueOf(connection);
    const length = frame.bytes.length;
    if (frame.refs === 0 && this.budget.size > 0 && !this.sharedBudgetFits(length)) {
      this.stats.queueOverflows++;
      return 'queue_full';
    }
    if (this.overClientCap(queue, length) && this.socketTakesMore(queue)) {
      // Replies to requests pipelined in one TCP read, or a burst of broadcasts,
      // are all queued before any consumer runs; a client whose socket still
      // takes data is not slow.
      this.flushQueue(queue);
    }
    if (frame.overflow !== null && !this.socketTakesMore(queue) && !this.overClientCap(queue, length)) {
      // Not reading: the policy decides before anything else waits behind the socket.
      const room = this.overflow.whileStalled(queue, frame);
      if (room === 'drop') return 'client_queue_full';
      if (room === 'placed') return 'queued';
    } else if (this.overClientCap(queue, length)) {
      if (frame.overflow === null) {
        this.stats.queueOverflows++;
        this.stats.recordOverflow('disconnect', messageTypeOf(frame.payload.toString()) ?? '', 1);
        this.closeSlowConsumer(queue);
        return 'client_queue_full';
      }
      const room = this.overflow.makeRoom(queue, frame);
      if (room === 'drop') return 'client_queue_full';
      if (room === 'placed') return 'queued';
    }
    queue.frames.push(frame);
    queue.queuedBytes += length;
    this.budget.hold(frame);
    if (!queue.scheduled) {
      queue.scheduled = true;
      this.pool.push(queue);
      this.pool.signal();
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
    const queue = queueOf(connection);
    if (queue.queued > 0 || !this.socketTakesMore(queue)) return this.enqueue(connection, frame);
    this.writer.writeNow(queue, frame);
    return 'queued';
  }

  /** An empty queue always takes one frame, so a message larger than the byte cap still goes out. */
  private overClientCap(queue: ClientQueue, length: number): boolean {
    const queued = queue.queued;
    return queued > 0 && (queued >= this.maxPerClient || queue.queuedBytes + length > this.maxPerClientBytes);
  }

  /**
   * True if one more distinct frame of `length` bytes fits the shared budget,
   * after closing, if need be, the parked clients (sockets above the
   * high-water mark: not reading) that hold the most.
   */
  private sharedBudgetFits(length: number): boolean {
    if (this.budget.fits(length)) return true;
    const fits = (): boolean => this.budget.fits(length);
    while (!fits()) {
      const heaviest = this.parked.heaviest();
      if (!heaviest) return false;
      if (QueueOverflow.lenient(heaviest)) {
        // Its every message has a policy: trimmed by them, it stays connected.
        this.overflow.trim(heaviest, fits);
        continue;
      }
      this.closeSlowConsumer(heaviest);
      // The close discards its queue; a client that is somehow still queued is not picked twice.
      if (heaviest.queued > 0) this.discardQueue(heaviest);
    }
    return true;
  }

  private socketTakesMore(queue: ClientQueue): boolean {
    return queue.socket.readyState === OPEN && queue.socket.bufferedAmount <= this.hwm;
  }

  /**
   * A socket stuck above the high-water mark for `slowConsumerTimeout`: closed as a slow consumer, unless
   * everything it has queued has a policy other than `disconnect` (its queue is kept bounded by dropping).
   */
  private evictStalled(queue: ClientQueue): void {
    if (queue.queued === 0 || !QueueOverflow.lenient(queue)) {
      this.closeSlowConsumer(queue);
      return;
    }
    queue.stalledSince = 0;
    this.parked.park(queue);
  }

  private closeSlowConsumer(queue: ClientQueue): void {
    this.registry.close(queue.connection, CloseCode.SlowConsumer, 'slow_consumer');
  }

  /** Drops everything queued for a connection that is going away. */
  discard(connection: ClientConnection): void {
    this.discardQueue(queueOf(connection));
  }

  discardQueue(queue: ClientQueue): void {
    const frames = queue.frames;
    if (queue.head < frames.length) {
      for (let i = queue.head; i < frames.length; i++) this.budget.release(frames[i] as OutboundFrame);
      queue.frames = [];
      queue.head = 0;
    }
    queue.queuedBytes = 0;
    queue.stalledSince = 0;
    this.parked.delete(queue);
  }

  /** Resolves once nothing is queued, or after `timeoutMs`. Returns what is left. */
  async drain(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.budget.size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return this.budget.size;
  }

  /** Writes a client's pending frames, up to the high-water mark, in one corked batch. */
  flush(connection: ClientConnection): void {
    this.flushQueue(queueOf(connection));
  }

  flushQueue(queue: ClientQueue): void {
    queue.scheduled = false;
    if (queue.connection.closing) {
      this.discardQueue(queue);
      return;
    }
    const socket = queue.socket;
    if (socket.readyState !== OPEN) return;
    if (socket.bufferedAmount > this.hwm) {
      this.parked.park(queue);
      return;
    }
    this.writer.writePending(queue);
    queue.stalledSince = 0;
    if (queue.head >= queue.frames.length) {
      queue.frames = [];
      queue.head = 0;
    } else if (queue.connection.closing) {
      this.discardQueue(queue);
    } else if (socket.bufferedAmount <= this.hwm) {
      // The kernel took the batch: keep going after the other ready clients.
      queue.scheduled = true;
      this.pool.push(queue);
    } else {
      this.parked.park(queue);
    }
  }

  /** Send completion for `count` frames: counts the outcome and enforces `maxClientErrors`. */
  recordSendResult(queue: ClientQueue, err?: Error | null, count = 1): void {
    const connection = queue.connection;
    const now = Date.now();
    if (err) {
      connection.messagesFailed += count;
      connection.consecutiveSendErrors += count;
      this.stats.messagesFailed += count;
      this.stats.failedWindow.add(now, count);
      this.sendFailed.sendFailed(connection, err);
      if (connection.consecutiveSendErrors >= this.maxErrors && !connection.closing) {
        this.registry.close(connection, CloseCode.SendError, 'send_error');
      }
      return;
    }
    connection.messagesSent += count;
    connection.consecutiveSendErrors = 0;
    this.stats.messagesSent += count;
    this.stats.sentWindow.add(now, count);
  }

  /** Stops the consumers and the parked-client timer. */
  stop(): void {
    this.parked.stop();
    this.pool.stop();
  }

  onApplicationShutdown(): void {
    this.stop();
  }
}
