import type { Unsubscribe } from '../cluster-listener.js';
import type { PresenceMember, PresenceStats } from './presence-member.js';

/**
 * Told of every join and leave of a topic with presence, on any node. `here`
 * is true on exactly one node per change: the one that made it (the node of
 * the member, or the node that found a dead node's member expired), so what
 * must happen once per cluster happens there.
 *
 * @internal
 */
export interface TopicPresenceListener {
  joined(topic: string, member: PresenceMember, here: boolean): void;
  left(topic: string, member: PresenceMember, here: boolean): void;
}

/**
 * The members of the topics with presence, across the cluster. A node adds
 * and removes its own members; every node hears every change. In Redis each
 * member expires unless its node keeps refreshing it, so the members of a node
 * that died leave within a bounded time (a leave is heard for each) and never
 * come back.
 *
 * @internal
 */
export abstract class ClusterTopicPresence {
  /** The name members of this node carry as `node`. */
  abstract readonly node: string;
  /** A connection of this node joined `topic`. */
  abstract join(topic: string, member: PresenceMember): void;
  /** A connection of this node left `topic`. */
  abstract leave(topic: string, clientId: string): void;
  /** The members of `topic` on every node; rejects when the shared store cannot be read. */
  abstract members(topic: string): Promise<PresenceMember[]>;
  /** How many members and distinct users `topic` has on every node. */
  abstract stats(topic: string): Promise<PresenceStats>;
  /** Registers a listener of every join and leave. */
  abstract subscribe(listener: TopicPresenceListener): Unsubscribe;
}
