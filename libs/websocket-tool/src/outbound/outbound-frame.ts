import type { OverflowPolicyName } from '../config/overflow-options.interface.js';

/** The overflow policy a frame carries, one object per message type (see `OverflowRules`). @internal */
export interface FrameOverflow {
  readonly policy: Exclude<OverflowPolicyName, 'disconnect'>;
  /** The message type, the label of its counters. */
  readonly type: string;
  readonly key: readonly string[] | null;
}

/** FIN bit and the text opcode: every message the server sends is one unfragmented text frame. */
const FIN_TEXT = 0x81;

/**
 * One serialized message on its way out, already framed as a WebSocket text
 * frame (RFC 6455 §5.2: server frames are not masked). A broadcast builds one
 * frame and queues the same object for every recipient, so serializing,
 * encoding and framing happen once per message, not once per client, and
 * each recipient's socket takes it as a single buffer.
 */
export class OutboundFrame {
  /** The whole frame: header, then the UTF-8 payload. */
  readonly bytes: Buffer;
  /** Where the payload starts in `bytes`. */
  readonly headerLength: number;
  readonly enqueuedAt: number;
  /**
   * Queue entries that hold this frame. The shared budget (`maxQueueSize`,
   * `maxQueueBytes`) counts a frame once, however many clients it waits for:
   * it is added when the first entry is queued and released with the last.
   */
  refs = 0;
  /** The overflow policy of the message's type (the `overflow` option); null for `disconnect`, the default. */
  overflow: FrameOverflow | null = null;
  /** `coalesce` only: the type and key whose latest value this frame is; null when the message is its own key. */
  coalesceKey: string | null = null;

  constructor(json: string, now: number) {
    const length = Buffer.byteLength(json, 'utf8');
    const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
    const bytes = Buffer.allocUnsafe(headerLength + length);
    bytes[0] = FIN_TEXT;
    if (headerLength === 2) {
      bytes[1] = length;
    } else if (headerLength === 4) {
      bytes[1] = 126;
      bytes.writeUInt16BE(length, 2);
    } else {
      bytes[1] = 127;
      bytes.writeUInt32BE(Math.floor(length / 0x1_0000_0000), 2);
      bytes.writeUInt32BE(length >>> 0, 6);
    }
    bytes.write(json, headerLength, 'utf8');
    this.bytes = bytes;
    this.headerLength = headerLength;
    this.enqueuedAt = now;
  }

  /**
   * The payload alone, for sockets that need `ws` to frame it (a negotiated
   * extension such as permessage-deflate). A view: nothing is copied.
   */
  get payload(): Buffer {
    return this.bytes.subarray(this.headerLength);
  }
}
