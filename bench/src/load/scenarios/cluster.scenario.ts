import { BENCH_HOST } from '../../shared/bench-protocol.constants.js';
import type { ClusterScenario } from '../../shared/load-config.interface.js';
import type { LoadResult } from '../../shared/load-result.interface.js';
import { readLossCounts } from '../admin-stats.js';
import { nowUs } from '../bench-clock.js';
import { IGNORING_SINK, type BenchConnection } from '../bench-connection.interface.js';
import { CountingSink } from '../counting-sink.js';
import { LatencyRecorder } from '../latency-recorder.js';
import { percent, startWindow, usPer } from '../measure-window.js';
import { closeAll, openClients, SETUP_IN_FLIGHT, type ScenarioContext } from '../scenario-context.js';
import { ServerProbe } from '../server-probe.js';
import { waitForProgress } from '../wait-for-progress.js';

/** How long the final `GET /ws/stats` may take (in cluster mode it waits for the other nodes' answers). */
const STATS_TIMEOUT_MS = 5000;

const minus = (a: number | null | undefined, b: number | null | undefined): number | null =>
  a === null || a === undefined || b === null || b === undefined ? null : a - b;

/** Sum of CPU readings, or null if any failed. */
const sumCpu = (readings: Array<number | null>): number | null =>
  readings.some((r) => r === null) ? null : readings.reduce<number>((sum, r) => sum + (r ?? 0), 0);

/**
 * Fan-out through the nodes of a cluster. The clients are split evenly over
 * the nodes (the first node takes the remainder); one publisher on the first
 * node sends every broadcast, so the clients of the other nodes get each
 * message through Redis.
 *
 * 1. A burst: `broadcasts` back to back; deliveries/s from the first send to
 *    the last delivery on any node, server CPU summed over the nodes.
 * 2. Probes: `probes` broadcasts one at a time, each sent once the previous one
 *    reached every client, so each latency is an idle-path latency. Clients on
 *    the publisher's node ("same node") and on the others ("cross node") are
 *    recorded apart; their difference is what the trip through Redis adds.
 * 3. `GET /ws/stats` on the first node: messages lost anywhere in the cluster.
 *
 * Against a single node (no peers) every client is on that node and the
 * cross-node figures are absent.
 */
