/** Texts of topic history. */

export const latestSingleNodeMessage = (): string =>
  'Latest-value topics without history are single-node for now: in cluster mode their last message is not kept. ' +
  'Give them a history (history: { size: 1, ttlSeconds }) to share it across the cluster. See docs/recovery.md.';
