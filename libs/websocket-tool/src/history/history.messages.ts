/** Texts of topic history. */

export const historyNotSharedMessage = (): string =>
  'The "topics" option (history, latest values) needs a shared history in cluster mode and none is configured: ' +
  'no history is kept, messages carry no positions and every resubscribe with "since" is answered recovered: false.';
