import type { WsOutboundMessage } from '../protocol/envelope.interface.js';
import type { EnqueueOutcome } from './enqueue-outcome.js';

/**
 * What the registry and the connection's snapshot need of a connection's
 * outbound queue. The queue itself (frames, budgets, parking) belongs to
 * `outbound/`, which implements this and attaches one per connection.
 *
 * @internal
 */
export interface ConnectionOutput {
  /** Messages waiting for this connection. */
  readonly queued: number;
  /** Bytes of those messages. */
  readonly queuedBytes: number;
  /** Writes what is queued now, as far as the socket takes it (before a close frame). */
  flush(): void;
  /** Drops everything queued (the connection is going away). */
  discard(): void;
  /** Serializes and queues one message (the `WsClient.send` of this connection). */
  send(message: WsOutboundMessage): EnqueueOutcome;
}

/** The output of a connection no queue is attached to: holds nothing. */
export const NO_OUTPUT: ConnectionOutput = {
  queued: 0,
  queuedBytes: 0,
  flush: () => undefined,
  discard: () => undefined,
  send: () => 'closed',
};
