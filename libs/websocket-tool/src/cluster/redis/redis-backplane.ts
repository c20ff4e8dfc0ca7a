import { Backplane, type BackplaneState, type BackplaneStatus, type TopicShard } from '../backplane.interface.js';
import type { RedisClusterBroker } from '../broker/redis-cluster-broker.js';
import type { ClusterPresence } from '../presence/cluster-presence.js';
import type { RedisLink } from './redis-link.js';

/**
 * The backplane's state in cluster mode, read from the link to Redis, the
 * broker's counters and the presence.
 *
 * @internal
 */
export class RedisBackplane extends Backplane {
  readonly clustered = true;
  readonly nodeId: string;

  constructor(
    private readonly link: RedisLink,
    private readonly broker: RedisClusterBroker,
    private readonly presence: ClusterPresence,
  ) {
    super();
    this.nodeId = link.nodeId;
  }

  get connected(): boolean {
    return this.link.connected;
  }

  get state(): BackplaneState {
    return this.link.state;
  }

  status(): BackplaneStatus {
    const outbox = this.link.outbox;
    return {
      node_id: this.nodeId,
      state: this.state,
      redis: this.link.redactedUrl,
      outbox_size: outbox.size,
      outbox_capacity: outbox.capacity,
      outbox_dropped: outbox.dropped,
      published: this.link.published,
      received: this.broker.received,
      disconnects: this.link.disconnects,
      remote_clients: this.presence.remoteClients,
      ...(this.link.redisShards ? { redis_cluster: this.link.redisShards.status() } : {}),
    };
  }

  locate(clientId: string): string | undefined {
    return this.presence.locate(clientId);
  }

  override shardOf(topic: string): TopicShard | null {
    return this.link.redisShards?.shardOf(topic) ?? null;
  }
}