export async function runCluster(ctx: ScenarioContext, s: ClusterScenario): Promise<LoadResult> {
  const { config } = ctx;
  const notes: string[] = [];
  const peers = config.peers ?? [];
  const perPeer = Math.floor(s.clients / (peers.length + 1));
  const sameSink = new CountingSink();
  const crossSink = new CountingSink();
  const same: BenchConnection[] = [];
  const cross: BenchConnection[] = [];
  let publisher: BenchConnection | null = null;
  const servers = [ctx.server, ...peers.map((p) => new ServerProbe(p.serverPid, config.clockTicksPerSecond, ''))];
  const allServers = { cpuMs: () => sumCpu(servers.map((server) => server.cpuMs())) };
  const redis = config.redisPid === undefined ? null : new ServerProbe(config.redisPid, config.clockTicksPerSecond, '');
  const stall = config.stallTimeoutMs;
  const maxWait = () => Math.max(1000, ctx.deadline - performance.now());
  const delivered = () => sameSink.payloads + crossSink.payloads;
  try {
    same.push(...(await openClients(ctx, s.clients - perPeer * peers.length, SETUP_IN_FLIGHT, sameSink, notes)));
    for (const peer of peers) cross.push(...(await openClients(ctx, perPeer, SETUP_IN_FLIGHT, crossSink, notes, peer.port)));
    publisher = await ctx.open(IGNORING_SINK);
    const sender = publisher;
    const n = same.length + cross.length;

    sameSink.reset(null);
    crossSink.reset(null);
    for (let i = 0; i < s.warmupBroadcasts; i++) sender.broadcast(nowUs());
    if (!(await waitForProgress(() => delivered() >= s.warmupBroadcasts * n, delivered, stall, maxWait()))) {
      notes.push(`warm-up: ${delivered()} of ${s.warmupBroadcasts * n} deliveries`);
    }

    // 1. Burst.
    const expected = s.broadcasts * n;
    const burst = new LatencyRecorder(expected);
    sameSink.reset(burst);
    crossSink.reset(burst);
    const redisWindow = redis ? startWindow(redis) : null;
    const window = startWindow(allServers);
    const publisherNodeWindow = startWindow(ctx.server);
    for (let i = 0; i < s.broadcasts; i++) sender.broadcast(nowUs());
    const burstComplete = await waitForProgress(() => delivered() >= expected, delivered, stall, maxWait());
    const figures = window.finish();
    const publisherNodeCpuMs = publisherNodeWindow.finish().serverCpuMs;
    const redisFigures = redisWindow?.finish() ?? null;
    const burstDelivered = delivered();
    const lastAtUs = Math.max(sameSink.lastAtUs, crossSink.lastAtUs);
    const activeMs = lastAtUs > window.startUs ? (lastAtUs - window.startUs) / 1000 : figures.wallMs;
    if (!burstComplete) notes.push(`burst: ${burstDelivered} of ${expected} deliveries arrived`);
    const [p50, p99] = burst.percentilesMs(50, 99);

    // 2. Probes, one message in flight at a time.
    const sameLatency = new LatencyRecorder(s.probes * same.length);
    const crossLatency = new LatencyRecorder(s.probes * cross.length);
    sameSink.reset(sameLatency);
    crossSink.reset(crossLatency);
    let probesComplete = burstComplete;
    for (let i = 1; i <= s.probes && probesComplete; i++) {
      sender.broadcast(nowUs());
      probesComplete = await waitForProgress(() => delivered() >= i * n, delivered, stall, maxWait());
      if (!probesComplete) notes.push(`probe ${i}: ${delivered()} of ${i * n} deliveries arrived`);
    }
    const [sameP50, sameP99] = sameLatency.percentilesMs(50, 99);
    const [crossP50, crossP99] = crossLatency.percentilesMs(50, 99);

    // 3. Losses, as the module counts them.
    const losses = config.protocol === 'websocket-tool' ? await readLossCounts(BENCH_HOST, config.port, STATS_TIMEOUT_MS) : null;
    const sentThroughRedis = (s.warmupBroadcasts + s.broadcasts + s.probes) * peers.length;
    let lossFree = true;
    if (config.protocol === 'websocket-tool') {
      if (!losses) {
        notes.push('GET /ws/stats did not answer');
      } else {
        const lost = losses.queueOverflows + losses.messagesFailed + losses.outboxDropped;
        if (lost > 0) notes.push(`the nodes counted ${lost} lost message(s) (queue overflows, failed writes, outbox drops)`);
        if (losses.missingNodes > 0) notes.push(`${losses.missingNodes} node(s) missing from GET /ws/stats`);
        if (losses.nodes !== peers.length + 1 && peers.length > 0) notes.push(`GET /ws/stats listed ${losses.nodes} node(s)`);
        if (losses.received < sentThroughRedis) notes.push(`the other nodes received ${losses.received} of ${sentThroughRedis} broadcasts`);
        lossFree = lost === 0 && losses.missingNodes === 0 && losses.received >= sentThroughRedis;
      }
    }

    return {
      complete: burstComplete && probesComplete && lossFree && n === s.clients,
      notes,
      metrics: {
        deliveriesPerSec: burstDelivered / (activeMs / 1000),
        crossNodeP50Ms: crossP50 ?? null,
        crossNodeP99Ms: crossP99 ?? null,
        crossNodeAddedP50Ms: minus(crossP50, sameP50),
        crossNodeAddedP99Ms: minus(crossP99, sameP99),
        sameNodeP50Ms: sameP50 ?? null,
        sameNodeP99Ms: sameP99 ?? null,
        latencyP50Ms: p50 ?? null,
        latencyP99Ms: p99 ?? null,
        serverCpuUsPerDelivery: usPer(figures.serverCpuMs, burstDelivered),
        serverCpuPct: percent(figures.serverCpuMs, figures.wallMs),
        redisCpuPct: redisFigures ? percent(redisFigures.serverCpuMs, redisFigures.wallMs) : null,
        // Where the server CPU of the burst went: the node the broadcasts were sent to, and the others.
        publisherNodeCpuMs,
        otherNodesCpuMs: peers.length > 0 ? minus(figures.serverCpuMs, publisherNodeCpuMs) : null,
        loadGenCpuPct: percent(figures.loadGenCpuMs, figures.wallMs),
        deliveredPct: percent(burstDelivered, expected),
        nodes: peers.length + 1,
        clients: n,
        crossNodeClients: cross.length,
        crossNodeMessages: losses && peers.length > 0 ? losses.received : null,
        lostMessages: losses ? losses.queueOverflows + losses.messagesFailed + losses.outboxDropped : null,
      },
    };
  } finally {
    publisher?.close();
    closeAll(same);
    closeAll(cross);
  }
}
