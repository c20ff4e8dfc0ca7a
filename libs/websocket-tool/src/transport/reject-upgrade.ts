import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Answers an upgrade request with a plain HTTP error and closes the socket,
 * so no WebSocket is ever created for it.
 */
export function rejectUpgrade(socket: Duplex, status: number, reason: string, headers: Record<string, string> = {}): void {
  if (!socket.writable || socket.destroyed) {
    socket.destroy();
    return;
  }
  const body = reason.replace(/[\r\n]/g, ' ');
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.end(lines.join('\r\n') + '\r\n\r\n' + body);
  // A peer that never reads must not hold the socket open.
  setTimeout(() => socket.destroy(), 1000).unref();
}
