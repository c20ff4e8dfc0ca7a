import { BENCH_HOST, WS_PATH } from '../../shared/bench-protocol.constants.js';
import type { ManyConnectionsScenario } from '../../shared/load-config.interface.js';
import type { LoadResult } from '../../shared/load-result.interface.js';
import { sleep } from '../bench-clock.js';
import { IGNORING_SINK } from '../bench-connection.interface.js';
import { ConnectionHolders, totalStatus } from '../connection-holders.js';
import { percent, startWindow } from '../measure-window.js';
import { closeAll, openClients, type ScenarioContext } from '../scenario-context.js';

/** Connections opened and closed first, so code compiled and buffers pooled on first use are not counted per connection. */
const WARMUP_CONNECTIONS = 200;
/** The window with no connections, before anything else. */
const QUIET_MS = 5000;
/** Time given to a requested garbage collection before RSS is read. */
const GC_SETTLE_MS = 300;

async function settledMemory(ctx: ScenarioContext): Promise<{ rss: number | null; heap: number | null }> {
  ctx.server.collectGarbage();
  await ctx.server.memoryWritten();
  await sleep(GC_SETTLE_MS);
  return { rss: ctx.server.rssKb(), heap: ctx.server.heapKb() };
}

const perConnection = (before: number | null, after: number | null, n: number): number | null =>
  before === null || after === null || n <= 0 ? null : (after - before) / n;

/**
 * Holds `connections` idle clients in holder processes (see
 * `ManyConnectionsScenario`), opened in steps. Reports the server's RSS per
 * connection overall and for the first and last steps (flat means the last
 * connections cost what the first did), its CPU while idle, and the longest
 * delay of its event loop over the idle window, heartbeat rounds included.
 */
export async function runManyConnections(ctx: ScenarioContext, s: ManyConnectionsScenario): Promise<LoadResult> {
  const notes: string[] = [];
  // The machine's own noise: the longest delay of the target's loop with nothing connected.
  const quietFromMs = Date.now();
  await sleep(QUIET_MS);
  const quietToMs = Date.now();
  closeAll(await openClients(ctx, WARMUP_CONNECTIONS, 50, IGNORING_SINK, []));
  await sleep(500);
  const before = await settledMemory(ctx);
  const url = `ws://${BENCH_HOST}:${ctx.config.port}${WS_PATH}`;
  const lifetimeMs = Math.max(60_000, ctx.deadline - performance.now() + 10_000);
  const holders = new ConnectionHolders(s.clientProcesses, url, s.inFlight, ctx.config.connectTimeoutMs, lifetimeMs);
  try {
    const marks: Array<{ held: number; rss: number | null; heap: number | null }> = [{ held: 0, rss: before.rss, heap: before.heap }];
    const connectWindow = startWindow(ctx.server);
    let connectMs = 0;
    let held = 0;
    let loaded = before;
    for (let step = 1; step <= s.steps; step++) {
      const goal = Math.round((s.connections * step) / s.steps);
      const started = performance.now();
      held = totalStatus(await holders.open(goal - held)).held;
      connectMs += performance.now() - started;
      ctx.log(`${held}/${s.connections} held`);
      await sleep(s.settleMs);
      loaded = await settledMemory(ctx);
      marks.push({ held, rss: loaded.rss, heap: loaded.heap });
      if (performance.now() > ctx.deadline - s.idleMs - 5000) {
        notes.push(`stopped opening at the deadline after step ${step} of ${s.steps}`);
        break;
      }
    }
    const connectCpuMs = connectWindow.finish().serverCpuMs;
    const idleFromMs = Date.now();
    const idle = startWindow(ctx.server);
    await sleep(Math.min(s.idleMs, Math.max(0, ctx.deadline - performance.now() - 2000)));
    const figures = idle.finish();
    const idleToMs = Date.now();
    ctx.server.collectGarbage();
    if (!(await ctx.server.memoryWritten())) notes.push('the target did not write its event-loop timeline');
    const idleDelay = ctx.server.loopDelayMs(idleFromMs, idleToMs);
    const quietDelay = ctx.server.loopDelayMs(quietFromMs, quietToMs);
    const end = totalStatus(await holders.status());

    if (end.failed > 0) notes.push(`${end.failed} of ${s.connections} connections failed (first: ${end.firstError})`);
    if (end.closedByServer > 0) notes.push(`${end.closedByServer} of ${held} idle connections were closed by the server`);
    const first = marks[1];
    const last = marks[marks.length - 1];
    const beforeLast = marks[marks.length - 2];
    return {
      complete: held === s.connections && end.closedByServer === 0,
      notes,
      metrics: {
        connections: held,
        rssKbPerConnection: perConnection(before.rss, loaded.rss, held),
        heapKbPerConnection: perConnection(before.heap, loaded.heap, held),
        rssKbPerConnectionFirstStep: first ? perConnection(before.rss, first.rss, first.held) : null,
        rssKbPerConnectionLastStep: last && beforeLast ? perConnection(beforeLast.rss, last.rss, last.held - beforeLast.held) : null,
        heapKbPerConnectionFirstStep: first ? perConnection(before.heap, first.heap, first.held) : null,
        heapKbPerConnectionLastStep: last && beforeLast ? perConnection(beforeLast.heap, last.heap, last.held - beforeLast.held) : null,
        idleCpuPctOfCore: percent(figures.serverCpuMs, figures.wallMs),
        loopDelayMaxMs: idleDelay?.max ?? null,
        loopDelayP99Ms: idleDelay?.p99 ?? null,
        loopDelayMaxQuietMs: quietDelay?.max ?? null,
        connectionsPerSec: connectMs > 0 ? held / (connectMs / 1000) : null,
        serverCpuUsPerConnection: connectCpuMs === null || held === 0 ? null : (connectCpuMs * 1000) / held,
        rssLoadedMb: loaded.rss === null ? null : loaded.rss / 1024,
        idleSeconds: figures.wallMs / 1000,
        clientProcesses: holders.size,
      },
    };
  } finally {
    holders.stop();
  }
}
