import { WebSocket } from 'ws';
import type { ClientConnection } from './client-connection.js';

/**
 * The `ws` WebSocket class of WebSocketTool connections (`WebSocketToolAdapter`
 * hands it to the server), with a link back to the connection record. The
 * listeners every socket needs ('message', 'pong', 'close') are then the same
 * functions for all sockets, reading the connection from `this`, instead of
 * closures made on every handshake and kept for the connection's life.
 *
 * @internal
 */
export class ConnectionSocket extends WebSocket {
  connection: ClientConnection | null = null;
}

/** Links a socket to its connection. */
export function linkConnection(socket: WebSocket, connection: ClientConnection): ConnectionSocket {
  const linked = socket as ConnectionSocket;
  linked.connection = connection;
  return linked;
}
