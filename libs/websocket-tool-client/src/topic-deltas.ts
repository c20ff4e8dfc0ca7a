import { applyStringDelta } from 'fossil-delta';
import type { WsMessage, WsOutgoingMessage } from './message.interface.js';
import { SystemMessageType } from './protocol/index.js';

/**
 * The client's copy of each topic it gets deltas for: the JSON text of the topic's last message. A
 * `system.delta` is rebuilt against it and checked (fossil's checksum of the result); one that cannot be
 * rebuilt (no copy, or a mismatch) asks the server for the topic's last message in full, and the deltas
 * until it comes are skipped.
 */
export class TopicDeltas {
  /** Topics subscribed with deltas, and the text of their last message (null before the first). */
  private readonly copies = new Map<string, string | null>();
  /** Topics whose reset was asked and not answered yet. */
  private readonly resetting = new Set<string>();
  /** Deltas rebuilt, and deltas that could not be (each followed by the full message). */
  rebuilt = 0;
  mismatched = 0;

  constructor(private readonly write: (message: WsOutgoingMessage) => boolean) {}

  wants(topic: string): boolean {
    return this.copies.has(topic);
  }

  want(topic: string, delta: boolean): void {
    if (!delta) this.forget(topic);
    else if (!this.copies.has(topic)) this.copies.set(topic, null);
  }

  forget(topic: string): void {
    this.copies.delete(topic);
    this.resetting.delete(topic);
  }

  /** A new connection: the server starts each topic in full again. */
  restart(): void {
    for (const topic of this.copies.keys()) this.copies.set(topic, null);
    this.resetting.clear();
  }

  /** Keeps the text of a full message of a delta topic. */
  observe(text: string, message: WsMessage): void {
    const topic = message.meta.topic;
    if (typeof topic !== 'string' || !this.copies.has(topic) || message.type === SystemMessageType.Delta) return;
    this.copies.set(topic, text);
    this.resetting.delete(topic);
  }

  /** The rebuilt text of a `system.delta`, or null when it cannot be rebuilt (a reset is then asked, once). */
  rebuild(message: WsMessage): string | null {
    const topic = message.meta.topic;
    if (typeof topic !== 'string' || !this.copies.has(topic) || this.resetting.has(topic)) return null;
    const base = this.copies.get(topic);
    if (typeof base === 'string' && typeof message.content === 'string') {
      try {
        const text = applyStringDelta(base, message.content, { verifyChecksum: true });
        this.rebuilt++;
        return text;
      } catch {
        // A mismatch: the full message follows the reset.
      }
    }
    this.mismatched++;
    this.copies.set(topic, null);
    this.resetting.add(topic);
    this.write({ type: SystemMessageType.DeltaReset, content: { topic } });
    return null;
  }
}
