import type { ClientClock } from './clock.interface.js';

/**
 * Watches one open connection: asks for a `system.ping` every
 * `pingIntervalMs` (round-trip time, and traffic the server counts as a sign
 * of life), and calls `onDead` once nothing at all has arrived for
 * `deadAfterMs`. One timer each, re-armed lazily rather than on every message.
 */
export class LivenessMonitor {
  private lastTraffic = 0;
  private deadTimer: unknown = null;
  private pingTimer: unknown = null;

  constructor(
    private readonly clock: ClientClock,
    private readonly deadAfterMs: number,
    private readonly pingIntervalMs: number,
    private readonly onDead: () => void,
    private readonly onPingDue: () => void,
  ) {}

  start(): void {
    this.stop();
    this.lastTraffic = this.clock.now();
    this.armDead(this.deadAfterMs);
    this.armPing();
  }

  /** Any inbound frame proves the connection alive. */
  traffic(): void {
    this.lastTraffic = this.clock.now();
  }

  stop(): void {
    if (this.deadTimer !== null) this.clock.clearTimeout(this.deadTimer);
    if (this.pingTimer !== null) this.clock.clearTimeout(this.pingTimer);
    this.deadTimer = this.pingTimer = null;
  }

  private armDead(ms: number): void {
    if (this.deadAfterMs <= 0) return;
    this.deadTimer = this.clock.setTimeout(() => {
      this.deadTimer = null;
      const idle = this.clock.now() - this.lastTraffic;
      if (idle >= this.deadAfterMs) {
        this.stop();
        this.onDead();
      } else {
        this.armDead(this.deadAfterMs - idle);
      }
    }, ms);
  }

  private armPing(): void {
    if (this.pingIntervalMs <= 0) return;
    this.pingTimer = this.clock.setTimeout(() => {
      this.pingTimer = null;
      this.armPing();
      this.onPingDue();
    }, this.pingIntervalMs);
  }
}
