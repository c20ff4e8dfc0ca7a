import { topicName } from '../../shared/bench-protocol.constants.js';
import type { TopicsScenario } from '../../shared/load-config.interface.js';
import type { LoadResult } from '../../shared/load-result.interface.js';
import { nowUs } from '../bench-clock.js';
import { IGNORING_SINK } from '../bench-connection.interface.js';
import { CountingSink } from '../counting-sink.js';
import { LatencyRecorder } from '../latency-recorder.js';
import { percent, startWindow, usPer } from '../measure-window.js';
import { closeAll, openClients, SETUP_IN_FLIGHT, type ScenarioContext } from '../scenario-context.js';
import { waitForProgress } from '../wait-for-progress.js';

/**
 * `topics` clients, client i subscribed to topics i … i+subscribersPerTopic−1
 * (mod `topics`), so every topic has exactly `subscribersPerTopic`
 * subscribers. Each round a publisher sends one message to every topic,
 * back to back; the next round starts when the last delivery arrived.
 */
export async function runTopics(ctx: ScenarioContext, s: TopicsScenario): Promise<LoadResult> {
  const notes: string[] = [];
  const sink = new CountingSink();
  const clients = await openClients(ctx, s.topics, SETUP_IN_FLIGHT, sink, notes);
  const publisher = await ctx.open(IGNORING_SINK);
  const stall = ctx.config.stallTimeoutMs;
  const maxWait = () => Math.max(1000, ctx.deadline - performance.now());
  const perClient = Math.min(s.subscribersPerTopic, s.topics);
  try {
    const subscribeStarted = performance.now();
    clients.forEach((client, i) => {
      for (let k = 0; k < perClient; k++) client.subscribe(topicName((i + k) % s.topics));
    });
    const subscriptions = clients.length * perClient;
    if (
      !(await waitForProgress(
        () => sink.acks >= subscriptions,
        () => sink.acks,
        stall,
        maxWait(),
      ))
    ) {
      notes.push(`${sink.acks} of ${subscriptions} subscriptions acknowledged`);
    }
    const subscribeMs = performance.now() - subscribeStarted;

    const publishRound = () => {
      for (let t = 0; t < s.topics; t++) publisher.publish(topicName(t), nowUs());
    };
    sink.reset(null);
    publishRound();
    await waitForProgress(
      () => sink.payloads >= subscriptions,
      () => sink.payloads,
      stall,
      maxWait(),
    );

    const expected = subscriptions * s.rounds;
    const latencies = new LatencyRecorder(expected);
    sink.reset(latencies);
    let activeMs = 0;
    let complete = true;
    const window = startWindow(ctx.server);
    for (let round = 1; round <= s.rounds && complete; round++) {
      const roundStart = nowUs();
      publishRound();
      complete = await waitForProgress(
        () => sink.payloads >= subscriptions * round,
        () => sink.payloads,
        stall,
        maxWait(),
      );
      activeMs += (Math.max(sink.lastAtUs, roundStart) - roundStart) / 1000;
    }
    const figures = window.finish();
    if (!complete) notes.push(`${sink.payloads} of ${expected} deliveries arrived`);
    const [p50, p99] = latencies.percentilesMs(50, 99);
    return {
      complete: complete && clients.length === s.topics,
      notes,
      metrics: {
        deliveriesPerSec: activeMs > 0 ? sink.payloads / (activeMs / 1000) : null,
        latencyP50Ms: p50 ?? null,
        latencyP99Ms: p99 ?? null,
        serverCpuUsPerDelivery: usPer(figures.serverCpuMs, sink.payloads),
        serverCpuPct: percent(figures.serverCpuMs, figures.wallMs),
        loadGenCpuPct: percent(figures.loadGenCpuMs, figures.wallMs),
        subscribeMs,
        subscriptions,
      },
    };
  } finally {
    publisher.close();
    closeAll(clients);
  }
}
