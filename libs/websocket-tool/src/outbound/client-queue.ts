import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { ClientConnection } from '../connection/client-connection.js';
import type { ConnectionOutput } from '../connection/connection-output.js';
import type { EnqueueOutcome } from '../connection/enqueue-outcome.js';
import type { WsOutboundMessage } from '../protocol/envelope.interface.js';
import type { OutboundFrame } from './outbound-frame.js';

/** What a client's queue calls back into: the queues (`OutboundQueue`). */
export interface ClientQueuePool {
  flushQueue(queue: ClientQueue): void;
  discardQueue(queue: ClientQueue): void;
  recordSendResult(queue: ClientQueue, err?: Error | null, count?: number): void;
}

/** What a client's `send` goes through: the one sender (`OutboundSender`). */
export interface MessageSender {
  sendTo(connection: ClientConnection, message: WsOutboundMessage): EnqueueOutcome;
}

/**
 * One connection's outbound queue and the state the consumers keep about it,
 * as plain fields: created once per connection and attached to it as its
 * `output`, so a delivery reaches it without a lookup.
 *
 * @internal
 */
export class ClientQueue implements ConnectionOutput {
  /** Frames waiting, consumed from `head`, compacted when empty. */
  frames: (OutboundFrame | undefined)[] = [];
  head = 0;
  /** Bytes of the frames in `frames` (a shared frame counts in full for every client that holds it). */
  queuedBytes = 0;
  /**
   * While the socket is above the high-water mark: since when its buffer has
   * not gone down, and how full it was then (slow-consumer detection).
   */
  stalledSince = 0;
  stalledAt = 0;
  /** Corked batches written to the socket since the connection opened (a batch is one consumer turn for this client). */
  batches = 0;
  /** True while the queue sits in the ready list or is parked. */
  scheduled = false;
  readonly socket: WebSocket;
  /**
   * The TCP socket under the WebSocket, written to directly with frames
   * built once per message; null when a negotiated extension
   * (permessage-deflate) needs `ws` to frame each message itself.
   */
  readonly rawSocket: Socket | null;
  /** Bound once per connection so sends allocate no closure. */
  readonly onSent: (err?: Error | null) => void;

  constructor(
    readonly connection: ClientConnection,
    private readonly pool: ClientQueuePool,
    private readonly sender: MessageSender,
  ) {
    this.socket = connection.socket;
    this.rawSocket = connection.rawSocket;
    this.onSent = (err) => pool.recordSendResult(this, err);
  }

  get queued(): number {
    return this.frames.length - this.head;
  }

  flush(): void {
    this.pool.flushQueue(this);
  }

  discard(): void {
    this.pool.discardQueue(this);
  }

  send(message: WsOutboundMessage): EnqueueOutcome {
    return this.sender.sendTo(this.connection, message);
  }
}

/** The queue `outbound/` attached to a connection. */
export function queueOf(connection: ClientConnection): ClientQueue {
  return connection.output as ClientQueue;
}
