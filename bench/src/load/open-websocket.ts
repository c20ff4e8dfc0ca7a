import { WebSocket } from 'ws';

/**
 * Opens a `ws` client without compression; rejects on an error, a refused
 * upgrade or after `timeoutMs`. Once open, later errors are ignored: the
 * close that follows is what the benchmark counts. `localAddress`: the
 * source address to connect from.
 */
export function openWebSocket(url: string, timeoutMs: number, localAddress?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs, localAddress });
    const fail = (err: Error) => {
      ws.terminate();
      reject(err);
    };
    ws.once('error', fail);
    ws.once('open', () => {
      ws.off('error', fail);
      ws.on('error', () => undefined);
      resolve(ws);
    });
  });
}
