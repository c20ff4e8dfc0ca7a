import type { MemoryScenario } from '../../shared/load-config.interface.js';
import type { LoadResult } from '../../shared/load-result.interface.js';
import { sleep } from '../bench-clock.js';
import { CountingSink } from '../counting-sink.js';
import { percent, startWindow } from '../measure-window.js';
import { closeAll, openClients, type ScenarioContext } from '../scenario-context.js';

/** Time for the server to see the warm-up connections close before its baseline RSS is read. */
const BASELINE_SETTLE_MS = 500;
/** Connections opened and closed before the baseline, so code compiled and buffers pooled on first use are not counted per connection. */
const WARMUP_CONNECTIONS = 200;
/** Time given to a requested garbage collection before RSS is read. */
const GC_SETTLE_MS = 300;

/** RSS and JS heap + external memory in KiB, after a full garbage collection in the target. */
async function settledMemory(ctx: ScenarioContext): Promise<{ rss: number | null; heap: number | null }> {
  ctx.server.collectGarbage();
  await sleep(GC_SETTLE_MS);
  return { rss: ctx.server.rssKb(), heap: ctx.server.heapKb() };
}

const perConnection = (before: number | null, after: number | null, n: number): number | null =>
  before === null || after === null || n === 0 ? null : (after - before) / n;

/**
 * Server RSS per idle connection (VmRSS after connecting and settling,
 * minus before, over the count; the baseline follows a warm-up batch of
 * connections and each reading a full garbage collection in the target),
 * the same for JS heap + external memory as the target reports it, then the server's CPU while the
 * connections sit idle for `idleMs` (its heartbeat, if any, included).
 */
export async function runMemory(ctx: ScenarioContext, s: MemoryScenario): Promise<LoadResult> {
  const notes: string[] = [];
  const sink = new CountingSink();
  closeAll(await openClients(ctx, Math.min(WARMUP_CONNECTIONS, s.connections), s.inFlight, new CountingSink(), []));
  await sleep(BASELINE_SETTLE_MS);
  const before = await settledMemory(ctx);
  const clients = await openClients(ctx, s.connections, s.inFlight, sink, notes);
  try {
    await sleep(s.settleMs);
    const loaded = await settledMemory(ctx);
    const n = clients.length;
    const idle = startWindow(ctx.server);
    await sleep(Math.min(s.idleMs, Math.max(0, ctx.deadline - performance.now() - 1000)));
    const figures = idle.finish();
    const rss2 = ctx.server.rssKb();
    if (sink.closes > 0) notes.push(`${sink.closes} of ${n} idle connections were closed by the server`);
    return {
      complete: n === s.connections && sink.closes === 0,
      notes,
      metrics: {
        rssKbPerConnection: perConnection(before.rss, loaded.rss, n),
        heapKbPerConnection: perConnection(before.heap, loaded.heap, n),
        idleCpuPctOfCore: percent(figures.serverCpuMs, figures.wallMs),
        rssBaselineMb: before.rss === null ? null : before.rss / 1024,
        rssLoadedMb: loaded.rss === null ? null : loaded.rss / 1024,
        rssAfterIdleMb: rss2 === null ? null : rss2 / 1024,
        idleSeconds: figures.wallMs / 1000,
        connections: n,
      },
    };
  } finally {
    closeAll(clients);
  }
}
