import type { Socket } from 'node:net';

type Write = (data: Buffer, cb?: (err?: Error | null) => void) => boolean;

/**
 * Makes writes of text frames to a connection's TCP socket fail (their
 * callback gets an error) while `failing()` says so; other frames, the close
 * frame among them, still go out.
 */
export function failTextWrites(socket: Socket, failing: () => boolean = () => true): void {
  const realWrite = socket.write.bind(socket) as Write;
  socket.write = ((data: Buffer, cb?: (err?: Error | null) => void) => {
    if (!failing() || data[0] !== 0x81) return realWrite(data, cb);
    process.nextTick(() => cb?.(new Error('write failed')));
    return true;
  }) as typeof socket.write;
}
