import { WebSocket, type RawData } from 'ws';
import { BENCH_HOST, PRESENCE_TOPIC_PREFIX, WS_PATH } from '../../shared/bench-protocol.constants.js';
import type { PresenceScenario } from '../../shared/load-config.interface.js';
import type { LoadResult } from '../../shared/load-result.interface.js';
import { LatencyRecorder } from '../latency-recorder.js';
import type { ScenarioContext } from '../scenario-context.js';

interface Frame {
  type?: string;
  content?: { us?: number; clients?: number | null };
}

/** A plain `ws` client that resolves on the first frame of a type (the subscribe answer, a handler's reply). */
class Client {
  private waiter: { type: string; resolve: (f: Frame) => void } | null = null;
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: RawData) => {
      const frame = JSON.parse(String(data)) as Frame;
      if (this.waiter && frame.type === this.waiter.type) {
        const { resolve } = this.waiter;
        this.waiter = null;
        resolve(frame);
      }
    });
  }

  /** Opens a connection and subscribes it to `topic`: resolves at `system.subscribed`. */
  static async join(port: number, topic: string, timeoutMs: number): Promise<Client> {
    const ws = new WebSocket(`ws://${BENCH_HOST}:${port}${WS_PATH}`, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
    const client = new Client(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('error', reject);
      ws.once('open', () => {
        ws.on('error', () => undefined);
        resolve();
      });
    });
    await client.ask({ type: 'system.subscribe', content: { topic } }, 'system.subscribed', timeoutMs);
    return client;
  }

  ask(message: unknown, type: string, timeoutMs: number): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} within ${timeoutMs} ms`)), timeoutMs);
      this.waiter = {
        type,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      };
      this.ws.send(JSON.stringify(message));
    });
  }

  close(): void {
    this.ws.terminate();
  }
}

/** `count` clients connect and subscribe to `topic`, `inFlight` at a time; the rate over the whole run. */
async function joinAll(port: number, topic: string, count: number, inFlight: number, timeoutMs: number) {
  const clients: Client[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      next++;
      clients.push(await Client.join(port, topic, timeoutMs));
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
  return { clients, perSec: count / ((performance.now() - started) / 1000) };
}

/**
 * Presence: what it costs connect throughput, and how long `presenceStats`
 * takes with `members` members. See `PresenceScenario`.
 */
export async function runPresence(ctx: ScenarioContext, s: PresenceScenario): Promise<LoadResult> {
  const notes: string[] = [];
  const { port, connectTimeoutMs } = ctx.config;
  const topic = `${PRESENCE_TOPIC_PREFIX}bench`;

  // A warm-up (not counted), then without presence, then with (those stay connected for the reads).
  const warm = await joinAll(port, 'plain:warm-up', Math.min(500, s.members), s.inFlight, connectTimeoutMs);
  for (const client of warm.clients) client.close();
  const plain = await joinAll(port, 'plain:bench', s.members, s.inFlight, connectTimeoutMs);
  for (const client of plain.clients) client.close();
  const members = await joinAll(port, topic, s.members, s.inFlight, connectTimeoutMs);

  const reads = new LatencyRecorder(s.reads);
  let complete = true;
  try {
    const asker = members.clients[0] as Client;
    for (let i = 0; i < s.reads; i++) {
      const answer = await asker.ask({ type: 'bench.presence_stats', content: { topic } }, 'bench.presence_stats', connectTimeoutMs);
      if (typeof answer.content?.us === 'number') reads.add(answer.content.us);
      if (i === 0 && answer.content?.clients !== s.members) {
        notes.push(`presenceStats counted ${String(answer.content?.clients)} members, not ${s.members}`);
        complete = false;
      }
    }
  } finally {
    for (const client of members.clients) client.close();
  }
  const [p50, p99] = reads.percentilesMs(50, 99);
  return {
    complete,
    notes,
    metrics: {
      presenceStatsP50Ms: p50 ?? null,
      presenceStatsP99Ms: p99 ?? null,
      presenceMembers: s.members,
      connectsPerSecPlain: plain.perSec,
      connectsPerSecPresence: members.perSec,
      presenceConnectRatio: plain.perSec > 0 ? members.perSec / plain.perSec : null,
    },
  };
}
