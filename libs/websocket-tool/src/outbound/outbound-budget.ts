import { Inject, Injectable } from '@nestjs/common';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import { WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import type { OutboundFrame } from './outbound-frame.js';

/**
 * The shared budget of all outbound queues (`maxQueueSize` messages,
 * `maxQueueBytes` bytes). It counts each distinct frame once: a broadcast
 * waiting for 10,000 clients is one message, as in the original plugin. A
 * frame is added with its first queue entry and released with its last.
 *
 * @internal
 */
@Injectable()
export class OutboundBudget {
  /** Distinct frames queued for all clients (a frame queued for many clients counts once). */
  size = 0;
  /** Bytes of those distinct frames. */
  bytes = 0;
  readonly maxSize: number;
  readonly maxBytes: number;

  constructor(@Inject(WEBSOCKET_TOOL_SETTINGS) settings: WebSocketToolSettings) {
    this.maxSize = settings.maxQueueSize;
    this.maxBytes = settings.maxQueueBytes;
  }

  /** How full the budget is, from 0 to 1: the larger of its message and byte shares. */
  get utilization(): number {
    return Math.max(this.size / this.maxSize, this.bytes / this.maxBytes);
  }

  /** True if one more distinct frame of `length` bytes fits. */
  fits(length: number): boolean {
    return this.size < this.maxSize && this.bytes + length <= this.maxBytes;
  }

  /** A queue entry of `frame` was added; the budget takes the frame with its first entry. */
  hold(frame: OutboundFrame): void {
    if (frame.refs++ === 0) {
      this.size++;
      this.bytes += frame.bytes.length;
    }
  }

  /** One queue entry of `frame` is gone; the budget gives the frame back with its last entry. */
  release(frame: OutboundFrame): void {
    if (--frame.refs === 0) {
      this.size--;
      this.bytes -= frame.bytes.length;
    }
  }
}
