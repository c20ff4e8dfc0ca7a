import type { WebSocketConstructorLike } from './websocket-like.interface.js';

/** A WebSocket class and whether it is the `ws` package (which can send headers). */
export interface LoadedWebSocket {
  WebSocket: WebSocketConstructorLike;
  supportsHeaders: boolean;
}

// A variable keeps bundlers from pulling the Node-only package into browser builds.
const WS_PACKAGE = 'ws';

/**
 * The WebSocket class to use: the given one, else the host's global
 * `WebSocket` (browsers, Node 22+), else the `ws` package (Node 20).
 */
export async function loadWebSocket(given: WebSocketConstructorLike | undefined): Promise<LoadedWebSocket> {
  if (given) return { WebSocket: given, supportsHeaders: isWsPackage(given) };
  const native = (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket;
  if (native) return { WebSocket: native, supportsHeaders: false };
  let mod: { WebSocket?: WebSocketConstructorLike; default?: WebSocketConstructorLike };
  try {
    mod = (await import(/* @vite-ignore */ WS_PACKAGE)) as typeof mod;
  } catch {
    throw new Error('No WebSocket implementation found: install the "ws" package or pass the WebSocket class as option "WebSocket".');
  }
  const WebSocket = mod.WebSocket ?? mod.default;
  if (!WebSocket) throw new Error('The "ws" package did not export a WebSocket class; pass one as option "WebSocket".');
  return { WebSocket, supportsHeaders: true };
}

/** Only the `ws` package's sockets have `terminate()`; only they accept headers. */
function isWsPackage(ctor: WebSocketConstructorLike): boolean {
  return typeof (ctor.prototype as { terminate?: unknown } | undefined)?.terminate === 'function';
}
