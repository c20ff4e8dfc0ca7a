import type { ClientConnection } from '../../connection/client-connection.js';
import type { ParsedEnvelope } from '../dispatch/envelope-parser.js';
import type { Correlation } from '../dispatch/envelope.js';

/**
 * The server's answer to one or more `system.*` message types. Add a new
 * one in `system-messages.ts`.
 */
export interface SystemMessageHandler {
  /** The message types it answers. */
  readonly types: readonly string[];
  /**
   * True for keep-alive messages: charged to the connection's control bucket
   * (`rateLimitControlPerSecond`) instead of its message bucket, and never
   * the end of a violation streak.
   */
  readonly keepAlive: boolean;
  /** Handles one admitted message; `id` is its `meta.id`, `now` its arrival time. */
  handle(connection: ClientConnection, envelope: ParsedEnvelope, id: Correlation, now: number): void;
}
