import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { EchoProbe } from './support/echo-probe.js';
import { latencyBar } from './support/latency-bar.js';
import { Opcode, RawWebSocket, encodeFrame } from './support/raw-websocket.js';
import { postJson } from './support/post-json.js';
import { getJson, mib, retainedBytes, ServerProcess } from './support/server-process.js';
import { waitFor } from './support/wait-for.js';

/**
 * Clients that stop reading, against the sample app at its default settings
 * (only the per-IP handshake limit is raised, so one test machine may open
 * the connections), at the same scheduling priority as the attackers.
 */
const DEFAULTS_ENV = { FP_WST_RATE_LIMIT_CONNECTIONS_PER_WINDOW: '1000000' };
const MAX_CLIENT_QUEUE_SIZE = 1000;
const MAX_CLIENT_QUEUE_BYTES = 262_144;
const SEND_HIGH_WATER_MARK_BYTES = 262_144;
const CLOSE_HANDSHAKE_TIMEOUT_MS = 3000;
const PROBE_P99_BAR_MS = 50;
/** The default keep-alive ceiling is 10 per second: the probe pings 8 times a second. */
const PROBE_INTERVAL_MS = 125;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ClientRow {
  client_id: string;
  queued: number;
  queued_bytes: number;
}

/** Posts admin broadcasts to a topic at a steady rate, numbered from 0, until stopped. */
class BroadcastStream {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 4 });
  sent = 0;
  failed = 0;
  private running = true;
  private readonly done: Promise<void>;

  constructor(
    private readonly server: ServerProcess,
    private readonly topic: string,
    padBytes: number,
    perSecond: number,
  ) {
    const pad = 'x'.repeat(padBytes);
    this.done = (async () => {
      const started = Date.now();
      while (this.running) {
        const seq = this.sent++;
        const status = await postJson(
          `${this.server.http}/ws/send-message`,
          { type: 'feed', topic: this.topic, content: { seq, pad } },
          this.agent,
        );
        // 503 says a client's full queue dropped its copy: the stalled ones, as they are closed.
        if (status !== 202 && status !== 503) this.failed++;
        const due = started + (this.sent * 1000) / perSecond;
        if (due > Date.now()) await sleep(due - Date.now());
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
    this.agent.destroy();
  }
}

/** A reading subscriber that checks it gets every numbered message of a stream, in order. */
async function subscriber(server: ServerProcess, topic: string): Promise<{ socket: WebSocket; seqs: number[] }> {
  const socket = new WebSocket(`${server.ws}/ws/reader-${topic}`);
  const seqs: number[] = [];
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; content: { seq: number } };
      if (message.type === 'system.subscribed') resolve();
      if (message.type === 'feed') seqs.push(message.content.seq);
    });
    socket.once('open', () => socket.send(JSON.stringify({ type: 'system.subscribe', content: { topic } })));
  });
  return { socket, seqs };
}

/** A raw client that subscribes, then stops reading and only writes a `pong` now and then to look alive. */
async function nonReader(server: ServerProcess, id: string, topic: string): Promise<RawWebSocket & { keepAlive: NodeJS.Timeout }> {
  const raw = await RawWebSocket.open(server.port, { path: `/ws/${id}` });
  await raw.sendText(JSON.stringify({ type: 'system.subscribe', content: { topic }, meta: { id: 'sub' } }));
  await raw.reply('sub');
  raw.stopReading();
  const keepAlive = setInterval(() => void raw.sendText('{"type":"pong"}'), 2000);
  return Object.assign(raw, { keepAlive });
}

async function clientRows(server: ServerProcess): Promise<Map<string, ClientRow>> {
  const { body } = await getJson(`${server.http}/ws/clients?limit=1000`);
  return new Map((body as { clients: ClientRow[] }).clients.map((row) => [row.client_id, row]));
}

