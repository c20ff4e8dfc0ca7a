import { preciseNow } from '../../test/reliability/support/echo-probe.js';
import type { SoakProfile } from '../soak-profile.js';
import type { BarResult } from '../soak-report.js';
import { lowerThisThread } from './background-thread.js';
import { LinkWatch } from './link-watch.js';
import { PortWatch } from './port-watch.js';
import { LocalStream } from './local-stream.js';
import { StreamSubscriber, waitForLastArrivals } from './sequenced-stream.js';
import { SoakCluster, type BackplaneRow } from './soak-cluster.js';
import { latencies, missingSeqs, resumedAt, summarize } from './stream-figures.js';
import type { TierOutcome } from './tier-outcome.js';

const noop = (): void => undefined;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const TOPIC = 'cluster-stream';
const STREAM = 's';
/** Stream sent before the baseline window: first deliveries compile code paths and fill pools. */
const WARM_UP_MS = 2000;
/** Publishes in flight when Redis dies are lost with it: the fault window starts this much before the kill. */
const IN_FLIGHT_MARGIN_MS = 500;
/** How often the health checks are polled, so a link's return is known to this precision. */
const WATCH_EVERY_MS = 100;
const BACK_WITHIN_MS = 5000;
/** Nice value of what is not measured: the other nodes and this thread's subscribers. */
const BACKGROUND_NICE = 10;
const s1 = (ms: number) => Math.round(ms / 100) / 10;

/**
 * Redis SIGKILLed during a cross-node stream and started again on the same
 * port, right after a round of the nodes' failed reconnection attempts (the
 * worst moment: they wait longest before the next one). A publisher streams
 * numbered messages through node 1 to subscribers on every node; the tier
 * measures local delivery on node 1 against its baseline, when cross-node
 * delivery is back, which messages the other nodes' subscribers missed (and
 * whether the nodes' counters account for them), and duplicates or reordering.
 */
