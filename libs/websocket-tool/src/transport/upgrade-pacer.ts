import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Milliseconds of handshakes in one event-loop turn. A handshake costs about
 * 0.2 ms (HTTP parsing, the accept key, the checks, the welcome); when a
 * thousand clients come back at once (a deploy, a network blip), one TCP poll
 * holds hundreds of upgrade requests and handling them in a row held the loop
 * for 80 ms while the connected clients waited. Past this budget the next
 * upgrades wait for the following turns, in the order they arrived. Kept as
 * short as the frames' budget (`TURN_BUDGET_MS`): both run in the same turns
 * of such a storm, and their sum is what a connected client waits.
 */
export const UPGRADE_BUDGET_MS = 2;

/** What the pacer hands an upgrade to: the arguments of the HTTP server's `upgrade` event. */
export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * Spreads bursts of handshakes over event-loop turns. An upgrade that arrives
 * while the turn has budget left is handled at once (the common case: one
 * clock read); otherwise it joins a queue drained a budget's worth per turn.
 * The queue holds the upgrade's arguments, three slots each, so that an
 * upgrade costs no closure, whether it waits or not.
 */
export class UpgradePacer {
  /** request, socket, head of each waiting upgrade, in arrival order. */
  private readonly queue: unknown[] = [];
  private head = 0;
  private turnStart = -1;
  private drainScheduled = false;
  private readonly endTurn = () => {
    this.turnStart = -1;
  };
  private readonly drain = () => {
    this.drainScheduled = false;
    const start = this.clock.now();
    while (this.head < this.queue.length && this.clock.now() - start <= UPGRADE_BUDGET_MS) this.runNext();
    if (this.head < this.queue.length) this.scheduleDrain();
    else this.reset();
  };

  /** `handle`: what an admitted upgrade goes to. `clock`: where the time of a turn is read; a test may supply its own. */
  constructor(
    private readonly handle: UpgradeHandler,
    private readonly clock: Pick<typeof performance, 'now'> = performance,
  ) {}

  /** Upgrades waiting for a later turn. */
  get waiting(): number {
    return (this.queue.length - this.head) / 3;
  }

  /** Handles an upgrade now, or after the upgrades queued before it. */
  admit(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.head === this.queue.length) {
      const now = this.clock.now();
      if (this.turnStart < 0) {
        this.turnStart = now;
        setImmediate(this.endTurn);
        return this.handle(request, socket, head);
      }
      if (now - this.turnStart <= UPGRADE_BUDGET_MS) return this.handle(request, socket, head);
    }
    this.queue.push(request, socket, head);
    this.scheduleDrain();
  }

  /** Handles every upgrade still waiting, at once (on shutdown, so that each gets its answer). */
  flushWaiting(): void {
    while (this.head < this.queue.length) this.runNext();
    this.reset();
  }

  private runNext(): void {
    const q = this.queue;
    const i = this.head;
    const request = q[i] as IncomingMessage;
    const socket = q[i + 1] as Duplex;
    const head = q[i + 2] as Buffer;
    q[i] = q[i + 1] = q[i + 2] = undefined;
    this.head = i + 3;
    this.handle(request, socket, head);
  }

  private reset(): void {
    this.queue.length = 0;
    this.head = 0;
  }

  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(this.drain);
  }
}
