import type { Logger } from '@nestjs/common';
import type { ClientQueue } from './client-queue.js';

/** Clients one consumer flushes before it yields to I/O. */
const CLIENTS_PER_SLICE = 256;

/** A consumer loop's state, for the supervisor. */
export interface ConsumerState {
  index: number;
  alive: boolean;
  lastError: unknown;
}

/**
 * The list of client queues with something to write, and the pool of
 * consumer loops that take them in turn and flush each.
 *
 * @internal
 */
export class ReadyConsumers {
  readonly consumers: ConsumerState[] = [];
  private ready: ClientQueue[] = [];
  private readyHead = 0;
  private wakeUp: (() => void) | null = null;
  private wakePromise: Promise<void> | null = null;
  private wakeScheduled = false;
  private stopped = false;

  constructor(
    poolSize: number,
    private readonly flush: (queue: ClientQueue) => void,
    private readonly logger: Logger,
  ) {
    for (let i = 0; i < poolSize; i++) this.consumers.push({ index: i, alive: false, lastError: null });
  }

  /** Starts every consumer that is not running. Returns how many were (re)started. */
  start(): number {
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

  /** Adds a queue to the ready list (the caller marked it `scheduled`). */
  push(queue: ClientQueue): void {
    this.ready.push(queue);
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
  signal(): void {
    if (this.wakeUp && !this.wakeScheduled) {
      this.wakeScheduled = true;
      queueMicrotask(this.wakeConsumers);
    }
  }

  /** Stops the consumers for good. */
  stop(): void {
    this.stopped = true;
    this.signal();
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

  private takeReady(): ClientQueue | undefined {
    if (this.readyHead >= this.ready.length) {
      if (this.ready.length > 0) {
        this.ready = [];
        this.readyHead = 0;
      }
      return undefined;
    }
    const queue = this.ready[this.readyHead];
    this.ready[this.readyHead++] = undefined as unknown as ClientQueue;
    return queue;
  }

  private async consume(state: ConsumerState): Promise<void> {
    let flushed = 0;
    while (!this.stopped) {
      const queue = this.takeReady();
      if (!queue) {
        flushed = 0;
        await this.waitForWork();
        continue;
      }
      try {
        this.flush(queue);
      } catch (err) {
        // Put the client back so a restarted consumer delivers what it holds.
        queue.scheduled = true;
        this.ready.push(queue);
        state.lastError = err;
        throw err;
      }
      if (++flushed >= CLIENTS_PER_SLICE) {
        flushed = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }
}
