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
/**
 * Milliseconds of frame handling, across all connections, in one event-loop
 * turn. Turns alone are not enough when many connections each send one
 * costly frame at once: 1,000 clients reconnecting together each ask for a
 * replay of what they missed, and the frames of one TCP poll held the loop
 * for over 50 ms. Past this budget a frame waits for the next turn, so the
 * loop reaches everyone else's sockets in between.
 */
export const TURN_BUDGET_MS = 5;

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
  /** When this turn's first frame was handled as it arrived; `-1` before it. */
  private turnStart = -1;
  private readonly endRun = () => {
    this.runResetScheduled = false;
    this.runConnection = null;
    this.turnStart = -1;
  };
  /**
   * When this turn's first backlog was drained; `-1` before it. Backlogs have
   * a budget of their own, so that frames arriving in the next turn are not
   * kept waiting by the backlogs drained before them.
   */
  private drainStart = -1;
  private readonly endDrainTurn = () => {
    this.drainStart = -1;
  };
  private readonly backlogs = new Map<ClientConnection, Backlog>();

  constructor(
    private readonly processor: FrameProcessor,
    /** Where the time of a turn is read; a test may supply its own. */
    private readonly clock: Pick<typeof performance, 'now'> = performance,
  ) {}

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
        this.defer(connection, data, isBinary);
        return;
      }
    } else {
      // The clock is read when another connection's run starts, not per frame: a run is bounded by the counts above.
      if (this.turnStart >= 0 && this.clock.now() - this.turnStart > TURN_BUDGET_MS) {
        this.defer(connection, data, isBinary);
        return;
      }
      this.runConnection = connection;
      this.runLength = 1;
      this.runBytes = size;
      this.startTurn();
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

  /** Opens the connection's backlog with this frame and stops reading it until the next turn. */
  private defer(connection: ClientConnection, data: InboundData, isBinary: boolean): void {
    this.backlogs.set(connection, { frames: [{ data, isBinary }], head: 0 });
    connection.socket.pause();
    setImmediate(() => this.drainBacklog(connection));
  }

  private startTurn(): void {
    if (this.runResetScheduled) return;
    this.runResetScheduled = true;
    this.turnStart = this.clock.now();
    setImmediate(this.endRun);
  }

  private drainBacklog(connection: ClientConnection): void {
    const backlog = this.backlogs.get(connection) as Backlog;
    if (this.drainStart < 0) {
      this.drainStart = this.clock.now();
      setImmediate(this.endDrainTurn);
    } else if (this.clock.now() - this.drainStart > TURN_BUDGET_MS) {
      setImmediate(() => this.drainBacklog(connection));
      return;
    }
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
