import type { FanOutScenario } from '../../shared/load-config.interface.js';
import type { LoadResult } from '../../shared/load-result.interface.js';
import { nowUs } from '../bench-clock.js';
import { IGNORING_SINK } from '../bench-connection.interface.js';
import { CountingSink } from '../counting-sink.js';
import { LatencyRecorder } from '../latency-recorder.js';
import { percent, startWindow, usPer } from '../measure-window.js';
import { closeAll, openClients, SETUP_IN_FLIGHT, type ScenarioContext } from '../scenario-context.js';
import { waitForProgress } from '../wait-for-progress.js';

/**
 * `clients` subscribers and one publisher (which receives its own
 * broadcasts too, like any client). The publisher sends all broadcasts
 * back to back; deliveries/s runs from the first send to the last delivery,
 * and each delivery's latency is its arrival minus its send stamp.
 */
export async function runFanOut(ctx: ScenarioContext, s: FanOutScenario): Promise<LoadResult> {
  const notes: string[] = [];
  const sink = new CountingSink();
  const clients = await openClients(ctx, s.clients, SETUP_IN_FLIGHT, sink, notes);
  const publisher = await ctx.open(IGNORING_SINK);
  const n = clients.length;
  const stall = ctx.config.stallTimeoutMs;
  const maxWait = Math.max(1000, ctx.deadline - performance.now());
  try {
    sink.reset(null);
    for (let i = 0; i < s.warmupBroadcasts; i++) publisher.broadcast(nowUs());
    if (
      !(await waitForProgress(
        () => sink.payloads >= s.warmupBroadcasts * n,
        () => sink.payloads,
        stall,
        maxWait,
      ))
    ) {
      notes.push(`warm-up: ${sink.payloads} of ${s.warmupBroadcasts * n} deliveries`);
    }

    const expected = s.broadcasts * n;
    const latencies = new LatencyRecorder(expected);
    sink.reset(latencies);
    const window = startWindow(ctx.server);
    for (let i = 0; i < s.broadcasts; i++) publisher.broadcast(nowUs());
    const complete = await waitForProgress(
      () => sink.payloads >= expected,
      () => sink.payloads,
      stall,
      maxWait,
    );
    const figures = window.finish();
    const activeMs = sink.lastAtUs > window.startUs ? (sink.lastAtUs - window.startUs) / 1000 : figures.wallMs;
    if (!complete) notes.push(`${sink.payloads} of ${expected} deliveries arrived`);
    const [p50, p99] = latencies.percentilesMs(50, 99);
    return {
      complete: complete && n === s.clients,
      notes,
      metrics: {
        deliveriesPerSec: sink.payloads / (activeMs / 1000),
        latencyP50Ms: p50 ?? null,
        latencyP99Ms: p99 ?? null,
        serverCpuUsPerDelivery: usPer(figures.serverCpuMs, sink.payloads),
        serverCpuPct: percent(figures.serverCpuMs, figures.wallMs),
        loadGenCpuPct: percent(figures.loadGenCpuMs, figures.wallMs),
        deliveredPct: percent(sink.payloads, expected),
        clients: n,
      },
    };
  } finally {
    publisher.close();
    closeAll(clients);
  }
}
