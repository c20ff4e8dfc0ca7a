/** Someone waiting for an outcome. */
export interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * The topics a client holds (kept across reconnects), which of them the
 * server confirmed on the current connection, and the `subscribe()` callers
 * still waiting for that confirmation.
 */
export class TopicSubscriptions {
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly confirmed = new Set<string>();

  names(): string[] {
    return [...this.waiters.keys()];
  }

  has(topic: string): boolean {
    return this.waiters.has(topic);
  }

  /**
   * Adds a caller for `topic`. Returns true if the topic is new, so it must be
   * subscribed; a topic already confirmed on this connection resolves at once.
   */
  add(topic: string, waiter: Waiter): boolean {
    const waiting = this.waiters.get(topic);
    if (!waiting) {
      this.waiters.set(topic, [waiter]);
      return true;
    }
    if (this.confirmed.has(topic)) waiter.resolve();
    else waiting.push(waiter);
    return false;
  }

  /** The server confirmed the topic: resolve its callers. */
  confirm(topic: string): void {
    const waiting = this.waiters.get(topic);
    if (!waiting) return;
    this.confirmed.add(topic);
    this.waiters.set(topic, []);
    for (const waiter of waiting) waiter.resolve();
  }

  /** Forgets the topic and rejects its callers. Returns how many callers there were. */
  remove(topic: string, error: Error): number {
    const waiting = this.waiters.get(topic) ?? [];
    this.waiters.delete(topic);
    this.confirmed.delete(topic);
    for (const waiter of waiting) waiter.reject(error);
    return waiting.length;
  }

  /** A new connection knows none of the topics yet. */
  resetConfirmations(): void {
    this.confirmed.clear();
  }

  /** Rejects every caller but keeps the topics (a later `connect()` subscribes them again). */
  rejectWaiters(error: Error): void {
    for (const [topic, waiting] of this.waiters) {
      this.waiters.set(topic, []);
      for (const waiter of waiting) waiter.reject(error);
    }
  }
}
