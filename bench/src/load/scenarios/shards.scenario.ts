import { topicName } from '../../shared/bench-protocol.constants.js';
import type { ShardsScenario } from '../../shared/load-config.interface.js';
import type { LoadResult } from '../../shared/load-result.interface.js';
import { nowUs } from '../bench-clock.js';
import { IGNORING_SINK, type BenchConnection } from '../bench-connection.interface.js';
import { CountingSink } from '../counting-sink.js';
import { idleCpuPerMs, readAllRedisCounters, redisWork, type RedisWork } from '../redis-info.js';
import { closeAll, openClients, SETUP_IN_FLIGHT, type ScenarioContext } from '../scenario-context.js';
import { waitForProgress } from '../wait-for-progress.js';

/** How long the servers' idle CPU is measured before each part. */
const IDLE_MS = 1000;

/** Microseconds of Redis CPU per item, or null. */
const usPer = (cpuMs: number | null, items: number): number | null => (cpuMs === null || items <= 0 ? null : (cpuMs * 1000) / items);

/** Each server's CPU in a part, less what it spends idle over as long. */
const net = (work: RedisWork | null, idlePerMs: number[] | null, wallMs: number): number[] | null =>
  work === null || idlePerMs === null ? null : work.cpuMs.map((cpu, i) => Math.max(0, cpu - idlePerMs[i] * wallMs));

/** One measured part: its deliveries, how long they took, and the Redis servers' work. */
interface Part {
  complete: boolean;
  delivered: number;
  activeMs: number;
  work: RedisWork | null;
  idlePerMs: number[] | null;
  /** Each server's CPU, idle CPU subtracted. */
  cpuMs: number[] | null;
}

/** Measures the servers' idle CPU, then runs `run` (true if every delivery arrived) between two readings of their counters. */
async function measured(ports: readonly number[], sink: CountingSink, run: () => Promise<boolean>): Promise<Part> {
  sink.reset(null);
  const idlePerMs = await idleCpuPerMs(ports, IDLE_MS);
  const before = await readAllRedisCounters(ports);
  const wallStarted = performance.now();
  const started = nowUs();
  const complete = await run();
  const activeMs = (Math.max(sink.lastAtUs, started) - started) / 1000;
  const delivered = sink.payloads;
  const work = redisWork(before, await readAllRedisCounters(ports));
  return { complete, delivered, activeMs, work, idlePerMs, cpuMs: net(work, idlePerMs, performance.now() - wallStarted) };
}

const perSecond = (part: Part): number | null => (part.activeMs > 0 ? part.delivered / (part.activeMs / 1000) : null);

const sum = (values: number[] | null): number | null => (values === null ? null : values.reduce((a, b) => a + b, 0));
const max = (values: number[] | null): number | null => (values === null || values.length === 0 ? null : Math.max(...values));

/**
 * Redis's work per message, through one Redis or the shards of a Redis
 * Cluster. The clients split evenly over the nodes (the first takes the
 * remainder); a publisher on the first node.
 *
 * 1. Fan-out: `broadcasts` back to back; every client gets each.
 * 2. Topics: client i subscribes to topic i % `topics`; `rounds` rounds of one
 *    publish to every topic, each round once the previous one was delivered.
 *
 * For each part: deliveries/s, and the CPU every Redis server spent
 * (`INFO`: used_cpu_sys + used_cpu_user, summed over the servers, less what
 * they spend idle over as long, measured just before) per delivered message
 * and per published message; for the topics, the share of the publishes the busiest
 * server took (100 % on one Redis, about 33 % on three even shards).
 */
export async function runShards(ctx: ScenarioContext, s: ShardsScenario): Promise<LoadResult> {
  const { config } = ctx;
  const notes: string[] = [];
  const peers = config.peers ?? [];
  const ports = config.redisPorts ?? [];
  if (ports.length === 0) notes.push('no Redis ports: Redis CPU not measured');
  const perPeer = Math.floor(s.clients / (peers.length + 1));
  const sink = new CountingSink();
  const clients: BenchConnection[] = [];
  let publisher: BenchConnection | null = null;
  const stall = config.stallTimeoutMs;
  const maxWait = () => Math.max(1000, ctx.deadline - performance.now());
  try {
    clients.push(...(await openClients(ctx, s.clients - perPeer * peers.length, SETUP_IN_FLIGHT, sink, notes)));
    for (const peer of peers) clients.push(...(await openClients(ctx, perPeer, SETUP_IN_FLIGHT, sink, notes, peer.port)));
    publisher = await ctx.open(IGNORING_SINK);
    const sender = publisher;
    const n = clients.length;

    // 1. Fan-out.
    const fanOut = await measured(ports, sink, () => {
      for (let i = 0; i < s.broadcasts; i++) sender.broadcast(nowUs());
      return waitForProgress(
        () => sink.payloads >= s.broadcasts * n,
        () => sink.payloads,
        stall,
        maxWait(),
      );
    });
    if (!fanOut.complete) notes.push(`fan-out: ${fanOut.delivered} of ${s.broadcasts * n} deliveries`);

    // 2. Topics.
    clients.forEach((client, i) => client.subscribe(topicName(i % s.topics)));
    if (
      !(await waitForProgress(
        () => sink.acks >= n,
        () => sink.acks,
        stall,
        maxWait(),
      ))
    ) {
      notes.push(`${sink.acks} of ${n} subscriptions acknowledged`);
    }
    const topics = await measured(ports, sink, async () => {
      let complete = true;
      for (let round = 1; round <= s.rounds && complete; round++) {
        for (let t = 0; t < s.topics; t++) sender.publish(topicName(t), nowUs());
        complete = await waitForProgress(
          () => sink.payloads >= n * round,
          () => sink.payloads,
          stall,
          maxWait(),
        );
      }
      return complete;
    });
    if (!topics.complete) notes.push(`topics: ${topics.delivered} of ${n * s.rounds} deliveries`);
    const published = s.topics * s.rounds;
    const topicPublishes = topics.work?.publishes ?? [];
    const totalPublishes = topicPublishes.reduce((a, b) => a + b, 0);

    return {
      complete: fanOut.complete && topics.complete && n === s.clients && fanOut.work !== null && topics.work !== null,
      notes,
      metrics: {
        fanOutDeliveriesPerSec: perSecond(fanOut),
        fanOutRedisCpuUsPerDelivery: usPer(sum(fanOut.cpuMs), fanOut.delivered),
        fanOutRedisCpuUsPerMessage: usPer(sum(fanOut.cpuMs), s.broadcasts),
        topicDeliveriesPerSec: perSecond(topics),
        topicRedisCpuUsPerDelivery: usPer(sum(topics.cpuMs), topics.delivered),
        topicRedisCpuUsPerMessage: usPer(sum(topics.cpuMs), published),
        // The server that limits throughput: its CPU over all the topic messages of the cluster.
        topicBusiestServerCpuUsPerMessage: usPer(max(topics.cpuMs), published),
        redisIdleCpuPct: topics.idlePerMs === null ? null : (sum(topics.idlePerMs) ?? 0) * 100,
        busiestShardPublishesPct: totalPublishes > 0 ? (Math.max(...topicPublishes) / totalPublishes) * 100 : null,
        redisServers: ports.length,
        nodes: peers.length + 1,
        clients: n,
      },
    };
  } finally {
    publisher?.close();
    closeAll(clients);
  }
}
