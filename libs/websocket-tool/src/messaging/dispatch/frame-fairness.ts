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
 * loop reaches everyone else's sockets in between. The backlogs drained in a
 * turn have a budget of the same size. 2 ms rather than 5: in such a storm a
 * turn also parses handshakes and runs the upgrade pacer's own budget, and
 * with 5 ms each the turns took 15 to 20 ms, which a scavenge of 10 to 20 ms
 * then pushed past 50.
 */
export const TURN_BUDGET_MS = 2;
/**
 * Milliseconds after its handshake during which a connection's waiting
 * frames come after those of the connections that were there before it.
 * When a thousand clients come back at once, each first asks for a costly
 * replay; in arrival order, a client that stayed connected would wait behind
 * all of them (its echo took 60 ms instead of a few). The newcomers lose
 * nothing: their frames keep their order and are handled in the same turns,
 * only after the others'.
 */
export const NEWCOMER_MS = 1000;

/** What handles the frames fairness lets through. */
export interface FrameProcessor {
  process(connection: ClientConnection, data: InboundData, isBinary: boolean): void;
}

/** Frames a connection sent past its turn, handled on the next turns in order. */
interface Backlog {
  frames: Array<{ data: InboundData; isBinary: boolean }>;
  head: number;
}

/** Connections with a backlog, in the order their turns come. */
class TurnQueue {
  private items: ClientConnection[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(connection: ClientConnection): void {
    this.items.push(connection);
  }

  shift(): ClientConnection | undefined {
    if (this.head === this.items.length) return undefined;
    const connection = this.items[this.head];
    this.items[this.head++] = undefined as never;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    }
    return connection;
  }
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
  private readonly backlogs = new Map<ClientConnection, Backlog>();
  /** Connections with a backlog: those that were there first, then the newcomers (see `NEWCOMER_MS`). */
  private readonly established = new TurnQueue();
  private readonly newcomers = new TurnQueue();
  private drainScheduled = false;
  /**
   * Backlogs are drained once per turn, within a budget of their own, so
   * that frames arriving in the next turn are not kept waiting by the
   * backlogs drained before them.
   */
  private readonly drainTurn = () => {
    this.drainScheduled = false;
    const start = this.clock.now();
    // One turn per connection: one that still has frames after its turn waits for the next drain.
    let turns = this.established.size + this.newcomers.size;
    while (turns-- > 0) {
      this.drainBacklog((this.established.shift() ?? this.newcomers.shift()) as ClientConnection);
      if (this.clock.now() - start > TURN_BUDGET_MS) break;
    }
    if (this.established.size + this.newcomers.size > 0) this.scheduleDrain();
  };

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
    (Date.now() - connection.connectedAt < NEWCOMER_MS ? this.newcomers : this.established).push(connection);
    this.scheduleDrain();
  }

  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(this.drainTurn);
  }

  private startTurn(): void {
    if (this.runResetScheduled) return;
    this.runResetScheduled = true;
    this.turnStart = this.clock.now();
    setImmediate(this.endRun);
  }

  /** A turn's worth of the connection's backlog; what remains waits for its next turn, at the back of its queue. */
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
      (Date.now() - connection.connectedAt < NEWCOMER_MS ? this.newcomers : this.established).push(connection);
      return;
    }
    this.backlogs.delete(connection);
    connection.socket.resume();
  }
}
