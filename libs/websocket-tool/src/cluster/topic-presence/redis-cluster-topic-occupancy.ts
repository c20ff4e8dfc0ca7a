import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { addListener, type Unsubscribe } from '../cluster-listener.js';
import type { RedisLink } from '../redis/redis-link.js';
import { ClusterTopicOccupancy, type TopicOccupancyListener } from './cluster-topic-occupancy.js';

const noop = (): void => undefined;

/**
 * Topic occupancy in Redis (see `topic-occupancy-scripts.ts`). Every third of
 * the presence TTL each node also forgets the dead nodes: the topics that had
 * subscribers only there are vacated, told by the node whose sweep found them.
 *
 * @internal
 */
export class RedisClusterTopicOccupancy extends ClusterTopicOccupancy implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WebSocketTool');
  private readonly listeners: TopicOccupancyListener[] = [];
  private timer: NodeJS.Timeout | null = null;
  private active = false;

  constructor(
    private readonly link: RedisLink,
    private readonly ttlMs: number,
  ) {
    super();
  }

  subscribe(listener: TopicOccupancyListener): Unsubscribe {
    this.active = true;
    return addListener(this.listeners, listener);
  }

  nodeOccupied(topic: string): void {
    const pub = this.link.readyPub();
    if (!pub) return;
    const keys = this.link.keys;
    pub
      .wstOccupancyAdd(keys.occupancy(topic), keys.occupancyOfNode(this.link.nodeId), keys.occupancyNodes, this.link.nodeId, topic)
      .then((first) => {
        if (first === 1) this.tell('occupied', topic);
      }, noop);
  }

  nodeVacated(topic: string): void {
    const pub = this.link.openPub();
    if (!pub) return;
    const keys = this.link.keys;
    pub.wstOccupancyRemove(keys.occupancy(topic), keys.occupancyOfNode(this.link.nodeId), this.link.nodeId, topic).then((last) => {
      if (last === 1) this.tell('vacated', topic);
    }, noop);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), Math.max(200, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async sweep(): Promise<void> {
    const pub = this.link.readyPub();
    if (!pub || !this.active) return;
    const keys = this.link.keys;
    try {
      for (const topic of await pub.wstOccupancySweep(keys.occupancyNodes, keys.nodes, keys.controlPrefix)) this.tell('vacated', topic);
    } catch {
      // Redis went away; the next sweep tries again.
    }
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
