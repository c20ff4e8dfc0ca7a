import { WebSocket, type RawData } from 'ws';
import { BENCH_HOST, HISTORY_TOPIC_PREFIX, WS_PATH } from '../../shared/bench-protocol.constants.js';
import type { RecoveryScenario } from '../../shared/load-config.interface.js';
import type { LoadResult } from '../../shared/load-result.interface.js';
import { nowUs } from '../bench-clock.js';
import { CountingSink } from '../counting-sink.js';
import { LatencyRecorder } from '../latency-recorder.js';
import { closeAll, openClients, SETUP_IN_FLIGHT, type ScenarioContext } from '../scenario-context.js';
import { waitForProgress } from '../wait-for-progress.js';

interface Frame {
  type?: string;
  content?: { offset?: number; epoch?: string; recovered?: boolean; replayed?: number };
  meta?: { offset?: number };
}

/** A plain `ws` client that parses every frame (the recovery part reads offsets, not only send times). */
class JsonClient {
  private waiters: Array<{ test: (f: Frame) => boolean; resolve: (f: Frame) => void }> = [];
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: RawData) => {
      const frame = JSON.parse(String(data)) as Frame;
      this.waiters = this.waiters.filter((w) => (w.test(frame) ? (w.resolve(frame), false) : true));
    });
  }

  static open(port: number, timeoutMs: number): Promise<JsonClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://${BENCH_HOST}:${port}${WS_PATH}`, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
      ws.once('error', reject);
      ws.once('open', () => {
        ws.on('error', () => undefined);
        resolve(new JsonClient(ws));
      });
    });
  }

  /** The first frame from now on that passes `test`; rejects after `timeoutMs`. */
  next(test: (f: Frame) => boolean, timeoutMs: number): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a frame')), timeoutMs);
      this.waiters.push({
        test,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      });
    });
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  close(): void {
    this.ws.terminate();
  }
}

const isSubscribed = (f: Frame) => f.type === 'system.subscribed';

/**
 * Recovery after a reconnect, and what a history costs a publish. See
 * `RecoveryScenario`. Publishes go through the target's `bench.publish`
 * handler, as in the topics scenario.
 */
export async function runRecovery(ctx: ScenarioContext, s: RecoveryScenario): Promise<LoadResult> {
  const notes: string[] = [];
  const { port, stallTimeoutMs: stall, connectTimeoutMs } = ctx.config;
  const maxWait = () => Math.max(1000, ctx.deadline - performance.now());

  // Recovery: a fresh topic each time, so every reconnect has exactly `missed` messages to recover.
  const recoveries = new LatencyRecorder(s.reconnects);
  const publisher = await JsonClient.open(port, connectTimeoutMs);
  let exact = 0;
  try {
    for (let i = 0; i < s.reconnects; i++) {
      const topic = `${HISTORY_TOPIC_PREFIX}rec-${i}`;
      const first = await JsonClient.open(port, connectTimeoutMs);
      first.send({ type: 'system.subscribe', content: { topic } });
      const answer = await first.next(isSubscribed, stall);
      first.close();
      const since = { offset: answer.content?.offset ?? 0, epoch: answer.content?.epoch ?? '' };
      // The publisher listens too: once it has the last message, the server has kept them all.
      publisher.send({ type: 'system.subscribe', content: { topic } });
      await publisher.next(isSubscribed, stall);
      const last = since.offset + s.missed;
      const allKept = publisher.next((f) => f.meta?.offset === last, stall + s.missed);
      for (let k = 0; k < s.missed; k++) publisher.send({ type: 'bench.publish', content: { topic, bt: nowUs(), k } });
      await allKept;
      publisher.send({ type: 'system.unsubscribe', content: { topic } });

      const started = performance.now();
      const again = await JsonClient.open(port, connectTimeoutMs);
      const resumed = again.next(isSubscribed, stall);
      const lastMissed = again.next((f) => f.meta?.offset === last, stall + s.missed);
      again.send({ type: 'system.subscribe', content: { topic, since } });
      const got = await resumed;
      await lastMissed;
      recoveries.add((performance.now() - started) * 1000);
      again.close();
      if (got.content?.recovered === true && got.content.replayed === s.missed) exact++;
    }
  } finally {
    publisher.close();
  }
  if (exact < s.reconnects)
    notes.push(`${s.reconnects - exact} of ${s.reconnects} reconnects did not recover exactly ${s.missed} messages`);

  // Throughput: the same subscribers on a topic with history and one without, alternated.
  const sink = new CountingSink();
  const clients = await openClients(ctx, s.subscribers, SETUP_IN_FLIGHT, sink, notes);
  const pub = await ctx.open(new CountingSink());
  const topics = { history: `${HISTORY_TOPIC_PREFIX}throughput`, plain: 'plain-throughput' };
  const deliveries = { history: 0, plain: 0 };
  const activeMs = { history: 0, plain: 0 };
  let complete = exact === s.reconnects && clients.length === s.subscribers;
  try {
    for (const client of clients) {
      client.subscribe(topics.history);
      client.subscribe(topics.plain);
    }
    const acks = clients.length * 2;
    if (
      !(await waitForProgress(
        () => sink.acks >= acks,
        () => sink.acks,
        stall,
        maxWait(),
      ))
    ) {
      notes.push(`${sink.acks} of ${acks} subscriptions acknowledged`);
    }
    const burst = async (kind: 'history' | 'plain', count: number, measure: boolean) => {
      sink.reset(null);
      const expected = count * clients.length;
      const start = nowUs();
      for (let k = 0; k < count; k++) pub.publish(topics[kind], nowUs());
      const done = await waitForProgress(
        () => sink.payloads >= expected,
        () => sink.payloads,
        stall,
        maxWait(),
      );
      if (!done) {
        notes.push(`${kind}: ${sink.payloads} of ${expected} deliveries arrived`);
        complete = false;
      }
      if (measure) {
        deliveries[kind] += sink.payloads;
        activeMs[kind] += (Math.max(sink.lastAtUs, start) - start) / 1000;
      }
    };
    // Warm both paths up, then alternate so drift (GC, CPU frequency) hits both alike.
    await burst('plain', Math.min(100, s.publishes), false);
    await burst('history', Math.min(100, s.publishes), false);
    for (let round = 0; round < s.rounds; round++) {
      const order: Array<'history' | 'plain'> = round % 2 === 0 ? ['plain', 'history'] : ['history', 'plain'];
      for (const kind of order) await burst(kind, s.publishes, true);
    }
  } finally {
    pub.close();
    closeAll(clients);
  }
  const perSec = (kind: 'history' | 'plain') => (activeMs[kind] > 0 ? deliveries[kind] / (activeMs[kind] / 1000) : null);
  const history = perSec('history');
  const plain = perSec('plain');
  const [p50, p99] = recoveries.percentilesMs(50, 99);
  return {
    complete,
    notes,
    metrics: {
      recoveryP50Ms: p50 ?? null,
      recoveryP99Ms: p99 ?? null,
      recoveries: recoveries.count,
      historyDeliveriesPerSec: history,
      plainDeliveriesPerSec: plain,
      historyToPlainRatio: history !== null && plain ? history / plain : null,
    },
  };
}
