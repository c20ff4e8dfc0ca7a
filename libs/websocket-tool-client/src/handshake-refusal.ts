import type { WebSocketLike } from './websocket-like.interface.js';

/**
 * A handshake the server answered with an HTTP status instead of switching
 * protocols (429 over the per-IP admission limit, 503 full or shutting down,
 * 401, 403...). Only the `ws` package shows it; browsers report a bare close.
 *
 * @publicApi
 */
export interface HandshakeRefusal {
  status: number;
  /** The server's `Retry-After` in milliseconds, or null without a readable one. */
  retryAfterMs: number | null;
}

/** The part of the HTTP response `ws` hands to its `unexpected-response` listeners. */
interface ResponseLike {
  statusCode?: number;
  headers?: Record<string, string | string[] | undefined>;
  resume?(): unknown;
}

/** A socket that is also an event emitter (the `ws` package's). */
interface EmitterSocket extends WebSocketLike {
  on(event: 'unexpected-response', listener: (request: unknown, response: ResponseLike) => void): unknown;
}

/** `readyState` of a socket still in its handshake. */
const CONNECTING = 0;

const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/**
 * Reads `Retry-After`: delay-seconds or an HTTP date. A date is measured
 * against the response's own `Date` header when there is one, so a client
 * whose clock is off still waits as long as the server meant.
 *
 * @returns milliseconds to wait (0 for a date in the past), or null when absent or unreadable
 * @publicApi
 */
export function parseRetryAfter(value: string | undefined, dateHeader?: string, now: number = Date.now()): number | null {
  const text = value?.trim();
  if (!text) return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // Every HTTP-date form starts with the day's name; anything else Date.parse might still make a date of.
  const at = /^[A-Za-z]{3}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at)) return null;
  const serverNow = dateHeader === undefined ? Number.NaN : Date.parse(dateHeader);
  return Math.max(0, at - (Number.isNaN(serverNow) ? now : serverNow));
}

/**
 * Reports the HTTP status and `Retry-After` of a refused handshake, where the
 * WebSocket implementation exposes them: the `ws` package emits
 * `unexpected-response`. With a listener on that event `ws` leaves the
 * socket in its handshake, so the socket is ended here (unless another
 * listener did already) and the usual close event follows.
 *
 * @returns false when the socket cannot tell (browsers, Node's global WebSocket)
 * @internal
 */
export function watchHandshakeRefusal(socket: WebSocketLike, onRefusal: (refusal: HandshakeRefusal) => void): boolean {
  const emitter = socket as Partial<EmitterSocket>;
  if (typeof emitter.on !== 'function') return false;
  emitter.on.call(socket, 'unexpected-response', (_request, response) => {
    onRefusal({
      status: response?.statusCode ?? 0,
      retryAfterMs: parseRetryAfter(first(response?.headers?.['retry-after']), first(response?.headers?.date)),
    });
    response?.resume?.();
    if (socket.readyState !== CONNECTING) return;
    if (socket.terminate) socket.terminate();
    else socket.close();
  });
  return true;
}
