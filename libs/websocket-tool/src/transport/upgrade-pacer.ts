/**
 * Milliseconds of handshakes in one event-loop turn. A handshake costs about
 * 0.2 ms (HTTP parsing, the accept key, the checks, the welcome); when a
 * thousand clients come back at once (a deploy, a network blip), one TCP poll
 * holds hundreds of upgrade requests and handling them in a row held the loop
 * for 80 ms while the connected clients waited. Past this budget the next
 * upgrades wait for the following turns, in the order they arrived.
 */
export const UPGRADE_BUDGET_MS = 5;

/**
 * Spreads bursts of handshakes over event-loop turns. An upgrade that arrives
 * while the turn has budget left is handled at once (the common case: one
 * clock read); otherwise it joins a queue drained a budget's worth per turn.
 */
export class UpgradePacer {
  private readonly queue: Array<() => void> = [];
  private head = 0;
  private turnStart = -1;
  private drainScheduled = false;
  private readonly endTurn = () => {
    this.turnStart = -1;
  };
  private readonly drain = () => {
    this.drainScheduled = false;
    const start = this.clock.now();
    while (this.head < this.queue.length && this.clock.now() - start <= UPGRADE_BUDGET_MS) {
      const run = this.queue[this.head];
      this.queue[this.head++] = undefined as never;
      run();
    }
    if (this.head < this.queue.length) this.scheduleDrain();
    else {
      this.queue.length = 0;
      this.head = 0;
    }
  };

  /** `clock`: where the time of a turn is read; a test may supply its own. */
  constructor(private readonly clock: Pick<typeof performance, 'now'> = performance) {}

  /** Upgrades waiting for a later turn. */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  /** Runs `handshake` now, or after the upgrades queued before it. */
  admit(handshake: () => void): void {
    if (this.waiting === 0) {
      const now = this.clock.now();
      if (this.turnStart < 0) {
        this.turnStart = now;
        setImmediate(this.endTurn);
        return handshake();
      }
      if (now - this.turnStart <= UPGRADE_BUDGET_MS) return handshake();
    }
    this.queue.push(handshake);
    this.scheduleDrain();
  }

  /** Hands back the upgrades still waiting (on shutdown), so that each can be answered. */
  takeWaiting(): Array<() => void> {
    const waiting = this.queue.slice(this.head);
    this.queue.length = 0;
    this.head = 0;
    return waiting;
  }

  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(this.drain);
  }
}
