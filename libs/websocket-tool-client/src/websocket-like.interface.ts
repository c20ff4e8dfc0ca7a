/**
 * The part of the WebSocket API the client uses. Browsers' native
 * `WebSocket`, the `ws` package and Node's global `WebSocket` all provide it.
 *
 * @publicApi
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  /** The listener's event is typed `unknown` so every implementation's own event types fit. */
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: unknown) => void): void;
  /** Only `ws`: drops the connection at once, without a closing handshake. */
  terminate?(): void;
}

/**
 * A WebSocket class. The third argument is passed only when there are
 * headers to send, which only the `ws` package supports.
 *
 * @publicApi
 */
export type WebSocketConstructorLike = new (
  url: string,
  protocols?: string | string[],
  options?: { headers?: Record<string, string> },
) => WebSocketLike;

/** `readyState` of an open socket. */
export const OPEN = 1;

/** The events the client reads, in the shape all three implementations deliver. */
export interface SocketMessageEvent {
  data: unknown;
}
export interface SocketCloseEvent {
  code: number;
  reason: string;
}
