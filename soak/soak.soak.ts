import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { EchoProbe, percentile } from '../test/reliability/support/echo-probe.js';
import { RawWebSocket, rawHttp } from '../test/reliability/support/raw-websocket.js';
import { ServerProcess, mib, retainedBytes, type ServerSample } from '../test/reliability/support/server-process.js';
import { waitFor } from '../test/reliability/support/wait-for.js';
import { soakProfile } from './soak-profile.js';
import { machineInfo, memoryPoint, writeReport, type BarResult, type MemoryPoint } from './soak-report.js';
import { runNodeKill, runRedisRestart, type TierOutcome } from './cluster/index.js';
import { runStorm, stormTimeBar, stormWaitSeconds } from './storm.js';
import { ClientPool, boundedAll, openSocket } from './support/client-pool.js';
import { ErrorTally } from './support/error-tally.js';
import { slope } from './support/linear-fit.js';

const profile = soakProfile();
const MiB = 1024 * 1024;
const CLIENT_QUEUE_CAP = 1000;
const TOPICS = 50;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const timers = (s: ServerSample) => s.resources.Timeout ?? 0;

/** Server settings of the soak: the defaults, except what a single test machine needs. */
const SERVER_ENV: Record<string, string> = {
  FP_WST_HEARTBEAT_INTERVAL: String(profile.heartbeat.intervalSeconds),
  FP_WST_HEARTBEAT_TIMEOUT: String(profile.heartbeat.timeoutSeconds),
  // Every soak client comes from 127.0.0.1; the per-IP handshake limit would refuse nearly all of them.
  FP_WST_RATE_LIMIT_CONNECTIONS_PER_WINDOW: '100000000',
  // ... and the per-IP cap on open connections would refuse all but 256 of them.
  FP_WST_MAX_CONNECTIONS_PER_IP: '0',
  // The publishers of the soak send thousands of messages a minute.
  FP_WST_RATE_LIMIT_MESSAGES_PER_WINDOW: '1000000',
  FP_WST_MAX_CLIENT_QUEUE_SIZE: String(CLIENT_QUEUE_CAP),
};

