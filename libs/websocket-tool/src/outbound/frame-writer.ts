import type { Socket } from 'node:net';
import type { ClientQueue } from './client-queue.js';
import type { FrameWrittenListener } from './frame-written.listener.js';
import type { OutboundBudget } from './outbound-budget.js';
import type { OutboundFrame } from './outbound-frame.js';

const TEXT_FRAME = { binary: false } as const;

/**
 * A `coalesce` frame is written past the high-water mark: the queue holds at most one per key (and stays
 * within its caps), so a reader that resumes gets every key's latest value in the one batch, not spread
 * over as many turns as the mark divides them into.
 */
const coalesced = (frame: OutboundFrame): boolean => frame.overflow !== null && frame.overflow.policy === 'coalesce';

/** Where a write's completion goes. */
export interface SendResultRecorder {
  recordSendResult(queue: ClientQueue, err?: Error | null, count?: number): void;
}

/**
 * Writes a client's pending frames to its socket, up to the high-water
 * mark, in one corked batch; counts each frame out of the shared budget and
 * reports its queue wait.
 *
 * @internal
 */
export class FrameWriter {
  constructor(
    private readonly hwm: number,
    private readonly budget: OutboundBudget,
    private readonly listener: FrameWrittenListener,
    private readonly results: SendResultRecorder,
  ) {}

  /** Writes what `queue` holds, as far as its socket takes it. */
  writePending(queue: ClientQueue): void {
    if (queue.rawSocket) this.writeBatch(queue, queue.rawSocket);
    else this.sendBatch(queue);
  }

  /** Writes one frame at once, bypassing the queue (the caller checked nothing is queued ahead of it). */
  writeNow(queue: ClientQueue, frame: OutboundFrame): void {
    if (this.listener.listening) this.listener.frameWritten(0);
    try {
      if (queue.rawSocket) queue.rawSocket.write(frame.bytes, queue.onSent);
      else queue.socket.send(frame.payload, TEXT_FRAME, queue.onSent);
    } catch (err) {
      this.results.recordSendResult(queue, err as Error);
    }
  }

  /**
   * The common case: the frames are written as they are (already framed) to
   * the TCP socket, corked so they leave in one write, with one completion
   * callback for the whole batch rather than one per frame. The budget keeps
   * one batch from pushing the socket buffer far past the high-water mark
   * (`coalesce` frames aside, see `coalesced`).
   */
  private writeBatch(queue: ClientQueue, raw: Socket): void {
    let budget = this.hwm - queue.socket.bufferedAmount;
    const frames = queue.frames;
    const now = this.listener.listening ? Date.now() : -1;
    let last: OutboundFrame | null = null;
    let count = 0;
    raw.cork();
    try {
      while (queue.head < frames.length && (budget > 0 || coalesced(frames[queue.head] as OutboundFrame))) {
        const frame = this.shift(queue, now);
        budget -= frame.bytes.length;
        // Each write waits for the next so that the last one carries the callback.
        if (last) raw.write(last.bytes);
        last = frame;
        count++;
      }
      if (last) {
        queue.batches++;
        raw.write(last.bytes, count === 1 ? queue.onSent : (err?: Error | null) => this.results.recordSendResult(queue, err, count));
      }
    } catch (err) {
      this.results.recordSendResult(queue, err as Error, count);
    } finally {
      raw.uncork();
    }
  }

  /**
   * With a negotiated extension (permessage-deflate) `ws` must frame every
   * message itself: the payloads go through `send`, inside one cork.
   */
  private sendBatch(queue: ClientQueue): void {
    const socket = queue.socket;
    let budget = this.hwm - socket.bufferedAmount;
    const raw = (socket as unknown as { _socket?: Socket })._socket;
    raw?.cork();
    const frames = queue.frames;
    const now = this.listener.listening ? Date.now() : -1;
    const first = queue.head;
    try {
      while (queue.head < frames.length && (budget > 0 || coalesced(frames[queue.head] as OutboundFrame))) {
        const frame = this.shift(queue, now);
        budget -= frame.bytes.length;
        try {
          socket.send(frame.payload, TEXT_FRAME, queue.onSent);
        } catch (err) {
          this.results.recordSendResult(queue, err as Error);
        }
      }
    } finally {
      if (queue.head > first) queue.batches++;
      raw?.uncork();
    }
  }

  /** Takes the next frame off a queue (the caller checked there is one); `now` is -1 when frames are not timed. */
  private shift(queue: ClientQueue, now: number): OutboundFrame {
    const frame = queue.frames[queue.head] as OutboundFrame;
    queue.frames[queue.head++] = undefined;
    queue.queuedBytes -= frame.bytes.length;
    this.budget.release(frame);
    if (now >= 0) this.listener.frameWritten(now - frame.enqueuedAt);
    return frame;
  }
}
