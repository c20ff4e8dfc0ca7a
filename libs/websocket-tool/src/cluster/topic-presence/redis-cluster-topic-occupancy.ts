import { randomUUID } from 'node:crypto';
import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { addListener, type Unsubscribe } from '../cluster-listener.js';
import type { RedisLink } from '../redis/redis-link.js';
import { ClusterTopicOccupancy, type TopicOccupancyListener } from './cluster-topic-occupancy.js';

const noop = (): void => undefined;

/** How a held topic stands in Redis: written (and told), not written yet, or not to be written before the cluster settles. */
type HeldState = '1' | '0' | 'w';

/**
 * Topic occupancy in Redis (see `topic-occupancy-scripts.ts`). Every third of
 * the presence TTL each node also forgets the dead nodes: the topics that had
 * subscribers only there are vacated, told by the node whose sweep found them.
 *
 * The node keeps the topics it holds, so Redis can be made right again without
 * telling anything twice (`reconcile`): when the link comes back, when a
 * change finds the occupancy mark changed, and when a sweep finds Redis
 * holding another count for this node. If Redis lost its data (flushed, or
 * restarted empty), every node writes back what it had told, silently; the
 * changes made meanwhile are judged one presence TTL later, once every live
 * node has written its topics back (each does within a sweep, or within its
 * reconnection), so each is still told once.
 *
 * @internal
 */
