import { nowUs } from './bench-clock.js';
import type { BenchSink } from './bench-connection.interface.js';
import type { LatencyRecorder } from './latency-recorder.js';

/** Counts what arrives on many connections and records payload latencies while a recorder is set. */
export class CountingSink implements BenchSink {
  payloads = 0;
  acks = 0;
  closes = 0;
  /** Clock of the last payload, in microseconds. */
  lastAtUs = 0;
  private recorder: LatencyRecorder | null = null;

  payload(sendTimeUs: number): void {
    const now = nowUs();
    this.payloads++;
    this.lastAtUs = now;
    this.recorder?.add(now - sendTimeUs);
  }

  ack(): void {
    this.acks++;
  }

  closed(): void {
    this.closes++;
  }

  /** Zeroes the payload count and records into `recorder` from now on (null: not at all). */
  reset(recorder: LatencyRecorder | null): void {
    this.payloads = 0;
    this.lastAtUs = 0;
    this.recorder = recorder;
  }
}
