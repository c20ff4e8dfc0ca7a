import type { WsOutgoingMessage } from './message.interface.js';
import { OfflineQueue, type DropReason } from './offline-queue.js';
import type { PendingRequest, PendingRequests } from './pending-requests.js';
import { RateLimitGate, type RateLimitNotice } from './rate-limit-gate.js';
import { WsRequestFailedError } from './request-errors.js';
import type { ResolvedClientOptions } from './resolve-client-options.js';
import { serializeMessage } from './outgoing-message.js';
import type { WebSocketLike } from './websocket-like.interface.js';

/** What `send()` did with a message. @publicApi */
export type SendOutcome = 'sent' | 'queued' | 'dropped';

/** A message waiting in the offline queue; serialized when it was sent, so a bad one fails at the call. */
export interface QueuedMessage {
  json: string;
  message: WsOutgoingMessage;
  request?: PendingRequest;
}

/**
 * Everything the client writes: at once while the connection is open and the
 * server's rate limit allows, else into the bounded offline queue, drained in
 * order once it does.
 */
export class Outbox {
  private readonly queue: OfflineQueue<QueuedMessage>;
  private readonly gate = new RateLimitGate();
  private drainTimer: unknown = null;
  private droppedCount = 0;

  /**
   * @param openSocket - the socket if the connection is open, else null
   * @param pending - requests, rejected when their message is dropped from the queue
   */
  constructor(
    private readonly options: ResolvedClientOptions,
    private readonly openSocket: () => WebSocketLike | null,
    private readonly pending: PendingRequests,
  ) {
    this.queue = new OfflineQueue<QueuedMessage>(options.offlineQueueSize, options.offlineDropPolicy, (item, reason) =>
      this.onDrop(item, reason),
    );
  }

  /** Messages waiting in the queue. */
  get size(): number {
    return this.queue.size;
  }

  /** Messages the queue gave up. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** When (client clock) the rate limit lets sends resume, or 0 if not held. */
  heldUntil(now: number): number {
    return this.gate.heldUntil(now);
  }

  /** Writes the message now if it may, else queues it. */
  send(item: QueuedMessage): SendOutcome {
    const now = this.options.clock.now();
    if (this.openSocket() !== null && this.queue.size === 0 && this.gate.nextAllowedAt(now) <= now) {
      this.write(item);
      return 'sent';
    }
    const kept = this.queue.push(item);
    this.scheduleDrain();
    return kept ? 'queued' : 'dropped';
  }

  /** For protocol messages, exempt from the server's rate limit: written now or not at all. */
  writeDirect(message: WsOutgoingMessage): boolean {
    const socket = this.openSocket();
    if (socket === null) return false;
    socket.send(serializeMessage(message));
    return true;
  }

  /** Reports a message dropped without being queued (the client is closed). */
  drop(item: QueuedMessage, reason: DropReason): void {
    this.onDrop(item, reason);
  }

  /** Puts a request the server refused unprocessed back at the front, to go first once allowed. */
  requeue(item: QueuedMessage): void {
    this.queue.unshift(item);
  }

  /** Takes a message out of the queue (a request that timed out). */
  remove(item: (queued: QueuedMessage) => boolean): void {
    this.queue.remove(item);
  }

  /** The server rate-limited the client: hold sends as it says (then `scheduleDrain()`). */
  onRateLimited(now: number, notice: RateLimitNotice): void {
    this.gate.onRateLimited(now, notice);
  }

  /** A new connection: the server's limit starts afresh. */
  resetLimit(): void {
    this.gate.reset();
  }

  /** The connection is gone: stop the drain timer. */
  onDetach(): void {
    if (this.drainTimer !== null) this.options.clock.clearTimeout(this.drainTimer);
    this.drainTimer = null;
  }

  /** The client stopped: drop everything queued. */
  clear(reason: DropReason): void {
    this.queue.clear(reason);
  }

  private write(item: QueuedMessage): void {
    (this.openSocket() as WebSocketLike).send(item.json);
    this.gate.recordSend(this.options.clock.now());
    if (item.request) item.request.sent = true;
  }

  /** Writes what waited, as far as the rate limit allows now; schedules the rest. */
  drain(): void {
    this.onDetach();
    while (this.openSocket() !== null && this.queue.size > 0) {
      const now = this.options.clock.now();
      if (this.gate.nextAllowedAt(now) > now) {
        this.scheduleDrain();
        return;
      }
      this.write(this.queue.shift() as QueuedMessage);
    }
  }

  /** Drains the queue once the rate limit allows. */
  scheduleDrain(): void {
    if (this.drainTimer !== null || this.openSocket() === null || this.queue.size === 0) return;
    const now = this.options.clock.now();
    this.drainTimer = this.options.clock.setTimeout(
      () => {
        this.drainTimer = null;
        this.drain();
      },
      Math.max(0, this.gate.nextAllowedAt(now) - now),
    );
  }

  private onDrop(item: QueuedMessage, reason: DropReason): void {
    this.droppedCount++;
    if (item.request) {
      const error = new WsRequestFailedError(reason === 'closed' ? 'closed' : 'dropped', `"${item.message.type}" was dropped (${reason}).`);
      this.pending.reject(item.request.id, error);
    }
    try {
      this.options.onDrop?.(item.message, reason);
    } catch (error) {
      this.options.logger.error('The onDrop callback threw.', error);
    }
  }
}
