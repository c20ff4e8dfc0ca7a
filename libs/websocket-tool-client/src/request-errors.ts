/**
 * The server answered a request with `system.error` (same `meta.id`).
 * `code` is the server's error code (`unknown_type`, `validation_failed`,
 * `handler_error`, `handler_timeout`, `forbidden`, `invalid_topic`, ...).
 *
 * @publicApi
 */
export class WsRequestError extends Error {
  override readonly name = 'WsRequestError';

  constructor(
    /** The server's `meta.code`. */
    readonly code: string,
    message: string,
    /** The whole `meta` of the error message (for example `errors` of a validation failure). */
    readonly meta: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * A request got no reply in time, or could not get one: the connection was
 * lost after it was sent, the client was closed, or its queued message was
 * dropped.
 *
 * @publicApi
 */
export class WsRequestFailedError extends Error {
  override readonly name = 'WsRequestFailedError';

  constructor(
    /** `timeout`, `connection_lost`, `closed` or `dropped`. */
    readonly reason: 'timeout' | 'connection_lost' | 'closed' | 'dropped',
    message: string,
  ) {
    super(message);
  }
}
