import type { Unsubscribe } from '../cluster-listener.js';

/** What a client's mailbox held when it was taken: the kept messages, oldest first, and how many were dropped. @internal */
export interface MailboxContents {
  /** The kept envelopes, as serialized when sent, oldest first. */
  messages: string[];
  /** Messages dropped since the mailbox was last taken: pushed out by the size limit, or expired. */
  dropped: number;
}

/** Told when a message was kept for a client: the node holding it takes its mailbox again. @internal */
export interface ClusterMailboxListener {
  kept(clientId: string): void;
}

/**
 * The offline mailbox of named clients (the `mailbox` option): messages sent
 * to a client connected nowhere are kept, at most `size` per client, each for
 * `ttlMs`, and taken by the node the client connects to. Off (keeps nothing)
 * when the option is not set.
 *
 * @internal
 */
export abstract class ClusterMailbox {
  /** True when the `mailbox` option is set. */
  abstract readonly enabled: boolean;
  /** Keeps a serialized envelope for `clientId`; false when it was not kept (off, too many mailboxes, Redis unreachable). */
  abstract keep(clientId: string, json: string): boolean;
  /**
   * Takes (and empties) the mailbox of `clientId`: null when it holds
   * nothing. Synchronous on one node; over Redis a promise, which resolves to
   * null when Redis could not answer (the mailbox is then left as it was).
   */
  abstract take(clientId: string): MailboxContents | null | Promise<MailboxContents | null>;
  /** Registers the receiver of `kept` notices (over Redis, from every node). */
  abstract subscribe(listener: ClusterMailboxListener): Unsubscribe;
}
