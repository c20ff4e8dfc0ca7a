import { applyStringDelta } from 'fossil-delta';
import { WebSocket, type RawData } from 'ws';
import { BENCH_HOST, DELTA_TOPIC_PREFIX, WS_PATH } from '../../shared/bench-protocol.constants.js';
import type { DeltaScenario } from '../../shared/load-config.interface.js';
import type { LoadResult } from '../../shared/load-result.interface.js';
import { startWindow, usPer } from '../measure-window.js';
import type { ScenarioContext } from '../scenario-context.js';
import { waitForProgress } from '../wait-for-progress.js';

interface Frame {
  type?: string;
  content?: unknown;
  meta?: { topic?: string };
}

const FIELD_BYTES = 40;

/** Versions of a JSON document of about `bytes` bytes; each changes one field in a hundred. */
function documents(bytes: number, count: number): Array<Record<string, string>> {
  const fields = Math.max(1, Math.round(bytes / FIELD_BYTES));
  const doc: Record<string, string> = {};
  for (let i = 0; i < fields; i++) doc[`f${i}`] = `value-${i}-`.padEnd(FIELD_BYTES - 10, 'abcdefghij');
  const out = [{ ...doc }];
  for (let n = 1; n < count; n++) {
    const changed = Math.max(1, Math.round(fields / 100));
    for (let k = 0; k < changed; k++) doc[`f${(n * 37 + k * 11) % fields}`] = `v${n}-`.padEnd(FIELD_BYTES - 10, 'klmnopqrst');
    out.push({ ...doc });
  }
  return out;
}

/**
 * A subscriber that counts the bytes it receives and keeps the text of every message of the topic; with
 * deltas it rebuilds each one (as the client SDK does) from its copy of the previous message.
 */
class CountingSubscriber {
  bytes = 0;
  readonly texts: string[] = [];
  mismatches = 0;
  private copy: string | null = null;
  private subscribed = false;

  private constructor(
    private readonly ws: WebSocket,
    private readonly delta: boolean,
  ) {
    ws.on('message', (data: RawData) => this.receive(String(data), (data as Buffer).length));
  }

  static open(port: number, topic: string, delta: boolean, timeoutMs: number): Promise<CountingSubscriber> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://${BENCH_HOST}:${port}${WS_PATH}`, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
      ws.once('error', reject);
      ws.once('open', () => {
        ws.on('error', () => undefined);
        const subscriber = new CountingSubscriber(ws, delta);
        ws.send(JSON.stringify({ type: 'system.subscribe', content: delta ? { topic, delta: true } : { topic } }));
        resolve(subscriber);
      });
    });
  }

  get ready(): boolean {
    return this.subscribed;
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  close(): void {
    this.ws.terminate();
  }

  private receive(text: string, length: number): void {
    const frame = JSON.parse(text) as Frame;
    if (frame.type === 'system.subscribed') this.subscribed = true;
    if (frame.type === 'system.delta' && typeof frame.content === 'string' && this.copy !== null) {
      this.bytes += length;
      try {
        this.keep(applyStringDelta(this.copy, frame.content, { verifyChecksum: true }));
      } catch {
        this.mismatches++;
      }
    } else if (frame.type === 'bench.message') {
      this.bytes += length;
      this.keep(text);
    }
  }

  private keep(text: string): void {
    if (this.delta) this.copy = text;
    this.texts.push(text);
  }
}

/** See `DeltaScenario`. Publishes go through the target's `bench.publish` handler, one document after another. */
export async function runDelta(ctx: ScenarioContext, s: DeltaScenario): Promise<LoadResult> {
  const notes: string[] = [];
  const { port, stallTimeoutMs: stall, connectTimeoutMs } = ctx.config;
  const maxWait = () => Math.max(1000, ctx.deadline - performance.now());
  const topic = `${DELTA_TOPIC_PREFIX}doc`;
  const open = (delta: boolean) =>
    Promise.all(Array.from({ length: s.subscribers }, () => CountingSubscriber.open(port, topic, delta, connectTimeoutMs)));
  const withDeltas = await open(true);
  const full = await open(false);
  const everyone = [...withDeltas, ...full];
  const publisher = await CountingSubscriber.open(port, `${DELTA_TOPIC_PREFIX}publisher`, false, connectTimeoutMs);
  try {
    await waitForProgress(
      () => everyone.every((c) => c.ready),
      () => everyone.filter((c) => c.ready).length,
      stall,
      maxWait(),
    );
    const docs = documents(s.documentBytes, s.updates);
    const window = startWindow(ctx.server);
    const send = (seq: number) => publisher.send({ type: 'bench.publish', content: { topic, seq, doc: docs[seq] } });
    for (let seq = 0; seq < s.updates; seq++) {
      send(seq);
      // One update in flight at a time: each delta is against the one before.
      await waitForProgress(
        () => everyone.every((c) => c.texts.length + c.mismatches > seq),
        () => everyone.reduce((sum, c) => sum + c.texts.length, 0),
        stall,
        maxWait(),
      );
    }
    const figures = window.finish();
    const expected = s.updates;
    const complete = everyone.every((c) => c.texts.length === expected);
    if (!complete) notes.push('some subscribers did not get every update');
    const reference = full[0]?.texts ?? [];
    let identical = 0;
    for (const c of withDeltas) for (let i = 0; i < c.texts.length; i++) if (c.texts[i] === reference[i]) identical++;
    const deltaBytes = withDeltas.reduce((sum, c) => sum + c.bytes, 0) / (s.subscribers * expected);
    const fullBytes = full.reduce((sum, c) => sum + c.bytes, 0) / (s.subscribers * expected);
    return {
      complete,
      notes,
      metrics: {
        fullBytesPerMessage: fullBytes,
        deltaBytesPerMessage: deltaBytes,
        bytesRatio: deltaBytes > 0 ? fullBytes / deltaBytes : null,
        rebuiltIdenticalPct: (identical / (s.subscribers * expected)) * 100,
        serverCpuUsPerDelivery: usPer(figures.serverCpuMs, expected * s.subscribers * 2),
      },
    };
  } finally {
    publisher.close();
    for (const c of everyone) c.close();
  }
}
