import type { EchoScenario } from '../../shared/load-config.interface.js';
import type { LoadResult } from '../../shared/load-result.interface.js';
import type { BenchConnection } from '../bench-connection.interface.js';
import { nowUs } from '../bench-clock.js';
import { CountingSink } from '../counting-sink.js';
import { LatencyRecorder } from '../latency-recorder.js';
import { percent, startWindow, usPer } from '../measure-window.js';
import { closeAll, openClients, SETUP_IN_FLIGHT, type ScenarioContext } from '../scenario-context.js';
import { waitForProgress } from '../wait-for-progress.js';

/** How often the pacer wakes; it sends whatever is due since the start at each wake-up. */
const TICK_MS = 1;
/** Longest wait for the last echoes after a window. */
const DRAIN_MAX_MS = 10_000;

interface PaceOutcome {
  sent: number;
  /** Echoes received by the end of the window. */
  receivedInWindow: number;
  wallMs: number;
}

/**
 * Sends `ratePerSecond` messages per second in total, round robin over the
 * clients, for `durationMs` (open loop: the schedule does not wait for
 * replies, but pauses while `maxInFlight` are unanswered).
 */
function pace(clients: BenchConnection[], sink: CountingSink, s: EchoScenario, durationMs: number): Promise<PaceOutcome> {
  return new Promise((resolve) => {
    const started = performance.now();
    const startCount = sink.payloads;
    let sent = 0;
    let next = 0;
    const timer = setInterval(() => {
      const elapsed = performance.now() - started;
      if (elapsed >= durationMs) {
        clearInterval(timer);
        resolve({ sent, receivedInWindow: sink.payloads - startCount, wallMs: elapsed });
        return;
      }
      const due = Math.floor((elapsed * s.ratePerSecond) / 1000);
      while (sent < due && sent - (sink.payloads - startCount) < s.maxInFlight) {
        (clients[next] as BenchConnection).echo(nowUs());
        next = next + 1 === clients.length ? 0 : next + 1;
        sent++;
      }
    }, TICK_MS);
  });
}

/** Fixed-rate (or capacity, with a rate above it) echo: achieved rate, round trip, server CPU per message. */
export async function runEcho(ctx: ScenarioContext, s: EchoScenario): Promise<LoadResult> {
  const notes: string[] = [];
  const sink = new CountingSink();
  const clients = await openClients(ctx, s.clients, SETUP_IN_FLIGHT, sink, notes);
  const stall = ctx.config.stallTimeoutMs;
  try {
    if (clients.length === 0) return { complete: false, notes, metrics: {} };
    sink.reset(null);
    const warm = await pace(clients, sink, s, s.warmupMs);
    await waitForProgress(
      () => sink.payloads >= warm.sent,
      () => sink.payloads,
      stall,
      DRAIN_MAX_MS,
    );

    const latencies = new LatencyRecorder(Math.ceil((s.ratePerSecond * s.durationMs) / 1000) + s.maxInFlight);
    sink.reset(latencies);
    const window = startWindow(ctx.server);
    const run = await pace(clients, sink, s, s.durationMs);
    const figures = window.finish();
    const drained = await waitForProgress(
      () => sink.payloads >= run.sent,
      () => sink.payloads,
      stall,
      DRAIN_MAX_MS,
    );
    if (!drained) notes.push(`${run.sent - sink.payloads} of ${run.sent} echoes never came back`);
    const [p50, p99] = latencies.percentilesMs(50, 99);
    return {
      complete: drained && clients.length === s.clients,
      notes,
      metrics: {
        offeredPerSec: s.ratePerSecond,
        sentPerSec: run.sent / (run.wallMs / 1000),
        achievedPerSec: run.receivedInWindow / (run.wallMs / 1000),
        rttP50Ms: p50 ?? null,
        rttP99Ms: p99 ?? null,
        serverCpuUsPerMessage: usPer(figures.serverCpuMs, run.receivedInWindow),
        serverCpuPct: percent(figures.serverCpuMs, figures.wallMs),
        loadGenCpuPct: percent(figures.loadGenCpuMs, figures.wallMs),
        clients: clients.length,
      },
    };
  } finally {
    closeAll(clients);
  }
}
