import type { DisconnectReason } from '../protocol/close-codes.js';
import type { ClientConnection } from './client-connection.js';

/**
 * What the layers above the registry react to: a connection arriving,
 * leaving, subscribing. Each method is optional; listeners are called in the
 * order they were added, synchronously, and must not throw.
 *
 * @internal
 */
export interface ConnectionListener {
  /** The registry started holding a client id (the cluster's presence announces it). */
  added?(connection: ClientConnection): void;
  /** The registry stopped holding a client id: not called for a connection already replaced by a newer one with the same id. */
  removed?(connection: ClientConnection): void;
  /** A connection left, for `reason`: after it was forgotten and counted (the app's `disconnect` hooks). */
  disconnected?(connection: ClientConnection, reason: DisconnectReason): void;
  /**
   * A connection subscribed to a topic, before the acknowledgement: what the
   * listener queues for it precedes any message published to the topic later
   * (task history replay).
   */
  subscribed?(connection: ClientConnection, topic: string): void;
  /** A connection left a topic: it unsubscribed, or it left (then after `removed`, before `disconnected`). */
  unsubscribed?(connection: ClientConnection, topic: string): void;
}

/** Stops a listener added with `listen`. */
export type StopListening = () => void;