export class RedisClusterTopicOccupancy extends ClusterTopicOccupancy implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WebSocketTool');
  private readonly listeners: TopicOccupancyListener[] = [];
  /** The topics with subscribers on this node: true once Redis has its add (and the cluster-wide answer was told). */
  private readonly held = new Map<string, boolean>();
  /** Topics this node left, after their occupancy was told, without Redis having the removal: true if the sets were lost since. */
  private readonly departed = new Map<string, boolean>();
  /** The occupancy mark this node last saw in Redis ('' before it has read one). */
  private mark = '';
  /** Set while changes wait, after a loss, for the other nodes to write their topics back (see `settle`). */
  private settleTimer: NodeJS.Timeout | null = null;
  private timer: NodeJS.Timeout | null = null;
  private active = false;
  private reconciling = false;
  private reconcileAgain = false;

  constructor(
    private readonly link: RedisLink,
    private readonly ttlMs: number,
  ) {
    super();
    link.subscribe({ linkUp: () => void this.reconcile() });
  }

  subscribe(listener: TopicOccupancyListener): Unsubscribe {
    if (!this.active) {
      this.active = true;
      // Learns the mark now: a node that knows none takes whatever it finds, so it must not first meet one after a loss.
      void this.reconcile();
    }
    return addListener(this.listeners, listener);
  }

  nodeOccupied(topic: string): void {
    this.held.set(topic, false);
    // Held again before its removal was judged: to the cluster the topic never stopped being occupied.
    this.departed.delete(topic);
    const pub = this.link.readyPub();
    // Without Redis, or while the cluster settles, the topic waits unwritten: the next reconciliation writes and tells it.
    if (!pub || this.settling) return;
    const keys = this.link.keys;
    pub
      .wstOccupancyAdd(
        keys.occupancy(topic),
        keys.occupancyOfNode(this.link.nodeId),
        keys.occupancyNodes,
        keys.occupancyMark,
        this.link.nodeId,
        topic,
        this.mark,
        randomUUID(),
      )
      .then(([result, mark]) => {
        if (result === -1) return void this.reconcile();
        this.mark = mark;
        if (this.held.has(topic)) this.held.set(topic, true);
        if (result === 1) this.tell('occupied', topic);
      }, noop);
  }

  nodeVacated(topic: string): void {
    const written = this.held.get(topic) === true;
    this.held.delete(topic);
    const pub = this.link.openPub();
    if (!pub || this.settling) {
      this.departedUnwritten(topic, written);
      return;
    }
    const keys = this.link.keys;
    pub
      .wstOccupancyRemove(
        keys.occupancy(topic),
        keys.occupancyOfNode(this.link.nodeId),
        keys.occupancyMark,
        this.link.nodeId,
        topic,
        this.mark,
      )
      .then(
        (result) => {
          if (result === -1) {
            this.departedUnwritten(topic, written);
            return void this.reconcile();
          }
          if (result === 1) this.tell('vacated', topic);
        },
        // The link went down with the removal: the next reconciliation judges it.
        () => this.departedUnwritten(topic, written),
      );
  }

  /** A topic left whose removal Redis did not take: kept for the next reconciliation, unless held again meanwhile. */
  private departedUnwritten(topic: string, written: boolean): void {
    if (written && !this.held.has(topic)) this.departed.set(topic, false);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), Math.max(200, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.timer = null;
    this.settleTimer = null;
  }

  private get settling(): boolean {
    return this.settleTimer !== null;
  }

  private async sweep(): Promise<void> {
    const pub = this.link.readyPub();
    if (!pub || !this.active) return;
    const keys = this.link.keys;
    try {
      const [mark, count] = await pub.wstOccupancyCheck(keys.occupancyOfNode(this.link.nodeId), keys.occupancyMark);
      const behind = count !== this.held.size || this.departed.size > 0 || [...this.held.values()].includes(false);
      if (mark !== this.mark || (behind && !this.settling)) await this.reconcile();
      // While the cluster settles after a loss, the live nodes may not all have written their entry back yet.
      if (this.settling) return;
      const vacated = await pub.wstOccupancySweep(keys.occupancyNodes, keys.nodes, keys.occupancyMark, keys.controlPrefix, this.mark);
      for (const topic of vacated) this.tell('vacated', topic);
    } catch {
      // Redis went away; the next sweep tries again.
    }
  }

  /** Rewrites this node's topics in Redis and tells what was never told; one at a time. */
  private async reconcile(): Promise<void> {
    if (!this.active) return;
    if (this.reconciling) {
      this.reconcileAgain = true;
      return;
    }
    this.reconciling = true;
    try {
      do {
        this.reconcileAgain = false;
        await this.reconcileOnce();
      } while (this.reconcileAgain);
    } catch {
      // Redis went away: the link coming back reconciles again.
    } finally {
      this.reconciling = false;
    }
  }

  private async reconcileOnce(): Promise<void> {
    const pub = this.link.readyPub();
    if (!pub) return;
    const keys = this.link.keys;
    const settling = this.settling;
    const held = [...this.held].map(([topic, written]): [string, HeldState] => [topic, written ? '1' : settling ? 'w' : '0']);
    const departed = [...this.departed];
    const judged = settling ? [] : departed.filter(([, acrossLoss]) => acrossLoss).map(([topic]) => topic);
    const [mark, lost, occupied, vacated] = await pub.wstOccupancyReconcile(
      keys.occupancyOfNode(this.link.nodeId),
      keys.occupancyNodes,
      keys.occupancyMark,
      this.link.nodeId,
      keys.controlPrefix,
      this.mark,
      randomUUID(),
      judged.length,
      ...judged,
      ...held.flat(),
    );
    this.mark = mark;
    if (lost === 1) {
      for (const [topic] of departed) if (this.departed.has(topic)) this.departed.set(topic, true);
      this.settle();
    } else if (!settling) {
      for (const [topic] of held) if (this.held.has(topic)) this.held.set(topic, true);
      // Those still in the node's set were removed by the script; those lost with the sets were judged.
      for (const [topic] of departed) this.departed.delete(topic);
    }
    for (const topic of occupied) this.tell('occupied', topic);
    for (const topic of vacated) this.tell('vacated', topic);
  }

  /** Holds changes back for one presence TTL, then reconciles: by then every live node has written its topics back. */
  private settle(): void {
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => {
      this.settleTimer = null;
      void this.reconcile();
    }, this.ttlMs);
    this.settleTimer.unref();
  }

  private tell(change: 'occupied' | 'vacated', topic: string): void {
    for (const listener of this.listeners) {
      try {
        listener[change](topic);
      } catch (err) {
        this.logger.error(`A topic occupancy listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
