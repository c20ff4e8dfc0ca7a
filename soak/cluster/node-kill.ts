import { Redis } from 'ioredis';
import { preciseNow } from '../../test/reliability/support/echo-probe.js';
import { waitFor } from '../../test/reliability/support/wait-for.js';
import type { SoakProfile } from '../soak-profile.js';
import type { BarResult } from '../soak-report.js';
import { searchClients, sendToClient } from './admin-calls.js';
import { StreamPublisher, StreamSubscriber, waitForLastArrivals } from './sequenced-stream.js';
import { SoakCluster } from './soak-cluster.js';
import { latencies, longestGap, missingSeqs, summarize } from './stream-figures.js';
import type { TierOutcome } from './tier-outcome.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const TOPIC = 'cluster-kill';
const WARM_UP_MS = 2000;
/** The sample app runs with the default `presenceTtlSeconds`. */
const PRESENCE_TTL_SECONDS = 10;
/** Documented: a dead node's clients are forgotten at most `presenceTtlSeconds × 4/3` after its last refresh; 1 s of margin for polling. */
const GONE_WITHIN_MS = ((PRESENCE_TTL_SECONDS * 4) / 3 + 1) * 1000;
/** How long the tier waits for the dead node to leave every view before giving up. */
const GIVE_UP_MS = 30_000;
/** Clients of the killed node that do not come back: their presence has to expire. */
const GONE_CLIENTS = 2;
/** Stream kept running after the last reconnection, so the reconnected clients are seen receiving. */
const AFTER_RECONNECT_MS = 2000;
const s1 = (ms: number) => Math.round(ms / 100) / 10;
const noop = () => undefined;

/**
 * A node SIGKILLed while two survivors stream to each other: every node holds
 * subscribers, node 1 and node 2 each publish a numbered stream, the last node
 * is killed. The survivors must keep delivering both streams without a gap,
 * the dead node's clients must leave the cluster views (admin list, routing of
 * `sendToClient`, presence in Redis) within the documented time, and its
 * clients that reconnect to a survivor (same named ids) must receive again and
 * be reachable from every survivor.
 */