export async function runRedisRestart(settings: SoakProfile['cluster'], env: Record<string, string>): Promise<TierOutcome> {
  const { nodes: count, ratePerSecond, subscribersPerNode, baselineSeconds, outageSeconds, recoverySeconds } = settings;
  // The other nodes run at a lower priority, as if on other machines: node 1's local delivery is what is measured.
  const cluster = await SoakCluster.start(count, env, (i) => (i === 0 ? undefined : BACKGROUND_NICE));
  /** Subscribers of the other nodes (node 2 on), on this thread. */
  const remoteByNode: StreamSubscriber[][] = [];
  let local: LocalStream | null = null;
  let watch: LinkWatch | null = null;
  let restorePriority: () => void = noop;
  const figures: Record<string, unknown> = {};
  const bars: BarResult[] = [];
  const notes: string[] = [];
  let aliveAtEnd: boolean[] = [];
  let exits: Awaited<ReturnType<SoakCluster['stop']>> = [];
  try {
    for (let n = 1; n < count; n++) {
      const base = cluster.nodes[n].ws;
      remoteByNode.push(
        await Promise.all(Array.from({ length: subscribersPerNode }, (_, i) => StreamSubscriber.open(base, `redis-${n}-${i}`, TOPIC))),
      );
    }
    local = await LocalStream.open({
      base: cluster.nodes[0].ws,
      publisherId: 'redis-publisher',
      subscriberIds: Array.from({ length: subscribersPerNode }, (_, i) => `redis-0-${i}`),
      stream: STREAM,
      topic: TOPIC,
      ratePerSecond,
      maxSeconds: (WARM_UP_MS / 1000 + baselineSeconds + outageSeconds + recoverySeconds) * 2 + 60,
    });
    const before: BackplaneRow[] = await Promise.all(cluster.nodes.map((_, i) => cluster.backplane(i)));

    // The worker with the local stream was started at normal priority; the other nodes' subscribers on this thread run lower.
    restorePriority = lowerThisThread(BACKGROUND_NICE);
    local.start();
    await sleep(WARM_UP_MS);
    const baselineFrom = preciseNow();
    await sleep(baselineSeconds * 1000);
    const links = new LinkWatch(cluster, WATCH_EVERY_MS);
    watch = links;
    await sleep(3 * WATCH_EVERY_MS);
    const killAt = preciseNow();
    await cluster.redis.kill();
    // Redis comes back right after a round of failed reconnection attempts: the longest the nodes can take to notice.
    const port = await PortWatch.listen(cluster.redis.port);
    await sleep(killAt + outageSeconds * 1000 - preciseNow());
    const lastAttempt = await port.nextRound(count * 2, 15_000);
    const attempts = port.count;
    await port.close();
    // Redis inherits the priority of the thread that starts it: normal, as at the start.
    restorePriority();
    await cluster.redis.restart();
    restorePriority = lowerThisThread(BACKGROUND_NICE);
    // Redis answers PING from here on (restart() polls every 50 ms).
    const backAt = preciseNow();
    await sleep(recoverySeconds * 1000);
    const recoveryTo = preciseNow();
    const stream = await local.stop();
    restorePriority();
    const sent = stream.sent;
    const remote = remoteByNode.flat();
    await waitForLastArrivals(remote, [stream]);
    await links.stop();
    const after: BackplaneRow[] = await Promise.all(cluster.nodes.map((_, i) => cluster.backplane(i)));
    aliveAtEnd = cluster.nodes.map((n) => n.alive);

    // Local delivery: the subscribers on the publisher's node, window by window.
    const localIn = (from: number, to: number) => summarize(stream.tracks.flatMap((t) => latencies(t, stream.sentAt, from, to)));
    const baseline = localIn(baselineFrom, killAt);
    const outage = localIn(killAt, backAt);
    const recovery = localIn(backAt, recoveryTo);
    const localMissing = stream.tracks.reduce((n, t) => n + missingSeqs(t, sent).length, 0);
    const crossBaseline = summarize(remote.flatMap((s) => latencies(s.track(STREAM), stream.sentAt, baselineFrom, killAt)));

    // Links: when each node saw Redis go and come back.
    const downAfter = cluster.nodes.map((_, i) => links.firstAfter(i, 'down', killAt) - killAt);
    const upAfter = cluster.nodes.map((_, i) => links.firstAfter(i, 'up', backAt) - backAt);
    const lastUp = backAt + Math.max(...upAfter);
    // Cross-node delivery back: every remote subscriber gets messages sent after Redis was back, with none missing from then on.
    const resumed = remote.map((s) => resumedAt(s.track(STREAM), stream.sentAt, backAt) - backAt);
    const backMs = Math.max(...resumed);

    // Loss: per remote node, what its subscribers missed, against what the counters say.
    const windowFrom = killAt - IN_FLIGHT_MARGIN_MS;
    const windowTo = lastUp + WATCH_EVERY_MS * 3;
    const counters = delta(before[0], after[0]);
    const publisherAccounted = counters.published + counters.outbox_dropped + after[0].outbox_size === sent;
    const perNode = remoteByNode.map((subs, i) => {
      const node = i + 1;
      const missing = subs.map((s) => missingSeqs(s.track(STREAM), sent));
      const received = after[node].received - before[node].received;
      const outside = missing.flat().filter((seq) => stream.sentAt[seq] < windowFrom || stream.sentAt[seq] > windowTo);
      const seqs = missing[0];
      return {
        node: node + 1,
        missing: missing.map((m) => m.length),
        sameOnEverySubscriber: missing.every((m) => m.length === seqs.length && m.every((seq, k) => seq === seqs[k])),
        counted: { outboxDropped: counters.outbox_dropped, lostBetween: counters.published - received, received },
        outside: outside.length,
        sentFromS: seqs.length ? s1(stream.sentAt[seqs[0]] - killAt) : null,
        sentToS: seqs.length ? s1(stream.sentAt[seqs[seqs.length - 1]] - killAt) : null,
      };
    });
    const tracks = [...stream.tracks, ...remote.map((s) => s.track(STREAM))];
    const duplicates = tracks.reduce((n, t) => n + t.duplicates, 0);
    const outOfOrder = tracks.reduce((n, t) => n + t.outOfOrder, 0);

    figures['cluster redis restart: stream'] =
      `${sent} messages at ${ratePerSecond}/s through node 1 to ${subscribersPerNode} subscribers on each of ${count} nodes`;
    figures['cluster redis restart: Redis down (s)'] = s1(backAt - killAt);
    figures['cluster redis restart: Redis answering after the last round of reconnection attempts (ms)'] = Math.round(backAt - lastAttempt);
    figures['cluster redis restart: reconnection attempts while Redis was down (all nodes, 2 connections each)'] = attempts;
    figures['cluster redis restart: local delivery p50 / p99 (ms), baseline · outage · recovery'] =
      `${baseline.p50} / ${baseline.p99} · ${outage.p50} / ${outage.p99} · ${recovery.p50} / ${recovery.p99}`;
    figures['cluster redis restart: cross-node delivery p50 / p99 before the fault (ms)'] = `${crossBaseline.p50} / ${crossBaseline.p99}`;
    figures['cluster redis restart: each node saw Redis down after (ms)'] = downAfter.map(Math.round);
    figures['cluster redis restart: each node linked again after Redis was back (ms)'] = upAfter.map(Math.round);
    figures['cluster redis restart: cross-node delivery back after (ms), per remote subscriber'] = resumed.map(Math.round);
    figures['cluster redis restart: publisher node counters during the tier'] = counters;
    figures['cluster redis restart: remote nodes, missed vs counted'] = perNode;
    figures['cluster redis restart: local messages dropped (chat.sent)'] = stream.droppedLocally;

    bars.push(
      {
        bar: 'Redis restart (cluster): local delivery p99 within 2× baseline, during the outage and after',
        measured:
          `p99 baseline ${baseline.p99} ms, outage ${outage.p99} ms, recovery ${recovery.p99} ms ` +
          `(${baseline.samples}/${outage.samples}/${recovery.samples} deliveries); ${localMissing} local deliveries missing`,
        pass: outage.p99 <= 2 * baseline.p99 && recovery.p99 <= 2 * baseline.p99 && localMissing === 0,
      },
      {
        bar: `Redis restart (cluster): cross-node delivery back within ${BACK_WITHIN_MS / 1000} s of Redis answering`,
        measured: `${s1(backMs)} s (links up ${upAfter.map((ms) => s1(ms)).join(' / ')} s after Redis was back)`,
        pass: backMs <= BACK_WITHIN_MS,
      },
      {
        bar: 'Redis restart (cluster): loss confined to the fault window and counted by the nodes',
        measured:
          perNode
            .map(
              (r) =>
                `node ${r.node}: missed ${r.missing.join('/')} (sent ${r.sentFromS ?? '-'} to ${r.sentToS ?? '-'} s after the kill, ${r.outside} outside the window); ` +
                `counted ${r.counted.outboxDropped} outbox_dropped + ${r.counted.lostBetween} published − received`,
            )
            .join('; ') + `; node 1 accounts for every message sent: ${publisherAccounted ? 'yes' : 'no'}`,
        pass:
          publisherAccounted &&
          perNode.every(
            (r) =>
              r.sameOnEverySubscriber && r.outside === 0 && r.missing.every((m) => m === r.counted.outboxDropped + r.counted.lostBetween),
          ),
      },
      {
        bar: 'Redis restart (cluster): no duplicates delivered, order per publisher kept',
        measured: `${duplicates} duplicates, ${outOfOrder} out of order over ${tracks.length} subscribers`,
        pass: duplicates === 0 && outOfOrder === 0,
      },
    );
    if (perNode.some((r) => r.counted.lostBetween > 0)) {
      notes.push(
        'Redis restart: messages in flight when Redis died, or sent from the outbox to a node that had not subscribed again ' +
          'within 4.5 s, are lost (at most once); no node counts them as dropped, but they show as the difference between the ' +
          "publishing node's `published` and each other node's `received`.",
      );
    }
  } finally {
    restorePriority();
    await local?.close();
    await watch?.stop();
    await Promise.all(remoteByNode.flat().map((s) => s.end()));
    exits = await cluster.stop();
  }
  const faults = cluster.faults();
  bars.unshift({
    bar: 'Redis restart (cluster): no node exits, no uncaught exceptions or unhandled rejections',
    measured:
      `${aliveAtEnd.filter(Boolean).length} of ${count} nodes up at the end, ${faults.length} faults; ` +
      `exit on SIGTERM afterwards: ${exits.map((e) => (e ? e.code : 'gone')).join(', ')}`,
    pass: aliveAtEnd.every(Boolean) && faults.length === 0 && exits.every((e) => e?.code === 0),
  });
  for (const f of faults) notes.push(`Redis restart: node ${f.node + 1} ${f.origin}: ${f.message.split('\n')[0]}`);
  return { bars, figures, notes };
}

function delta(before: BackplaneRow, after: BackplaneRow): { published: number; outbox_dropped: number; disconnects: number } {
  return {
    published: after.published - before.published,
    outbox_dropped: after.outbox_dropped - before.outbox_dropped,
    disconnects: after.disconnects - before.disconnects,
  };
}
