/**
 * Where the connection stands: `idle` before the first connect, `connecting`
 * during a handshake, `open`, `reconnecting` while waiting for the next
 * attempt, `closed` once the client stopped for good (`close()`, a terminal
 * close code, or too many failed attempts).
 *
 * @publicApi
 */
export type ClientState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/**
 * A connection state change. A dropped connection produces `closed` with
 * `willReconnect: true`, then `reconnecting` with the delay, then
 * `connecting` and `open` again. After a handshake the server refused with an
 * HTTP status, `reconnecting` also carries that status and its `Retry-After`.
 *
 * @publicApi
 */
export type ClientStateEvent =
  | { state: 'connecting'; attempt: number }
  | { state: 'open'; attempt: number }
  | { state: 'closed'; code: number; reason: string; willReconnect: boolean }
  | {
      state: 'reconnecting';
      attempt: number;
      delayMs: number;
      retryAt: number;
      /**
       * The HTTP status the server refused the handshake with (429, 503...).
       * Only with the `ws` package: browsers do not show it.
       */
      handshakeStatus?: number;
      /** The refusal's `Retry-After` in milliseconds (null without one); the delay is at least this. */
      retryAfterMs?: number | null;
    };

/** A snapshot of a client's counters. @publicApi */
export interface ClientStats {
  state: ClientState;
  /** Round-trip time of the last answered `system.ping`, in milliseconds. */
  rttMs: number | null;
  /** Connections opened so far. */
  connects: number;
  /** Failed connection attempts in a row. */
  attempt: number;
  /** Messages waiting in the offline queue. */
  queued: number;
  /** Messages the offline queue gave up. */
  dropped: number;
  /** Requests waiting for their reply. */
  pendingRequests: number;
  /** When (client clock) the server's rate limit lets sends resume, or 0 if not held. */
  rateLimitedUntil: number;
  /** Topics the client holds (re-subscribed after every reconnect). */
  topics: string[];
}
