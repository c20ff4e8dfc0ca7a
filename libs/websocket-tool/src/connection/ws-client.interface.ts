import type { WsOutboundMessage } from '../protocol/envelope.interface.js';
import type { EnqueueOutcome } from './enqueue-outcome.js';
import type { ConnectionInfo } from './connection-info.interface.js';

/**
 * The handle hooks and handlers get for one connection.
 *
 * @publicApi
 */
export interface WsClient {
  readonly clientId: string;
  readonly named: boolean;
  readonly identity: unknown;
  /** A fresh snapshot of the connection's state. */
  info(): ConnectionInfo;
  /** Queues a message for this client. */
  send(message: WsOutboundMessage): EnqueueOutcome;
  /** Adds this client to a topic (validated like `system.subscribe`). */
  subscribe(topic: string): boolean;
  unsubscribe(topic: string): boolean;
  /** Closes the connection with `server_disconnect` (4000) or the given reason text. */
  disconnect(reason?: string): void;
}
