import { monitorEventLoopDelay } from 'node:perf_hooks';

/** How often the histogram's native timer is due; its lateness is the event loop's delay. */
const RESOLUTION_MS = 10;
/** Width of one entry of the timeline. */
const BUCKET_MS = 100;
/** Entries kept: ten minutes. */
const MAX_BUCKETS = 6000;

/** One entry of the timeline: when it ended (epoch ms) and the longest delay seen in it (ms). */
export type LoopDelayBucket = [endMs: number, maxDelayMs: number];

/**
 * A probe of the event loop's delay: Node's `monitorEventLoopDelay` (a
 * native timer, so the probe itself costs next to nothing), read and reset
 * every `BUCKET_MS` into a wall-clock-stamped timeline of the longest delay,
 * so the load generator can take the longest delay of exactly its own
 * measurement window and leave out the garbage collections it asked for.
 */
export class LoopDelayProbe {
  private readonly buckets: LoopDelayBucket[] = [];
  private readonly histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });

  constructor() {
    this.histogram.enable();
    setInterval(() => this.close(), BUCKET_MS).unref();
  }

  timeline(): LoopDelayBucket[] {
    return this.buckets;
  }

  private close(): void {
    // The histogram records the time between its timer's runs: the resolution plus the delay.
    const delayMs = this.histogram.count > 0 ? Math.max(0, this.histogram.max / 1e6 - RESOLUTION_MS) : 0;
    this.histogram.reset();
    this.buckets.push([Date.now(), delayMs]);
    if (this.buckets.length > MAX_BUCKETS) this.buckets.shift();
  }
}