export async function runNodeKill(settings: SoakProfile['cluster'], env: Record<string, string>): Promise<TierOutcome> {
  const { nodes: count, ratePerSecond, clientsPerNode, baselineSeconds } = settings;
  if (count < 3) throw new Error('the node-kill tier needs at least 3 nodes: two survivors that stream to each other, one to kill');
  const cluster = await SoakCluster.start(count, env);
  const victim = count - 1;
  const victimId = cluster.ids[victim];
  const survivorNodes = cluster.nodes.map((_, i) => i).filter((i) => i !== victim);
  const survivors: StreamSubscriber[] = [];
  const victimsBack: StreamSubscriber[] = [];
  const gone: StreamSubscriber[] = [];
  const back: Array<{ sub: StreamSubscriber; node: number; at: number }> = [];
  const publishers: StreamPublisher[] = [];
  const figures: Record<string, unknown> = {};
  const bars: BarResult[] = [];
  const notes: string[] = [];
  let inspector: Redis | null = null;
  let aliveAtEnd: boolean[] = [];
  let exits: Awaited<ReturnType<SoakCluster['stop']>> = [];
  try {
    for (const n of survivorNodes) {
      const base = cluster.nodes[n].ws;
      survivors.push(
        ...(await Promise.all(Array.from({ length: clientsPerNode }, (_, i) => StreamSubscriber.open(base, `kill-${n}-${i}`, TOPIC)))),
      );
    }
    const victimBase = cluster.nodes[victim].ws;
    victimsBack.push(
      ...(await Promise.all(
        Array.from({ length: clientsPerNode - GONE_CLIENTS }, (_, i) => StreamSubscriber.open(victimBase, `kill-${victim}-${i}`, TOPIC)),
      )),
    );
    gone.push(
      ...(await Promise.all(Array.from({ length: GONE_CLIENTS }, (_, i) => StreamSubscriber.open(victimBase, `kill-gone-${i}`, TOPIC)))),
    );
    // Node 1 and node 2 each publish a stream, so delivery among the survivors is measured both ways.
    for (const n of survivorNodes.slice(0, 2)) {
      publishers.push(await StreamPublisher.open(`${cluster.nodes[n].ws}/ws/kill-publisher-${n}`, String.fromCharCode(97 + n), TOPIC));
    }
    const redis = new Redis(cluster.redis.url, { maxRetriesPerRequest: 1, lazyConnect: true });
    inspector = redis;
    redis.on('error', noop);
    await redis.connect();
    const goneId = gone[0].clientId;
    // Before the kill a survivor lists the victim's clients and routes to them: the later checks can tell a change.
    const listedBefore = await searchClients(cluster.nodes[0].http, 'kill-gone');
    const routedBefore = await Promise.all(survivorNodes.map((n) => sendToClient(cluster.nodes[n].http, goneId, 'kill.direct')));
    const visibleBefore =
      listedBefore.clients.length === GONE_CLIENTS &&
      listedBefore.clients.every((c) => c.node_id === victimId) &&
      routedBefore.every((status) => status === 202) &&
      (await redis.hexists(`wst:clients:${victimId}`, goneId)) === 1;

    const maxSeconds = (WARM_UP_MS / 1000 + baselineSeconds) * 2 + GIVE_UP_MS / 1000 + 60;
    for (const p of publishers) p.start(ratePerSecond, maxSeconds);
    await sleep(WARM_UP_MS);
    const baselineFrom = preciseNow();
    await sleep(baselineSeconds * 1000);

    const killAt = preciseNow();
    cluster.nodes[victim].kill();
    await cluster.nodes[victim].exited;
    const killedAfter = preciseNow() - killAt;
    // Its clients see the connection drop and reconnect at once to a survivor (as behind a load balancer), with the same ids.
    const reconnecting = Promise.all(
      victimsBack.map(async (sub, i) => {
        await waitFor(() => sub.close !== null, `${sub.clientId} to see its node die`, 10_000, 10);
        const node = survivorNodes[i % survivorNodes.length];
        const again = await StreamSubscriber.open(cluster.nodes[node].ws, sub.clientId, TOPIC);
        back.push({ sub: again, node, at: preciseNow() });
      }),
    );
    const listedAfter = await searchClients(cluster.nodes[0].http, 'kill-gone');
    const listedAfterMs = preciseNow() - killAt;
    // When the dead node's clients leave each view: the survivors' routing, Redis, and the admin API's node list.
    const routeGone = survivorNodes.map(() => Number.NaN);
    let redisGone = Number.NaN;
    let nodeListGone = Number.NaN;
    const deadline = killAt + GIVE_UP_MS;
    const watchRoutes = (async () => {
      while (preciseNow() < deadline && (routeGone.some(Number.isNaN) || Number.isNaN(redisGone))) {
        const t = preciseNow() - killAt;
        await Promise.all(
          survivorNodes.map(async (n, k) => {
            if (Number.isNaN(routeGone[k]) && (await sendToClient(cluster.nodes[n].http, goneId, 'kill.direct')) === 404) routeGone[k] = t;
          }),
        );
        if (Number.isNaN(redisGone)) {
          const present = await redis.exists(`wst:clients:${victimId}`).catch(() => 1);
          const score = await redis.zscore('wst:nodes', victimId).catch(() => 'error');
          if (present === 0 && score === null) redisGone = t;
        }
        await sleep(200);
      }
    })();
    const watchNodeList = (async () => {
      // Each call waits up to the request timeout (2 s) while the dead node is still expected.
      while (preciseNow() < deadline && Number.isNaN(nodeListGone)) {
        const t = preciseNow() - killAt;
        const view = await cluster.view(0).catch(() => null);
        if (view && !view.missing.includes(victimId) && !view.nodes.includes(victimId)) nodeListGone = t;
        else await sleep(200);
      }
    })();
    await reconnecting;
    const lastBackAt = Math.max(...back.map((b) => b.at));
    // Named ids are reachable from every survivor, whichever one the client reconnected to.
    const direct = await Promise.all(
      back.map(async (b) => {
        const other = survivorNodes.find((n) => n !== b.node) ?? b.node;
        const status = await sendToClient(cluster.nodes[other].http, b.sub.clientId, 'kill.direct');
        const got = await waitFor(() => (b.sub.types.get('kill.direct') ?? 0) > 0, `${b.sub.clientId} to get the direct message`, 3000, 20)
          .then(() => true)
          .catch(() => false);
        return status === 202 && got;
      }),
    );
    await Promise.all([watchRoutes, watchNodeList]);
    await sleep(lastBackAt + AFTER_RECONNECT_MS - preciseNow());
    const streamTo = preciseNow();
    await Promise.all(publishers.map((p) => p.stop()));
    await waitForLastArrivals([...survivors, ...back.map((b) => b.sub)], publishers);
    aliveAtEnd = survivorNodes.map((n) => cluster.nodes[n].alive);

    // Survivors: both streams, from the first message to the last, through the kill.
    let missing = 0;
    let duplicates = 0;
    let outOfOrder = 0;
    const crossBefore: number[] = [];
    const crossAfter: number[] = [];
    let gap = 0;
    for (const p of publishers) {
      const publisherNode = survivorNodes[publishers.indexOf(p)];
      for (const sub of survivors) {
        const track = sub.track(p.stream);
        missing += missingSeqs(track, p.sent).length;
        duplicates += track.duplicates;
        outOfOrder += track.outOfOrder;
        if (sub.clientId.startsWith(`kill-${publisherNode}-`)) continue;
        crossBefore.push(...latencies(track, p.sentAt, baselineFrom, killAt));
        crossAfter.push(...latencies(track, p.sentAt, killAt, streamTo));
        gap = Math.max(gap, longestGap(track, p.sentAt, killAt - 1000, killAt + 5000));
      }
    }
    const before = summarize(crossBefore);
    const after = summarize(crossAfter);
    // Reconnected clients: each gets both streams again, without a gap from its first message on.
    const receivingAgain = back.map((b) => {
      const firsts = publishers.map((p) => {
        const track = b.sub.track(p.stream);
        const first = Math.min(...track.arrivals.keys());
        return {
          at: Number.isFinite(first) ? (track.arrivals.get(first) as number) : Number.NaN,
          gaps: missingSeqs(track, p.sent, first).length,
        };
      });
      return { at: Math.max(...firsts.map((f) => f.at)), gaps: firsts.reduce((n, f) => n + f.gaps, 0) };
    });
    const receivingAfter = Math.max(...receivingAgain.map((r) => r.at)) - killAt;
    const reconnectGaps = receivingAgain.reduce((n, r) => n + r.gaps, 0);
    const goneAfter = Math.max(...routeGone, redisGone, nodeListGone);

    figures['cluster node kill: streams'] =
      `${publishers.map((p) => `${p.sent} (${p.stream})`).join(' + ')} messages at ${ratePerSecond}/s each, ` +
      `${clientsPerNode} clients on each of ${count} nodes`;
    figures['cluster node kill: cross-node delivery p50 / p99 among survivors, before · after the kill (ms)'] =
      `${before.p50} / ${before.p99} · ${after.p50} / ${after.p99}`;
    figures['cluster node kill: longest pause in cross-node arrivals around the kill (ms)'] = gap;
    figures['cluster node kill: SIGKILL to exit (ms)'] = Math.round(killedAfter);
    figures['cluster node kill: admin client list on a survivor right after the kill'] =
      `${listedAfter.clients.length} of the dead node's clients listed, missing_nodes ${JSON.stringify(listedAfter.missing.map((m) => (m === victimId ? 'the dead node' : m)))} (${Math.round(listedAfterMs)} ms after the kill)`;
    figures['cluster node kill: dead node gone after (s): routing on each survivor · Redis presence · admin node list'] =
      `${routeGone.map(s1).join(' / ')} · ${s1(redisGone)} · ${s1(nodeListGone)}`;
    figures['cluster node kill: its clients reconnected and receiving both streams after (ms)'] = Math.round(receivingAfter);

    bars.push(
      {
        bar: 'Node SIGKILLed (cluster): delivery among the survivors uninterrupted, no loss, no duplicates, order kept',
        measured:
          `${missing} missing, ${duplicates} duplicates, ${outOfOrder} out of order over ${survivors.length} subscribers × ${publishers.length} streams; ` +
          `cross-node p99 ${before.p99} ms before, ${after.p99} ms after; longest pause ${gap} ms`,
        pass: missing === 0 && duplicates === 0 && outOfOrder === 0,
      },
      {
        bar: `Node SIGKILLed (cluster): its clients leave the cluster views within presenceTtlSeconds × 4/3 + 1 s (${s1(GONE_WITHIN_MS)} s)`,
        measured:
          `visible before the kill: ${visibleBefore ? 'yes' : 'NO'}; gone ${s1(goneAfter)} s after the kill (routing ${routeGone.map(s1).join(' / ')} s, ` +
          `Redis ${s1(redisGone)} s, admin node list ${s1(nodeListGone)} s); the client list dropped them at once`,
        pass: visibleBefore && goneAfter <= GONE_WITHIN_MS && listedAfter.clients.length === 0,
      },
      {
        bar: 'Node SIGKILLed (cluster): its clients reconnect to a survivor and receive again; named ids reachable from every survivor',
        measured:
          `${back.length} of ${victimsBack.length} back, receiving both streams ${Math.round(receivingAfter)} ms after the kill, ${reconnectGaps} gaps after their first message; ` +
          `direct message through the other survivor reached ${direct.filter(Boolean).length} of ${back.length}`,
        pass: back.length === victimsBack.length && reconnectGaps === 0 && direct.every(Boolean) && Number.isFinite(receivingAfter),
      },
    );
  } finally {
    await Promise.all(publishers.map((p) => p.stop()));
    for (const p of publishers) p.close();
    await Promise.all([...survivors, ...back.map((b) => b.sub), ...victimsBack, ...gone].map((s) => s.end()));
    inspector?.disconnect();
    exits = await cluster.stop();
  }
  const faults = cluster.faults();
  const survivorExits = survivorNodes.map((n) => exits[n]);
  bars.unshift({
    bar: 'Node SIGKILLed (cluster): no survivor exits, no uncaught exceptions or unhandled rejections',
    measured:
      `${aliveAtEnd.filter(Boolean).length} of ${survivorNodes.length} survivors up at the end, ${faults.length} faults; ` +
      `exit on SIGTERM afterwards: ${survivorExits.map((e) => (e ? e.code : 'gone')).join(', ')}`,
    pass:
      aliveAtEnd.length === survivorNodes.length &&
      aliveAtEnd.every(Boolean) &&
      faults.length === 0 &&
      survivorExits.every((e) => e?.code === 0),
  });
  for (const f of faults) notes.push(`Node kill: node ${f.node + 1} ${f.origin}: ${f.message.split('\n')[0]}`);
  return { bars, figures, notes };
}
