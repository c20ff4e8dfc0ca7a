import type { Unsubscribe } from '../cluster-listener.js';

/**
 * Receives the messages other nodes published, to deliver to this node's
 * clients. One object, registered once; every method gets the envelope as
 * the publishing node serialized it, so nothing is parsed again.
 *
 * @internal
 */
export interface ClusterDeliveryListener {
  /** A broadcast, but not to the client ids in `except` (null: to everyone). */
  deliverBroadcast(json: string, except: readonly string[] | null): void;
  /** A message for the subscribers of `topic`. */
  deliverTopic(topic: string, json: string): void;
  /** A message for one client of this node. */
  deliverToClient(clientId: string, json: string): void;
  /** A message for every connection of one user on this node. */
  deliverToUser(userId: string, json: string): void;
}

/**
 * Message fan-out between nodes. A node delivers its own messages to its own
 * clients itself and hands them here once, serialized, for the other nodes;
 * they come back to no one here (no self-echo). Messages of one node reach
 * every other node in the order they were sent, at most once.
 *
 * The single-node implementation drops everything and costs one empty call.
 *
 * @internal
 */
export abstract class ClusterBroker {
  /** Sends a broadcast (already delivered here) to the other nodes. */
  abstract publishBroadcast(json: string, except: ReadonlySet<string> | null): void;
  /** Sends a topic message (already delivered here) to the other nodes. */
  abstract publishTopic(topic: string, json: string): void;
  /**
   * Sends a message to a client connected to another node; false when it was
   * dropped (no node holds the client, or the outbox is full).
   */
  abstract sendToClient(clientId: string, json: string): boolean;
  /** Sends a message for one user (already delivered to its connections here) to the other nodes. */
  abstract publishUser(userId: string, json: string): void;
  /** Registers the receiver of the other nodes' messages. */
  abstract subscribe(listener: ClusterDeliveryListener): Unsubscribe;
}
