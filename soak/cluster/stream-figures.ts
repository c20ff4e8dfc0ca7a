import { percentile } from '../../test/reliability/support/echo-probe.js';
import type { StreamTrack } from './sequenced-stream.js';

/** Latency figures of one window, in ms with one decimal. */
export interface LatencySummary {
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Sequence numbers from `from` up to `sent` (exclusive) that `track` never received. */
export function missingSeqs(track: StreamTrack, sent: number, from = 0): number[] {
  const missing: number[] = [];
  for (let seq = Math.max(0, from); seq < sent; seq++) if (!track.arrivals.has(seq)) missing.push(seq);
  return missing;
}

/** Delivery latencies (ms) of the messages sent in [`from`, `to`) that `track` received. */
export function latencies(track: StreamTrack, sentAt: readonly number[], from: number, to: number): number[] {
  const values: number[] = [];
  sentAt.forEach((at, seq) => {
    if (at < from || at >= to) return;
    const arrival = track.arrivals.get(seq);
    if (arrival !== undefined) values.push(arrival - at);
  });
  return values;
}

export function summarize(values: readonly number[]): LatencySummary {
  return {
    samples: values.length,
    p50: round1(percentile(values, 50)),
    p99: round1(percentile(values, 99)),
    max: values.length ? round1(values.reduce((a, b) => Math.max(a, b), 0)) : Number.NaN,
  };
}

/**
 * When delivery to `track` was back after `since`: the arrival of the first
 * message sent at or after `since` from which on nothing is missing. NaN if
 * that never happened (or only with the last message).
 */
export function resumedAt(track: StreamTrack, sentAt: readonly number[], since: number): number {
  const first = sentAt.findIndex((at) => at >= since);
  if (first < 0) return Number.NaN;
  let from = first;
  for (let seq = first; seq < sentAt.length; seq++) if (!track.arrivals.has(seq)) from = seq + 1;
  return from < sentAt.length ? (track.arrivals.get(from) ?? Number.NaN) : Number.NaN;
}

/** The largest pause between two consecutive arrivals of messages sent in [`from`, `to`), in ms. */
export function longestGap(track: StreamTrack, sentAt: readonly number[], from: number, to: number): number {
  const times = sentAt
    .map((at, seq) => (at >= from && at < to ? track.arrivals.get(seq) : undefined))
    .filter((t): t is number => t !== undefined)
    .toSorted((a, b) => a - b);
  let gap = 0;
  for (let i = 1; i < times.length; i++) gap = Math.max(gap, times[i] - times[i - 1]);
  return round1(gap);
}
