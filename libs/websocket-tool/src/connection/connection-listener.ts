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
  /** A connection was registered under its client id. */
  added?(connection: ClientConnection): void;
  /** A connection's client id was released (not called for a connection already replaced under its id). */
  released?(connection: ClientConnection): void;
  /** A connection left, for `reason`: after it was forgotten and counted. */
  removed?(connection: ClientConnection, reason: DisconnectReason): void;
  /**
   * A connection subscribed to a topic, before the acknowledgement: what the
   * listener queues for it precedes any message published to the topic later
   * (task history replay).
   */
  subscribed?(connection: ClientConnection, topic: string): void;
}

/** Stops a listener added with `listen`. */
export type StopListening = () => void;