/** DELETE on a fresh connection (the admin API's disconnect). */
function httpDelete(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { method: 'DELETE', agent: false, headers: { connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

describe(`soak (${profile.name} profile)`, () => {
  const startedAt = Date.now();
  const errors = new ErrorTally();
  const figures: Record<string, unknown> = {};
  const bars: BarResult[] = [];
  const memory: MemoryPoint[] = [];
  const notes: string[] = [];
  let server: ServerProcess;
  let probe: EchoProbe;
  let baseline: ServerSample;
  let serverExitedOnPurpose = false;

  /** A memory sample after a forced GC, recorded for the report; the pause is left out of the probe's figures. */
  const sample = async (phase: string): Promise<ServerSample> => {
    const s = await probe.excluding(() => server.sample());
    const connections = (await server.stats()).total_active_connections;
    memory.push(memoryPoint(phase, startedAt, s, connections));
    return s;
  };
  /** Records a pass bar for the report and returns whether it passed. */
  const record = (bar: string, measured: string, pass: boolean | null): boolean | null => {
    bars.push({ bar, measured, pass });
    return pass;
  };
  /** The probe's echo round trips over a phase, for the report. */
  const probeFigures = async (mark: number, until?: number) => {
    const w = await probe.since(mark, until);
    return { samples: w.samples, p50Ms: Math.round(w.p50 * 10) / 10, p99Ms: Math.round(w.p99 * 10) / 10, lost: w.lost };
  };
  const activeBesidesProbe = async () => (await server.stats()).total_active_connections - 1;

  beforeAll(async () => {
    server = await ServerProcess.start({ env: SERVER_ENV });
    probe = await EchoProbe.start(`${server.ws}/ws/soak-probe`, {}, 50, 5000);
    // Warm-up, so the baseline already holds what any first use creates once (compiled code, lazy
    // modules, pools): 300 connect/subscribe/echo/publish/close cycles.
    const warmUp = new ClientPool(server.ws, errors, 'warm-up');
    await warmUp.open(300, 50, (i) => `/ws/warm-${i}`);
    warmUp.sendAll((c) => JSON.stringify({ type: 'system.subscribe', content: { topic: `room-${c.index % TOPICS}` } }));
    await Promise.all(warmUp.clients.map((c) => warmUp.echo(c)));
    warmUp.sendAll((c) => JSON.stringify({ type: 'chat.message', content: { text: 'warm' }, meta: { topic: `room-${c.index % TOPICS}` } }));
    await sleep(500);
    await warmUp.closeAll();
    await waitFor(async () => (await activeBesidesProbe()) === 0, 'the warm-up clients are gone', 30_000, 100);
    await sleep(2000);
    baseline = await sample('baseline (after warm-up)');
  }, 60_000);

  afterAll(async () => {
    if (!server) return;
    const unexpectedExit = !server.alive && !serverExitedOnPurpose;
    record(
      'Zero process exits, uncaught exceptions and unhandled rejections',
      `${server.faults.length} faults, ${unexpectedExit ? 'the server exited on its own' : 'no unplanned exit'}`,
      server.faults.length === 0 && !unexpectedExit,
    );
    await probe?.stop();
    server.kill();
    const report = {
      profile,
      startedAt: new Date(startedAt).toISOString(),
      durationSeconds: Math.round((Date.now() - startedAt) / 1000),
      machine: machineInfo(),
      figures,
      bars,
      errors: errors.toJSON(),
      serverFaults: server.faults,
      serverWarnings: server.warnings,
      memory,
      notes,
    };
    const paths = writeReport(report);
    process.stdout.write(`\nSoak report: ${paths.md}\n${paths.json}\n`);
    expect(server.faults).toEqual([]);
    expect(unexpectedExit).toBe(false);
  }, 60_000);

  it(
    `holds ${profile.hold.connections} connections for ${profile.hold.seconds} s with heartbeat on: none dropped, memory flat after the first seconds`,
    { timeout: (profile.hold.seconds + 240) * 1000 },
    async () => {
      const { connections, seconds } = profile.hold;
      const pool = new ClientPool(server.ws, errors, 'hold');
      const connectMark = probe.mark();
      const connectStarted = Date.now();
      const failed = await pool.open(connections, 200);
      const connectSeconds = (Date.now() - connectStarted) / 1000;
      figures['hold: probe echo while connecting (ms)'] = await probeFigures(connectMark, probe.mark());
      const heldFrom = Date.now();
      const mark = probe.mark();
      // Samples at 10 s and at the end, and every few seconds between.
      const times = [
        ...new Set([
          10,
          ...Array.from({ length: Math.floor(seconds / profile.sampleEverySeconds) }, (_, i) => (i + 1) * profile.sampleEverySeconds),
          seconds,
        ]),
      ]
        .filter((t) => t >= 10 && t <= seconds)
        .toSorted((a, b) => a - b);
      const readings = new Map<number, ServerSample>();
      for (const t of times) {
        await sleep(heldFrom + t * 1000 - Date.now());
        readings.set(t, await sample(`hold ${t} s`));
      }
      const at10 = readings.get(10) as ServerSample;
      const atEnd = readings.get(seconds) as ServerSample;
      const open = pool.openCount;
      const onServer = await activeBesidesProbe();
      const minPings = Math.min(...pool.clients.map((c) => c.pings));
      const expectedPings = Math.floor(seconds / profile.heartbeat.intervalSeconds) - 1;
      const growth = retainedBytes(atEnd) - retainedBytes(at10);
      figures['hold: connections held'] = open;
      figures['hold: seconds to connect all'] = Math.round(connectSeconds * 10) / 10;
      figures['hold: server heap / RSS at 10 s (MiB)'] = `${mib(at10.memory.heapUsed)} / ${mib(at10.memory.rss)}`;
      figures[`hold: server heap / RSS at ${seconds} s (MiB)`] = `${mib(atEnd.memory.heapUsed)} / ${mib(atEnd.memory.rss)}`;
      figures['hold: server memory per connection (KiB, heap + external)'] = Math.round(
        (retainedBytes(atEnd) - retainedBytes(baseline)) / Math.max(1, onServer) / 1024,
      );
      figures['hold: fewest heartbeats a client got'] = minPings;
      figures['hold: probe echo while holding (ms)'] = await probeFigures(mark);

      const held = record(
        `${connections} connections held for ${seconds} s with heartbeat on, none dropped`,
        `${open} open on the clients, ${onServer} on the server, ${failed} failed to connect, close codes ${JSON.stringify(pool.closeCodes())}`,
        failed === 0 && open === connections && onServer === connections,
      );
      const flat = record(
        'Server memory flat after the first seconds (heap + external, 10 s → end)',
        `${mib(retainedBytes(at10))} → ${mib(retainedBytes(atEnd))} MiB (${mib(growth)} MiB)`,
        growth <= Math.max(5 * MiB, retainedBytes(at10) * 0.05),
      );
      const pinged = record(
        'Heartbeat reached every held client',
        `fewest system.ping per client: ${minPings} (expected ≥ ${expectedPings})`,
        minPings >= expectedPings,
      );
      await pool.closeAll();
      await waitFor(async () => (await activeBesidesProbe()) === 0, 'the held clients are gone from the server', 60_000, 200);
      expect(held).toBe(true);
      expect(flat).toBe(true);
      expect(pinged).toBe(true);
    },
  );

  it(
    `churn: ${profile.churn.held} held connections and ${profile.churn.cycles} connect/send/disconnect cycles with steady traffic; no leak`,
    { timeout: (profile.churn.minSeconds * 3 + 300) * 1000 },
    async () => {
      const { held, cycles, minSeconds, concurrency } = profile.churn;
      const mark = probe.mark();
      const pool = new ClientPool(server.ws, errors, 'churn-held');
      await pool.open(held, 100, (i) => `/ws/held-${i}`);
      pool.sendAll((c) => JSON.stringify({ type: 'system.subscribe', content: { topic: `room-${c.index % TOPICS}` } }));
      const phaseStart = Date.now();
      const stopAt = phaseStart + minSeconds * 1000;
      // Paced so the cycles spread over the phase (80 % of it) instead of bunching at the start.
      const perSecond = cycles / (minSeconds * 0.8);
      const progress = { started: 0, completed: 0 };
      let churnReceived = 0;
      const churnCloses: Record<string, number> = {};
      const cycle = async (n: number) => {
        const named = n % 2 === 0;
        let socket: WebSocket;
        try {
          socket = await openSocket(server.ws + (named ? `/ws/churn-${n}` : '/ws'));
        } catch (err) {
          errors.add(`churn:${(err as Error).message}`);
          return;
        }
        const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
        socket.on('error', () => undefined);
        const answered = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), 10_000);
          socket.on('message', (data) => {
            churnReceived++;
            if ((data as Buffer).toString('latin1', 0, 20).startsWith('{"type":"echo"')) {
              clearTimeout(timer);
              resolve(true);
            }
          });
          socket.send(JSON.stringify({ type: 'system.subscribe', content: { topic: `room-${n % TOPICS}` } }));
          socket.send(JSON.stringify({ type: 'echo', content: n, meta: { id: n } }));
        });
        if (!answered) errors.add('churn:echo_timeout');
        const way = n % 20;
        if (way === 0 && named) await httpDelete(`${server.http}/ws/clients/churn-${n}`);
        else if (way < 5) socket.terminate();
        else socket.close(1000);
        const code = await Promise.race([closed, sleep(15_000).then(() => -1)]);
        churnCloses[code] = (churnCloses[code] ?? 0) + 1;
        progress.completed++;
      };
      const churners = Array.from({ length: concurrency }, async () => {
        while (progress.started < cycles || Date.now() < stopAt) {
          const due = phaseStart + (progress.started / perSecond) * 1000;
          if (due > Date.now()) await sleep(due - Date.now());
          await cycle(progress.started++);
        }
      });
      // Steady traffic on the held connections: echoes, and chat messages published to their rooms.
      const traffic = { on: true };
      const rtts: number[] = [];
      const talkers = (async () => {
        let i = 0;
        while (traffic.on) {
          const client = pool.clients[(i++ * 7919) % pool.clients.length];
          void pool.echo(client).then((ms) => Number.isNaN(ms) || rtts.push(ms));
          if (i % 4 === 0) {
            const publisher = pool.clients[i % pool.clients.length];
            if (publisher.close === null) {
              publisher.socket.send(
                JSON.stringify({ type: 'chat.message', content: { text: `tick ${i}` }, meta: { topic: `room-${i % TOPICS}` } }),
              );
            }
          }
          await sleep(5);
        }
      })();
      const samples: ServerSample[] = [];
      while (progress.started < cycles || Date.now() < stopAt) {
        await sleep(profile.sampleEverySeconds * 1000);
        samples.push(await sample('churn'));
      }
      await Promise.all(churners);
      traffic.on = false;
      await talkers;
      const elapsed = (Date.now() - phaseStart) / 1000;

      // Slope after warm-up: the first quarter of the phase (at least 20 s) is left out.
      const warmUp = phaseStart + Math.max(20_000, (Date.now() - phaseStart) / 4);
      const steady = samples.filter((s) => s.at >= warmUp);
      const perMinute = slope(steady.map((s) => ({ x: (s.at - phaseStart) / 60_000, y: s.memory.heapUsed / MiB })));
      const per10Min = perMinute * 10;
      const windowMinutes = steady.length > 1 ? (steady[steady.length - 1].at - steady[0].at) / 60_000 : 0;
      const stillHeld = pool.openCount;
      const completed = progress.completed;
      figures['churn: cycles completed'] = completed;
      figures['churn: cycles per second'] = Math.round(completed / elapsed);
      figures['churn: close codes seen by churning clients'] = churnCloses;
      figures['churn: messages received by clients'] = pool.received + churnReceived;
      figures['churn: held-client echo p50 / p99 (ms)'] = `${percentile(rtts, 50).toFixed(1)} / ${percentile(rtts, 99).toFixed(1)}`;
      figures['churn: probe echo (ms)'] = await probeFigures(mark);
      figures['churn: heap slope after warm-up (MiB per 10 min)'] = Math.round(per10Min * 100) / 100;
      figures['churn: slope window (min)'] = Math.round(windowMinutes * 10) / 10;

      const allCycles = record(
        `${cycles} connect/send/disconnect cycles, each answered`,
        `${completed} cycles in ${Math.round(elapsed)} s, ${errors.get('churn:echo_timeout')} unanswered, held clients still open ${stillHeld}/${held}`,
        completed >= cycles && errors.get('churn:echo_timeout') === 0 && stillHeld === held,
      );
      // Over a few minutes the fit is noisy; the bar is judged on windows of 5 minutes or more.
      const slopeOk = record(
        'Heap slope after warm-up at most 1 MiB per 10 minutes',
        `${per10Min.toFixed(2)} MiB per 10 min over ${windowMinutes.toFixed(1)} min of samples`,
        windowMinutes >= 5 ? per10Min <= 1 : null,
      );
      if (slopeOk === null)
        notes.push('The heap slope was measured over less than 5 minutes; run with SOAK_MINUTES=10 or more to judge that bar.');
      await pool.closeAll();
      await waitFor(async () => (await activeBesidesProbe()) === 0, 'the churn clients are gone from the server', 60_000, 200);
      expect(allCycles).toBe(true);
      expect(slopeOk).not.toBe(false);
    },
  );

  it(
    `slow consumers: ${profile.slowConsumer.megabytes} MB streamed to ${profile.slowConsumer.fast} fast and ${profile.slowConsumer.slow} never-reading subscribers`,
    { timeout: 600_000 },
    async () => {
      const { megabytes, fast: fastCount, slow: slowCount } = profile.slowConsumer;
      const topic = 'stream';
      const text = 'z'.repeat(2000);
      const total = Math.ceil((megabytes * 1_000_000) / 2100);
      const before = await sample('slow consumers: before');
      const mark = probe.mark();
      const subscribe = JSON.stringify({ type: 'system.subscribe', content: { topic } });
      const fast = await Promise.all(Array.from({ length: fastCount }, (_, i) => openSocket(`${server.ws}/ws/fast-${i}`)));
      const next = fast.map(() => 0);
      const outOfOrder = fast.map(() => 0);
      fast.forEach((socket, i) => {
        socket.on('message', (data) => {
          const body = (data as Buffer).toString();
          if (!body.startsWith('{"type":"chat.message"')) return;
          const name = Number((JSON.parse(body) as { content: { name: string } }).content.name);
          if (name !== next[i]) outOfOrder[i]++;
          next[i] = name + 1;
        });
        socket.send(subscribe);
      });
      const slow = await Promise.all(
        Array.from({ length: slowCount }, (_, i) => RawWebSocket.open(server.port, { path: `/ws/slow-${i}` })),
      );
      for (const c of slow) {
        await c.sendText(JSON.stringify({ type: 'system.subscribe', content: { topic }, meta: { id: 's' } }));
        await c.reply('s');
        c.stopReading();
      }
      const publisher = await openSocket(`${server.ws}/ws/publisher`);
      let dropReports = 0;
      let firstDropAt = 0;
      publisher.on('message', (data) => {
        const body = (data as Buffer).toString();
        if (body.startsWith('{"type":"chat.sent"') && !body.includes('"dropped":0')) {
          if (dropReports++ === 0) firstDropAt = Date.now();
        }
      });
      await sleep(200);
      let maxQueued = 0;
      const goneAt = new Map<number, number>();
      const polling = { on: true };
      const poller = (async () => {
        while (polling.on) {
          await boundedAll(
            slow.map((_, i) => i).filter((i) => !goneAt.has(i)),
            slowCount,
            async (i) => {
              const row = await server.client(`slow-${i}`);
              if (row === null) goneAt.set(i, Date.now());
              else maxQueued = Math.max(maxQueued, row.queued);
            },
          );
          await sleep(50);
        }
      })();
      let peak = 0;
      const started = Date.now();
      for (let seq = 0; seq < total; seq++) {
        publisher.send(JSON.stringify({ type: 'chat.message', content: { text, name: String(seq) }, meta: { topic } }));
        if (seq % 200 === 199) {
          // Paced to the fast consumers: at most 400 messages in flight.
          await waitFor(() => Math.min(...next) >= seq - 200, `fast consumers reached ${seq - 200}`, 30_000, 2);
        }
        if (seq % Math.ceil(total / 5) === 0)
          peak = Math.max(peak, retainedBytes(await sample('slow consumers: streaming')) - retainedBytes(before));
      }
      await waitFor(() => Math.min(...next) >= total, 'the fast consumers got everything', 60_000, 10);
      const streamSeconds = (Date.now() - started) / 1000;
      await waitFor(() => goneAt.size === slowCount, 'every slow consumer was dropped', 10_000, 50);
      polling.on = false;
      await poller;
      peak = Math.max(peak, retainedBytes(await sample('slow consumers: after')) - retainedBytes(before));
      for (const c of slow) c.socket.resume();
      const slowCloses = await Promise.all(slow.map((c) => c.closedWithin(60_000).then((close) => close.code)));
      const bound = CLIENT_QUEUE_CAP * slowCount * 2200 + 20 * MiB;
      const lastGone = Math.max(...goneAt.values());
      figures['slow consumers: MB streamed to each subscriber'] = Math.round((total * 2100) / 1e6);
      figures['slow consumers: stream seconds'] = Math.round(streamSeconds * 10) / 10;
      figures['slow consumers: publishes that reported drops'] = dropReports;
      figures['slow consumers: probe echo (ms)'] = await probeFigures(mark);
      const everyMessage = record(
        'Fast subscribers get every message, in order, while slow ones overflow',
        `${fastCount} fast: ${next.map((n) => n).join(', ')} of ${total} received, ${outOfOrder.reduce((a, b) => a + b, 0)} out of order`,
        next.every((n) => n === total) && outOfOrder.every((n) => n === 0),
      );
      const capped = record(
        'Per-client queue never above its cap + 1',
        `largest queue seen ${maxQueued} (cap ${CLIENT_QUEUE_CAP})`,
        maxQueued <= CLIENT_QUEUE_CAP + 1,
      );
      const dropped = record(
        'Slow consumers closed with 4003 within 1 s of crossing the cap',
        `close codes ${JSON.stringify(slowCloses)}; last one gone ${firstDropAt ? lastGone - firstDropAt : 'n/a'} ms after the first drop was reported`,
        slowCloses.every((code) => code === 4003) && firstDropAt > 0,
      );
      const bounded = record(
        'Server memory grows by at most cap × offenders + 20 MiB',
        `${mib(peak)} MiB (bound ${mib(bound)} MiB)`,
        peak <= bound,
      );
      fast.forEach((s) => s.close());
      publisher.close();
      slow.forEach((c) => c.destroy());
      await waitFor(async () => (await activeBesidesProbe()) === 0, 'the stream clients are gone from the server', 60_000, 200);
      expect(everyMessage).toBe(true);
      expect(capped).toBe(true);
      expect(dropped).toBe(true);
      expect(bounded).toBe(true);
    },
  );

  it(
    'after teardown: heap within 10 % of the baseline, descriptors and timers back to the baseline, nothing registered',
    { timeout: 120_000 },
    async () => {
      // Closing sockets settle (ws closes the TCP connection after the close handshake).
      await waitFor(async () => (await server.sample(false)).fds <= baseline.fds, 'descriptors back to the baseline', 40_000, 500).catch(
        () => undefined,
      );
      const after = await sample('after teardown');
      const stats = await server.stats();
      const heapRatio = after.memory.heapUsed / baseline.memory.heapUsed;
      figures['teardown: heap baseline → after (MiB)'] = `${mib(baseline.memory.heapUsed)} → ${mib(after.memory.heapUsed)}`;
      figures['teardown: RSS baseline → after (MiB)'] = `${mib(baseline.memory.rss)} → ${mib(after.memory.rss)}`;
      figures['teardown: descriptors baseline → after'] = `${baseline.fds} → ${after.fds}`;
      figures['teardown: active handles baseline → after'] = `${JSON.stringify(baseline.resources)} → ${JSON.stringify(after.resources)}`;
      figures['server counters'] = {
        total_connections: stats.total_connections,
        messages_received: stats.messages_received,
        messages_sent: stats.messages_sent,
        messages_failed: stats.messages_failed,
        queue_overflows: stats.queue_overflows,
        rejected_handshakes: stats.rejected_handshakes,
        heartbeat_timeouts: stats.heartbeat_timeouts,
        disconnections_by_reason: stats.disconnections_by_reason,
      };
      const heapOk = record('After teardown the heap is within 10 % of the baseline', `ratio ${heapRatio.toFixed(3)}`, heapRatio <= 1.1);
      const fdsOk = record(
        'After teardown file descriptors are back to the baseline',
        `${baseline.fds} → ${after.fds}`,
        after.fds <= baseline.fds,
      );
      const stateOk = record(
        'After teardown nothing is registered, queued or subscribed, and no timer is left',
        `connections ${stats.total_active_connections - 1} (besides the probe), queued ${stats.queue_size}, topics ${stats.active_topics}, timers ${timers(baseline)} → ${timers(after)}`,
        stats.total_active_connections === 1 && stats.queue_size === 0 && stats.active_topics === 0 && timers(after) <= timers(baseline),
      );
      expect(heapOk).toBe(true);
      expect(fdsOk).toBe(true);
      expect(stateOk).toBe(true);
    },
  );

  it(
    `drain on SIGTERM with ${profile.drain.connections} clients: new upgrades get 503, every client gets 1001, exit 0 within 15 s`,
    { timeout: 180_000 },
    async () => {
      const pool = new ClientPool(server.ws, errors, 'drain');
      await pool.open(profile.drain.connections, 100);
      // Traffic in flight when the signal arrives.
      pool.sendAll((c) => `{"type":"echo","content":${c.index},"meta":{"id":"d${c.index}"}}`);
      serverExitedOnPurpose = true;
      const stopped = server.stop('SIGTERM', 30_000);
      const attempts: Array<{ at: number; status: number }> = [];
      const state = { exited: false };
      void stopped.then(() => (state.exited = true));
      while (!state.exited) {
        const r = await rawHttp(
          server.port,
          [
            `GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
              `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
          ],
          1000,
        );
        attempts.push({ at: Date.now(), status: r.status });
        await sleep(20);
      }
      const exit = await stopped;
      await waitFor(() => pool.openCount === 0, 'every drained client saw its close', 5000, 20).catch(() => undefined);
      const codes = pool.closeCodes();
      const first503 = attempts.findIndex((a) => a.status === 503);
      const after503 = first503 >= 0 ? attempts.slice(first503) : [];
      figures['drain: close codes'] = codes;
      figures['drain: upgrade attempts during the drain (status: count)'] = attempts.reduce<Record<string, number>>((acc, a) => {
        acc[a.status] = (acc[a.status] ?? 0) + 1;
        return acc;
      }, {});
      figures['drain: seconds from SIGTERM to exit'] = Math.round(exit.afterMs / 100) / 10;
      const refused = record(
        'During the drain new upgrades get 503',
        `${after503.filter((a) => a.status === 503).length} × 503 after the signal, then refused; ${after503.filter((a) => a.status === 101).length} × 101 after the first 503`,
        first503 >= 0 && after503.every((a) => a.status === 503 || a.status === 0),
      );
      const allClosed = record(
        `Every one of ${profile.drain.connections} clients gets 1001 (no 1006)`,
        JSON.stringify(codes),
        codes['1001'] === profile.drain.connections && Object.keys(codes).length === 1,
      );
      const exitOk = record(
        'Exit status 0 within 15 s',
        `status ${exit.code}, signal ${exit.signal}, after ${exit.afterMs} ms`,
        exit.code === 0 && exit.afterMs < 15_000,
      );
      expect(refused).toBe(true);
      expect(allClosed).toBe(true);
      expect(exitOk).toBe(true);
    },
  );

  for (const clients of profile.storm.sizes) {
    const timeBar = stormTimeBar(clients);
    it.runIf(profile.storm.enabled)(
      `crash and reconnection storm: ${clients} client-SDK clients, SIGKILL and restart`,
      { timeout: (stormWaitSeconds(clients) + 300) * 1000 },
      async () => {
        const outcome = await runStorm(clients, SERVER_ENV, errors);
        Object.assign(figures, outcome.figures);
        const back = record(
          timeBar === null
            ? `Storm of ${clients}: all back, spread out by the SDK's jitter (no time bar; the time is reported)`
            : `All ${clients} clients back within ${timeBar} s of the restart`,
          outcome.backMeasured,
          outcome.allBack && (timeBar === null || outcome.backSeconds <= timeBar),
        );
        const refusals = record(
          `Storm of ${clients}: the excess only ever sees 429/503 with Retry-After`,
          outcome.refusalsMeasured,
          outcome.refusalsOk,
        );
        const faults = record(
          `Storm of ${clients}: no uncaught exceptions or unhandled rejections in the restarted server`,
          `${outcome.serverFaults} faults`,
          outcome.serverFaults === 0,
        );
        expect(back).toBe(true);
        expect(refusals).toBe(true);
        expect(faults).toBe(true);
      },
    );
  }

  /** Adds a cluster tier's bars, figures and notes to the report; returns the bars that failed. */
  const recordTier = (outcome: TierOutcome): BarResult[] => {
    bars.push(...outcome.bars);
    Object.assign(figures, outcome.figures);
    notes.push(...outcome.notes);
    return outcome.bars.filter((b) => b.pass === false);
  };

  it.runIf(profile.cluster.enabled)(
    `cluster: Redis SIGKILLed during a cross-node stream, restarted after ${profile.cluster.outageSeconds} s or more (${profile.cluster.nodes} nodes)`,
    { timeout: 180_000 },
    async () => {
      expect(recordTier(await runRedisRestart(profile.cluster, SERVER_ENV))).toEqual([]);
    },
  );

  it.runIf(profile.cluster.enabled)(
    `cluster: a node SIGKILLed while the survivors stream to each other (${profile.cluster.nodes} nodes)`,
    { timeout: 180_000 },
    async () => {
      expect(recordTier(await runNodeKill(profile.cluster, SERVER_ENV))).toEqual([]);
    },
  );
});