describe('clients that stop reading, at the default settings', { retry: 0 }, () => {
  let server: ServerProcess;
  let probe: EchoProbe;

  beforeAll(async () => {
    server = await ServerProcess.start({ env: DEFAULTS_ENV });
    probe = await EchoProbe.start(`${server.ws}/ws/probe`, {}, PROBE_INTERVAL_MS, 2000, true);
  }, 40_000);

  afterAll(async () => {
    try {
      expect(server.faults, 'uncaught exceptions / unhandled rejections in the server').toEqual([]);
      const exit = await server.stop('SIGTERM');
      expect(exit.code, `exit status after SIGTERM\n${server.stderrTail}`).toBe(0);
    } finally {
      server.kill();
      await probe.stop();
    }
  }, 30_000);

  it('50 non-reading subscribers that send pongs are each closed (4003) within 1 s of their own limit; a reader loses nothing', async () => {
    const before = await server.stats();
    const fdsBefore = (await server.sample(false)).fds;
    const reader = await subscriber(server, 'feed');
    const attackers = await Promise.all(Array.from({ length: 50 }, (_, i) => nonReader(server, `stalled-${i}`, 'feed')));
    const ids = new Set(attackers.map((_, i) => `stalled-${i}`));
    const mark = probe.mark();
    // 48 KiB broadcasts, 40 a second: each stalled client fills its kernel buffers, then its socket's, then its queue.
    const stream = new BroadcastStream(server, 'feed', 48 * 1024, 40);
    const frame = 48 * 1024 + 100;
    const nearLimit = new Map<string, number>();
    const gone = new Map<string, number>();
    let largestQueue = 0;
    let largestBytes = 0;
    const deadline = Date.now() + 25_000;
    while (gone.size < ids.size && Date.now() < deadline) {
      const rows = await clientRows(server);
      const now = Date.now();
      for (const id of ids) {
        if (gone.has(id)) continue;
        const row = rows.get(id);
        if (!row) {
          gone.set(id, now);
          continue;
        }
        largestQueue = Math.max(largestQueue, row.queued);
        largestBytes = Math.max(largestBytes, row.queued_bytes);
        // One more message would pass a limit of its own.
        if (!nearLimit.has(id) && (row.queued + 1 > MAX_CLIENT_QUEUE_SIZE || row.queued_bytes + frame > MAX_CLIENT_QUEUE_BYTES)) {
          nearLimit.set(id, now);
        }
      }
      await sleep(100);
    }
    const streamedFor = Date.now();
    await sleep(500);
    await stream.stop();
    const window = await probe.since(mark);
    for (const a of attackers) clearInterval(a.keepAlive);

    expect(gone.size, 'every non-reading client was closed').toBe(50);
    for (const [id, at] of nearLimit) expect(gone.get(id)! - at, `${id}: from its limit to its close`).toBeLessThanOrEqual(1000 + 150);
    expect(largestQueue).toBeLessThanOrEqual(MAX_CLIENT_QUEUE_SIZE);
    expect(largestBytes).toBeLessThanOrEqual(MAX_CLIENT_QUEUE_BYTES);
    const after = await server.stats();
    expect(after.disconnections_by_reason.slow_consumer - before.disconnections_by_reason.slow_consumer).toBe(50);

    await waitFor(() => reader.seqs.length === stream.sent, `the reader got all ${stream.sent} broadcasts`, 5000);
    expect(stream.failed).toBe(0);
    expect(reader.seqs).toEqual(Array.from({ length: stream.sent }, (_, i) => i));
    expect(stream.sent, 'the stream ran while the clients were closed').toBeGreaterThan(40);

    expect(probe.closed, 'the probe stays connected').toBeNull();
    expect(window.lost, 'no probe ping went unanswered').toBe(0);
    expect(window.p99, `probe p99 (p50 ${window.p50.toFixed(1)} ms, max ${window.max.toFixed(1)} ms)`).toBeLessThan(
      latencyBar(PROBE_P99_BAR_MS),
    );
    // The close handshake of a client that does not read is cut short: the server lets go of its socket soon after.
    reader.socket.close();
    await waitFor(
      async () => (await server.sample(false)).fds <= fdsBefore,
      'the server closed the sockets of the stalled clients',
      Math.max(0, streamedFor + CLOSE_HANDSHAKE_TIMEOUT_MS + 1000 - Date.now()),
      100,
    );
    for (const a of attackers) a.destroy();
  }, 60_000);

  it('8 clients pipelining system.ping with a 60 KB ping_id and never reading cost < 64 MB; each is closed (1008)', async () => {
    const before = await server.stats();
    const base = retainedBytes(await probe.excluding(() => server.sample()));
    const mark = probe.mark();
    const ping = encodeFrame({
      opcode: Opcode.Text,
      payload: JSON.stringify({ type: 'system.ping', meta: { ping_id: 'p'.repeat(60 * 1024) } }),
      mask: true,
    });
    const reflectors = await Promise.all(
      Array.from({ length: 8 }, (_, i) => RawWebSocket.open(server.port, { path: `/ws/reflector-${i}` })),
    );
    let peak = 0;
    const sampling = { on: true };
    const sampler = (async () => {
      // Without a forced GC (which would pause the server under the probe): garbage counts too, an upper bound.
      while (sampling.on) {
        peak = Math.max(peak, retainedBytes(await server.sample(false)) - base);
        await sleep(100);
      }
    })();
    await Promise.all(
      reflectors.map(async (r) => {
        r.stopReading();
        // Up to 12 MB each, in batches, until the server closes the connection.
        for (let sent = 0; sent < 200 && !r.socket.destroyed; sent += 10) {
          await Promise.race([r.send(Buffer.concat(Array(10).fill(ping))), sleep(1000)]);
        }
      }),
    );
    await waitFor(async () => (await server.stats()).total_active_connections <= 1, 'the reflectors were closed', 10_000, 100);
    sampling.on = false;
    await sampler;
    // The attack is over within a second: the probe's window takes in the time right after it too.
    await sleep(1500);
    const window = await probe.since(mark);
    expect(window.samples).toBeGreaterThan(10);
    const after = await server.stats();
    expect(after.disconnections_by_reason.rate_limited - before.disconnections_by_reason.rate_limited).toBe(8);
    for (const r of reflectors) r.destroy();
    expect(peak, `retained memory grew by ${mib(peak)} MiB`).toBeLessThan(64 * 1024 * 1024);
    expect(window.lost).toBe(0);
    expect(window.p99, `probe p99 (p50 ${window.p50.toFixed(1)} ms, max ${window.max.toFixed(1)} ms)`).toBeLessThan(
      latencyBar(PROBE_P99_BAR_MS),
    );
  }, 40_000);

  it('a flood of system.* messages, known or made up, is limited and closed with 1008', async () => {
    for (const type of ['system.subscribe', 'system.made_up', 'system.pong']) {
      const c = await RawWebSocket.open(server.port, { path: `/ws/flood-${type.slice(7)}` });
      const frame = encodeFrame({ opcode: Opcode.Text, payload: JSON.stringify({ type, content: { topic: 'x' } }), mask: true });
      await c.send(Buffer.concat(Array(500).fill(frame)));
      const close = await c.closedWithin(5000);
      expect(close.code, type).toBe(1008);
      expect(c.messages().filter((m) => m.type === 'system.rate_limited').length, type).toBeGreaterThan(0);
      c.destroy();
    }
  }, 30_000);

  it('one non-reading client of 90 KB broadcasts pins at most its own byte budget, and a reader that resumes in time sees 4003', async () => {
    const reader = await subscriber(server, 'big');
    const base = retainedBytes(await probe.excluding(() => server.sample()));
    const attacker = await nonReader(server, 'big-stalled', 'big');
    const stream = new BroadcastStream(server, 'big', 90 * 1024, 40);
    let peak = 0;
    const deadline = Date.now() + 20_000;
    while ((await server.client('big-stalled')) && Date.now() < deadline) {
      peak = Math.max(peak, retainedBytes(await probe.excluding(() => server.sample())) - base);
      await sleep(100);
    }
    await stream.stop();
    clearInterval(attacker.keepAlive);
    expect(await server.client('big-stalled'), 'the client was closed').toBeNull();
    // Its queue and its socket's buffer, each a budget of 256 KiB, plus one message over each.
    const budget = MAX_CLIENT_QUEUE_BYTES + SEND_HIGH_WATER_MARK_BYTES + 2 * 90 * 1024;
    expect(peak, `retained memory grew by ${mib(peak)} MiB`).toBeLessThan(budget + 4 * 1024 * 1024);
    // It reads again right away: everything the kernel held, then the close frame.
    attacker.socket.resume();
    const close = await attacker.closedWithin(CLOSE_HANDSHAKE_TIMEOUT_MS);
    expect(close.code).toBe(4003);
    await waitFor(() => reader.seqs.length === stream.sent, 'the reader got every broadcast', 5000);
    reader.socket.close();
  }, 40_000);

  it('the socket of a client that stops reading is destroyed a few seconds after its 4003, not held for 30 s', async () => {
    const fdsBefore = (await server.sample(false)).fds;
    const attacker = await nonReader(server, 'late-reader', 'late');
    const stream = new BroadcastStream(server, 'late', 60 * 1024, 40);
    await waitFor(async () => (await server.client('late-reader')) === null, 'the client was closed', 20_000, 100);
    const closedAt = Date.now();
    await stream.stop();
    clearInterval(attacker.keepAlive);
    await waitFor(async () => (await server.sample(false)).fds <= fdsBefore, 'the server let go of the socket', 10_000, 100);
    expect(Date.now() - closedAt).toBeLessThan(CLOSE_HANDSHAKE_TIMEOUT_MS + 1000);
    attacker.destroy();
  }, 40_000);
});
