import type { MailboxSettings } from '../../config/mailbox-options.interface.js';
import { NO_SUBSCRIPTION, type Unsubscribe } from '../cluster-listener.js';
import { ClusterMailbox, type MailboxContents } from './cluster-mailbox.js';

/** Most clients with a mailbox on one node: past that, a message to yet another away client is not kept. */
export const MAX_MAILBOXES = 100_000;
/** How often mailboxes whose every message expired are forgotten. */
const SWEEP_MS = 60_000;

interface Mailbox {
  /** Serialized envelopes, oldest first, from `head` on. */
  messages: string[];
  /** When each message expires (ms since epoch). */
  expires: number[];
  head: number;
  dropped: number;
}

/**
 * The mailbox on one node: a bounded queue per client id in memory. Expired
 * messages are dropped (and counted) when the mailbox is written or taken; a
 * mailbox whose last message expired is forgotten within a minute.
 *
 * @internal
 */
export class InMemoryClusterMailbox extends ClusterMailbox {
  readonly enabled: boolean;
  private readonly boxes = new Map<string, Mailbox>();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    private readonly settings: MailboxSettings | null,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.enabled = settings !== null;
  }

  /** Clients with a mailbox now. */
  get size(): number {
    return this.boxes.size;
  }

  keep(clientId: string, json: string): boolean {
    const settings = this.settings;
    if (settings === null) return false;
    const now = this.now();
    let box = this.boxes.get(clientId);
    if (box === undefined) {
      if (this.boxes.size >= MAX_MAILBOXES) return false;
      box = { messages: [], expires: [], head: 0, dropped: 0 };
      this.boxes.set(clientId, box);
      this.startSweeper();
    }
    this.expire(box, now);
    if (box.messages.length - box.head >= settings.size) {
      box.head++;
      box.dropped++;
    }
    box.messages.push(json);
    box.expires.push(now + settings.ttlMs);
    if (box.head > 1024 && box.head * 2 > box.messages.length) this.compact(box);
    return true;
  }

  take(clientId: string): MailboxContents | null {
    const box = this.boxes.get(clientId);
    if (box === undefined) return null;
    this.boxes.delete(clientId);
    this.expire(box, this.now());
    return { messages: box.messages.slice(box.head), dropped: box.dropped };
  }

  /** On one node a message is kept only while its client is not connected here: no one is told. */
  subscribe(): Unsubscribe {
    return NO_SUBSCRIPTION;
  }

  /** Forgets the mailboxes whose every message expired (their dropped count goes with them). */
  sweep(): void {
    const now = this.now();
    for (const [clientId, box] of this.boxes) {
      this.expire(box, now);
      if (box.head === box.messages.length) this.boxes.delete(clientId);
    }
    if (this.boxes.size === 0 && this.sweeper !== null) {
      clearInterval(this.sweeper);
      this.sweeper = null;
    }
  }

  private expire(box: Mailbox, now: number): void {
    while (box.head < box.messages.length && box.expires[box.head] <= now) {
      box.head++;
      box.dropped++;
    }
  }

  private compact(box: Mailbox): void {
    box.messages = box.messages.slice(box.head);
    box.expires = box.expires.slice(box.head);
    box.head = 0;
  }

  private startSweeper(): void {
    if (this.sweeper !== null) return;
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }
}
