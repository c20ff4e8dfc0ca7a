/**
 * Why a message did not reach (the queue of) its recipient.
 *
 * - `unknown_client`: no client with that id is connected.
 * - `queue_full`: the outbound queue was full; the message was dropped and
 *   counted as a queue overflow.
 * - `not_serializable`: the message could not be turned into JSON.
 * - `history_unavailable`: cluster mode, a topic with history, and Redis
 *   unreachable: the message was neither kept nor sent to anyone.
 *
 * @publicApi
 */
export type SendFailureReason = 'unknown_client' | 'queue_full' | 'not_serializable' | 'history_unavailable';

/**
 * What a `BroadcastService` call did: how many recipients got the message
 * queued, how many were dropped, and why if nothing went out. `ok` is false
 * whenever any recipient's copy was dropped or the target was unknown.
 *
 * @publicApi
 */
export interface SendResult {
  ok: boolean;
  queued: number;
  dropped: number;
  reason?: SendFailureReason;
  /**
   * `sendToClient` only, with the `mailbox` option: 1 when the client was connected nowhere and the message was
   * kept in its offline mailbox (`ok: true`, `queued: 0`), to be delivered when it connects again. In cluster mode
   * the message was handed to Redis. Absent otherwise.
   */
  kept?: number;
  /**
   * `publish` and `broadcast` with an `idempotencyKey` only: true when the key was already used within its
   * window (on any node): nothing was sent (`ok: true`, `queued: 0`). Absent otherwise.
   */
  duplicate?: boolean;
}
