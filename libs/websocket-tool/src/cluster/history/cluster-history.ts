import type { Unsubscribe } from '../cluster-listener.js';

/** How long a topic's history keeps messages: the last `size`, each for `ttlMs`. @internal */
export interface HistoryLimits {
  readonly size: number;
  readonly ttlMs: number;
}

/**
 * A message to stamp, as three pieces of frame JSON: the frame is
 * `head + offset + mid + epoch + tail`, so the offset and the epoch can be
 * written in by whoever assigns them (in cluster mode, Redis) without parsing.
 *
 * @internal
 */
export interface StampableFrame {
  readonly head: string;
  readonly mid: string;
  readonly tail: string;
}

/** Receives every stamped message of the cluster, this node's own included, in the topic's offset order. @internal */
export interface ClusterHistoryListener {
  /** `ackId`: the message was published with `ack: true`; each node asks its subscribers to acknowledge it under this id. */
  deliverStamped(topic: string, offset: number, epoch: string, json: string, ackId?: string): void;
}

/** The last position of a topic's shared history: the offset of its last message and its epoch. @internal */
export interface HistoryTop {
  readonly offset: number;
  readonly epoch: string;
}

/**
 * Hears when this node's subscription to the cluster's messages was lost and
 * when it holds again: stamped messages published meanwhile never reached it.
 *
 * @internal
 */
export interface ClusterHistoryLinkListener {
  lost(): void;
  back(): void;
}

/**
 * What a read of a topic's shared history found: its epoch, the offset of its
 * last message at the time of the read, and the frames asked for.
 *
 * `recovered` (resume reads with a `since`): true when every message after
 * `since` is still kept and `frames` are exactly those, in order.
 *
 * @internal
 */
export interface ClusterHistoryRead {
  readonly epoch: string;
  readonly offset: number;
  readonly recovered: boolean;
  readonly frames: readonly string[];
}

/**
 * Topic history shared by every node (cluster mode). One publish assigns the
 * next offset, keeps the stamped message and sends it to every node in one
 * atomic step, so all nodes see one order per topic; the epoch names the
 * history and changes when it is lost (FLUSHALL, Redis restart without
 * persistence, every message expired).
 *
 * On a single node the history lives in each node's memory
 * (`TopicHistoryStore` and its rings) and this seam is not `shared`: it keeps
 * nothing and never delivers.
 *
 * @internal
 */
export abstract class ClusterHistory {
  /** True when topic history is kept for the whole cluster through this seam. */
  abstract readonly shared: boolean;
  /**
   * Stamps, keeps and sends a message to every node (this one included, which
   * delivers it to its own subscribers when it comes back). False when it
   * could not be sent (Redis unreachable now): nothing was kept. `ackId` travels beside the message (not in
   * it, so the history keeps it as any other) to every node's `deliverStamped`.
   */
  abstract publish(topic: string, frame: StampableFrame, limits: HistoryLimits, ackId?: string): boolean;
  /**
   * Reads what a subscriber gets: the messages after `since` (when given) or,
   * if not recovered and `latest`, the last kept message. Rejects on a Redis
   * failure or after the request timeout.
   */
  abstract resume(
    topic: string,
    limits: HistoryLimits,
    since: { offset: number; epoch: string } | null,
    latest: boolean,
  ): Promise<ClusterHistoryRead>;
  /** The kept frames after `since` (all kept when undefined), oldest first; `recovered` is true. */
  abstract read(topic: string, limits: HistoryLimits, since: number | undefined): Promise<ClusterHistoryRead>;
  /** Keeps `json` as the last value of a latest-value topic without history (the previous one is replaced). */
  abstract keepLatest(topic: string, json: string): void;
  /** The last value kept for a latest-value topic without history, or null. Rejects like `resume`. */
  abstract latest(topic: string): Promise<string | null>;
  /**
   * The messages the cluster's histories hold in Redis (expired ones the
   * streams still hold included, as they take memory until trimmed). Rejects
   * like `resume`.
   */
  abstract keptMessages(): Promise<number>;
  /**
   * The last position of each topic (null for one whose history is not kept
   * any more), in the order asked, read in batches. Rejects like `resume`.
   */
  abstract tops(topics: readonly string[]): Promise<Array<HistoryTop | null>>;
  /** Registers the receiver of stamped messages. */
  abstract subscribe(listener: ClusterHistoryListener): Unsubscribe;
  /** Registers a listener of the link's losses and returns (never called on a single node). */
  abstract watchLink(listener: ClusterHistoryLinkListener): Unsubscribe;
}
