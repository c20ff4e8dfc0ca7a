import { createConnection } from 'node:net';

/** The machine's shared Redis (never stopped by a test). */
export const SHARED_REDIS_PORT = 6379;

/** True if a Redis server answers PING on 127.0.0.1:`port` within a second. */
export function redisAnswers(port = SHARED_REDIS_PORT): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}
