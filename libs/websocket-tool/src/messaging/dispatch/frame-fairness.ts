import type { ClientConnection } from '../../connection/client-connection.js';
import { frameSize, type InboundData } from './inbound-data.js';

/**
 * Frames of one connection handled in a row before the event loop serves the
 * others. `ws` emits every frame of a TCP read at once: a client pipelining
 * a few thousand requests within its rate limit would otherwise hold the loop
 * for tens of milliseconds while everyone else waits.
 */
export const FRAMES_PER_TURN = 64;
/**
 * Bytes of one connection handled in a row, likewise. libuv reads up to 32
 * chunks of 64 KiB from a socket in one go: eight clients pipelining 60 KB
 * frames held the loop for 50 ms with a count alone.
 */
export const BYTES_PER_TURN = 128 * 1024;
/**
 * Bytes read from a peer after the server closed it, before its socket is no
 * longer read. A client that stops sending when it gets the close frame (or
 * had a few small frames in flight) completes the close handshake at once.
 */
export const BYTES_AFTER_CLOSE = 1024 * 1024;

/** What handles the frames fairness lets through. */
export interface FrameProcessor {
  process(connection: ClientConnection, data: InboundData, isBinary: boolean): void;
}

/** Frames a connection sent past its turn, handled on the next turns in order. */
interface Backlog {
  frames: Array<{ data: InboundData; isBinary: boolean }>;
  head: number;
}

/**
 * Shares the event loop between connections. A connection that used up its
 * turn (`FRAMES_PER_TURN` frames or `BYTES_PER_TURN` bytes in a row) stops
 * being read; the rest of its frames wait, in order, for the next turns.
 * A frame within its turn costs two comparisons and allocates nothing.
 */
export class FrameFairness {
  /** The connection whose frames are being handled in a row, and how many so far this turn. */
  private runConnection: ClientConnection | null = null;
  private runLength = 0;
  private runBytes = 0;
  private runResetScheduled = false;
  private readonly endRun = () => {
    this.runResetScheduled = false;
    this.runConnection = null;
  };
  private readonly backlogs = new Map<ClientConnection, Backlog>();

  constructor(private readonly processor: FrameProcessor) {}

  /** Hands a frame to the processor now, or queues it behind the connection's backlog. */
  handle(connection: ClientConnection, data: InboundData, isBinary: boolean): void {
    const backlog = this.backlogs.size > 0 ? this.backlogs.get(connection) : undefined;
    if (backlog) {
      backlog.frames.push({ data, isBinary });
      return;
    }
    const size = frameSize(data);
    if (connection === this.runConnection) {
      if (++this.runLength > FRAMES_PER_TURN || (this.runBytes += size) > BYTES_PER_TURN) {
        this.backlogs.set(connection, { frames: [{ data, isBinary }], head: 0 });
        connection.socket.pause();
        setImmediate(() => this.drainBacklog(connection));
        return;
      }
    } else {
      this.runConnection = connection;
      this.runLength = 1;
      this.runBytes = size;
      if (!this.runResetScheduled) {
        this.runResetScheduled = true;
        setImmediate(this.endRun);
      }
    }
    this.processor.process(connection, data, isBinary);
  }

  /**
   * Counts a frame that arrived after the server closed the connection. A
   * peer that keeps sending then (a flood that was cut off) is not read past
   * `BYTES_AFTER_CLOSE`: `ws` would unmask and check every frame of it until
   * the close timeout destroys the socket.
   */
  afterClose(connection: ClientConnection, data: InboundData): void {
    const before = connection.bytesAfterClose;
    connection.bytesAfterClose += frameSize(data);
    if (before < BYTES_AFTER_CLOSE && connection.bytesAfterClose >= BYTES_AFTER_CLOSE) connection.socket.pause();
  }

  private drainBacklog(connection: ClientConnection): void {
    const backlog = this.backlogs.get(connection) as Backlog;
    const end = Math.min(backlog.frames.length, backlog.head + FRAMES_PER_TURN);
    let bytes = 0;
    while (backlog.head < end && bytes < BYTES_PER_TURN) {
      const frame = backlog.frames[backlog.head];
      backlog.frames[backlog.head++] = undefined as never;
      bytes += frameSize(frame.data);
      this.processor.process(connection, frame.data, frame.isBinary);
    }
    if (backlog.head < backlog.frames.length) {
      setImmediate(() => this.drainBacklog(connection));
      return;
    }
    this.backlogs.delete(connection);
    connection.socket.resume();
  }
}
