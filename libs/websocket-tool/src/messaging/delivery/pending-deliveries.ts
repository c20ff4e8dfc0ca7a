import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { ClientConnection } from '../../connection/client-connection.js';
import type { SendFailureReason } from '../send-result.interface.js';
import type { DeliveryCounts } from './delivery.interface.js';

/** A client's answer to a server request: what its handler returned, or its error. */
export interface ClientReply {
  content: unknown;
  error?: { code: string; message: string };
}

/** What one acknowledged message (to one client or many) or one server request came to; travels as JSON between nodes. */
export interface DeliverySettlement {
  counts: DeliveryCounts;
  /** Why the last dropped recipient was dropped. */
  reason?: SendFailureReason;
  /** A server request's answer, when the client sent one. */
  reply?: ClientReply;
}

/**
 * One message waiting for its recipients' `system.ack` (or one request for its `system.reply`):
 * the connections still to answer, and the tally so far.
 */
export class PendingDelivery {
  readonly waiting = new Set<ClientConnection>();
  readonly settlement: DeliverySettlement = { counts: { delivered: 0, timeout: 0, offline: 0, dropped: 0 } };
  timer: NodeJS.Timeout | null = null;
  private sealed = false;
  done = false;

  constructor(
    readonly id: string,
    private readonly finish: (pending: PendingDelivery) => void,
  ) {}

  /** Every recipient has been tried: resolves at once if none is left to answer. */
  seal(): void {
    this.sealed = true;
    if (this.waiting.size === 0) this.finish(this);
  }

  /** A recipient is out of the wait (answered, left, or timed out). */
  settled(connection: ClientConnection): void {
    this.waiting.delete(connection);
    if (this.sealed && this.waiting.size === 0) this.finish(this);
  }
}

/**
 * Messages and requests waiting for the clients' answers, by the id they carry in `meta.ack_id` or
 * `meta.request_id`. An answer counts only from a connection the message was queued for; a connection
 * that leaves counts as `offline` at once; whoever has not answered at the deadline as `timeout`.
 *
 * @internal
 */
@Injectable()
export class PendingDeliveries implements OnApplicationShutdown {
  private readonly byId = new Map<string, PendingDelivery>();
  private readonly byConnection = new Map<ClientConnection, Set<PendingDelivery>>();
  private readonly prefix = randomBytes(4).toString('hex') + '.';
  private sequence = 0;

  /** Messages and requests still waiting. */
  get size(): number {
    return this.byId.size;
  }

  /** Starts waiting; `done` gets the tally when every recipient has answered, left or timed out. */
  open(timeoutMs: number, done: (settlement: DeliverySettlement) => void): PendingDelivery {
    const id = this.prefix + (++this.sequence).toString(36);
    const pending = new PendingDelivery(id, (p) => {
      if (p.done) return;
      p.done = true;
      if (p.timer) clearTimeout(p.timer);
      this.byId.delete(p.id);
      done(p.settlement);
    });
    pending.timer = setTimeout(() => this.expire(pending), timeoutMs);
    this.byId.set(id, pending);
    return pending;
  }

  /** `connection` has the message queued: its answer is awaited. */
  expect(pending: PendingDelivery, connection: ClientConnection): void {
    pending.waiting.add(connection);
    let set = this.byConnection.get(connection);
    if (!set) this.byConnection.set(connection, (set = new Set()));
    set.add(pending);
  }

  /** An answer from `connection` to `id`: false when nothing of that id waits for that connection (late, or never asked). */
  settle(connection: ClientConnection, id: string, reply?: ClientReply): boolean {
    const pending = this.byId.get(id);
    if (!pending?.waiting.has(connection)) return false;
    pending.settlement.counts.delivered++;
    if (reply) pending.settlement.reply = reply;
    this.forget(pending, connection);
    return true;
  }

  /** The connection is gone: whatever waited for it is `offline`. */
  connectionLeft(connection: ClientConnection): void {
    const set = this.byConnection.get(connection);
    if (!set) return;
    this.byConnection.delete(connection);
    for (const pending of set) {
      pending.settlement.counts.offline++;
      pending.settled(connection);
    }
  }

  onApplicationShutdown(): void {
    for (const pending of Array.from(this.byId.values())) this.expire(pending);
  }

  private expire(pending: PendingDelivery): void {
    pending.timer = null;
    for (const connection of Array.from(pending.waiting)) {
      pending.settlement.counts.timeout++;
      this.forget(pending, connection);
    }
    pending.seal();
  }

  private forget(pending: PendingDelivery, connection: ClientConnection): void {
    const set = this.byConnection.get(connection);
    if (set) {
      set.delete(pending);
      if (set.size === 0) this.byConnection.delete(connection);
    }
    pending.settled(connection);
  }
}
