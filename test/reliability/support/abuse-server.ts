import { afterAll, beforeAll, expect } from 'vitest';
import { EchoProbe } from './echo-probe.js';
import { forwardedFor } from './forwarded-for.js';
import { latencyBar } from './latency-bar.js';
import { ServerProcess, type ServerProcessOptions } from './server-process.js';
import { waitFor } from './wait-for.js';

/** Settings of the server the abuse tests attack; each one is a documented `FP_WST_*` variable. */
export const ABUSE_SERVER_ENV: Record<string, string> = {
  // Every test client sends its own X-Forwarded-For, so the per-IP handshake limit
  // (10 per minute, burst ×2) applies to each separately, as to real clients.
  FP_WST_TRUST_PROXY: '1',
  // 100 messages/s per client, burst 12,000: the echo probe (50/s) is never limited.
  FP_WST_RATE_LIMIT_MESSAGES_PER_WINDOW: '6000',
  FP_WST_RATE_LIMIT_MESSAGE_WINDOW: '60',
  FP_WST_HANDSHAKE_TIMEOUT: '1',
  FP_WST_MAX_CLIENT_QUEUE_SIZE: '1000',
};

/** The sample app under attack, plus a well-behaved client that keeps measuring echo round trips. */
export interface AbuseTarget {
  server: ServerProcess;
  probe: EchoProbe;
}

/**
 * Starts the server (as its own process) and the probe. The server runs at
 * the attackers' own scheduling priority unless `options.priority` says
 * otherwise: what a test measures is what one machine shared by both gives.
 */
export async function startAbuseTarget(options: ServerProcessOptions = {}): Promise<AbuseTarget> {
  const server = await ServerProcess.start({ ...options, env: { ...ABUSE_SERVER_ENV, ...options.env } });
  try {
    const probe = await EchoProbe.start(`${server.ws}/ws/probe`, forwardedFor());
    return { server, probe };
  } catch (err) {
    server.kill();
    throw err;
  }
}

/** The echo p99 every attack must leave to the well-behaved probe. */
export const PROBE_P99_BAR_MS = 50;

/** Asserts the probe was served throughout the window from `mark` to `until` (default: now). */
export async function expectProbeServed(probe: EchoProbe, mark: number, until?: number): Promise<void> {
  const window = await probe.since(mark, until);
  expect(probe.closed, 'the probe stays connected').toBeNull();
  expect(window.samples, 'the probe got answers during the attack').toBeGreaterThan(0);
  expect(window.lost, 'no probe echo went unanswered').toBe(0);
  expect(window.p99, `probe echo p99 (p50 ${window.p50.toFixed(1)} ms, max ${window.max.toFixed(1)} ms)`).toBeLessThan(
    latencyBar(PROBE_P99_BAR_MS),
  );
}

/**
 * The end of every abuse file: the server never crashed or reported an
 * uncaught exception or unhandled rejection, and it still drains on SIGTERM
 * (the probe gets 1001, the process exits with 0).
 */
export async function expectCleanShutdown(target: AbuseTarget): Promise<void> {
  const { server, probe } = target;
  try {
    expect(server.faults, 'uncaught exceptions / unhandled rejections in the server').toEqual([]);
    expect(server.alive, `the server is still running\n${server.stderrTail}`).toBe(true);
    expect(server.warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    const exit = await server.stop('SIGTERM');
    expect(exit.code, `exit status after SIGTERM\n${server.stderrTail}`).toBe(0);
    await waitFor(() => probe.closed !== null, 'the probe saw its close', 2000);
    expect(probe.closed).toEqual({ code: 1001, reason: 'shutdown' });
  } finally {
    server.kill();
    await probe.stop();
  }
}

/**
 * For a `describe` block: starts the target before its tests (handing it to
 * `onStart`) and checks its clean shutdown after them.
 */
export function useAbuseTarget(onStart: (target: AbuseTarget) => void, options: ServerProcessOptions = {}): void {
  let started: AbuseTarget | undefined;
  beforeAll(async () => {
    started = await startAbuseTarget(options);
    onStart(started);
  }, 40_000);
  afterAll(async () => {
    if (started) await expectCleanShutdown(started);
  }, 30_000);
}
