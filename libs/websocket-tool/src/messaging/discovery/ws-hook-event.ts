/**
 * The lifecycle events a provider method can hook into.
 *
 * - `connect(client)`: after the welcome message is queued.
 * - `disconnect(client, reason)`: once per connection, with its `DisconnectReason`.
 * - `message_received(message, context)`: after an inbound message is parsed
 *   and admitted, before its handler runs.
 * - `message_failed(failure)`: a handler failed, or an outbound send failed.
 *
 * @publicApi
 */
export type WsHookEvent = 'connect' | 'disconnect' | 'message_received' | 'message_failed';

/** @publicApi */
export const WS_HOOK_EVENTS: readonly WsHookEvent[] = ['connect', 'disconnect', 'message_received', 'message_failed'];

/**
 * What `message_failed` hooks receive.
 *
 * @publicApi
 */
export interface WsMessageFailure {
  clientId: string;
  /** `inbound`: the handler failed; `outbound`: a send to the client failed. */
  direction: 'inbound' | 'outbound';
  type: string | null;
  error: unknown;
}
