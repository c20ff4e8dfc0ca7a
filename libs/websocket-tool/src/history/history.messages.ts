/** Texts of topic history. */

export const historySingleNodeMessage = (): string =>
  'The "topics" option (history, latest values) is single-node for now: in cluster mode no history is kept, ' +
  'messages carry no positions and every resubscribe with "since" is answered recovered: false. See docs/recovery.md.';
