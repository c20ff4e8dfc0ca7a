import type { Unsubscribe } from '../cluster-listener.js';

/**
 * Told, on exactly one node, when a topic got its first subscriber in the
 * whole cluster (`occupied`) or lost its last one (`vacated`), including by
 * the death of the node that held them.
 *
 * @internal
 */
export interface TopicOccupancyListener {
  occupied(topic: string): void;
  vacated(topic: string): void;
}

/**
 * Which topics have subscribers anywhere in the cluster. A node reports when
 * a topic gets its first subscriber on it and when it loses its last one; the
 * implementation tells the listener of the one node whose report changed the
 * cluster-wide answer.
 *
 * @internal
 */
export abstract class ClusterTopicOccupancy {
  /** `topic` got its first subscriber on this node. */
  abstract nodeOccupied(topic: string): void;
  /** `topic` lost its last subscriber on this node. */
  abstract nodeVacated(topic: string): void;
  /** Registers the listener of the cluster-wide changes made here. */
  abstract subscribe(listener: TopicOccupancyListener): Unsubscribe;
}
