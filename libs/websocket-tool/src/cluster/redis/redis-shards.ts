import type { Cluster, Redis } from 'ioredis';
import type { RedisClusterStatus, RedisShardStatus, TopicShard } from '../backplane.interface.js';
import { keySlot } from './key-slot.js';
import type { RedisKeys } from './redis-keys.js';

/** How often every server of the Redis Cluster is pinged. */
const PROBE_EVERY_MS = 2000;
/** A server that does not answer a ping within this time counts as unreachable. */
const PROBE_TIMEOUT_MS = 1000;

const addressOf = (node: Redis): string => `${node.options.host}:${node.options.port}`;

/** One row of `CLUSTER SLOTS`: from, to, the master `[host, port, id]`, then its replicas. */
type SlotRange = [number, number, ...Array<[string, number, ...unknown[]]>];

function replicasOf(ranges: SlotRange[]): Map<string, string[]> {
  const replicas = new Map<string, string[]>();
  for (const [, , master, ...others] of ranges) {
    replicas.set(
      `${master[0]}:${master[1]}`,
      others.map(([host, port]) => `${host}:${port}`),
    );
  }
  return replicas;
}

/**
 * The shards of a Redis Cluster as this node sees them, for the admin API:
 * the slot map ioredis reads (again every second), and a ping of every server
 * every 2 s, so the stats are read synchronously and never wait for Redis.
 *
 * @internal
 */
export class RedisShards {
  private readonly reachable = new Map<string, boolean>();
  /** The replicas of each master, from the last `CLUSTER SLOTS` (ioredis's slot map names the masters only). */
  private replicas = new Map<string, string[]>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly cluster: Cluster,
    private readonly keys: RedisKeys,
  ) {}

  start(): void {
    void this.probe();
    this.timer = setInterval(() => void this.probe(), PROBE_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async probe(): Promise<void> {
    const servers = this.cluster.nodes('all');
    const answers = await Promise.all(
      servers.map((node) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
          timer.unref();
        });
        const ping = node.ping().then(
          () => true,
          () => false,
        );
        return Promise.race([ping, timeout]).finally(() => clearTimeout(timer));
      }),
    );
    this.reachable.clear();
    servers.forEach((node, i) => this.reachable.set(addressOf(node), answers[i]));
    for (const node of this.cluster.nodes('master')) {
      try {
        this.replicas = replicasOf((await node.call('CLUSTER', 'SLOTS')) as SlotRange[]);
        return;
      } catch {
        // Ask the next master.
      }
    }
  }

  /** The master serving `slot`, as `host:port`, or null before the slot map is read. */
  masterOf(slot: number): string | null {
    const owners = this.cluster.slots[slot];
    return owners && owners.length > 0 ? owners[0] : null;
  }

  /** A topic's bucket, the slot of that bucket and its master. */
  shardOf(topic: string): TopicShard {
    const bucket = this.keys.bucketOf(topic);
    const slot = keySlot(this.keys.bucketChannel(bucket));
    return { bucket, slot, master: this.masterOf(slot) };
  }

  status(): RedisClusterStatus {
    const shards = new Map<string, RedisShardStatus>();
    const slots = this.cluster.slots;
    for (let slot = 0; slot < slots.length; slot++) {
      const owners = slots[slot];
      if (!owners || owners.length === 0) continue;
      const master = owners[0];
      const replicas = this.replicas.get(master) ?? owners.slice(1);
      let shard = shards.get(master);
      if (!shard) {
        shard = {
          master,
          slots: [],
          reachable: this.reachable.get(master) ?? false,
          role: 'master',
          replicas: replicas.map((address) => ({ address, reachable: this.reachable.get(address) ?? false, role: 'replica' as const })),
        };
        shards.set(master, shard);
      }
      const last = shard.slots.at(-1);
      if (last && last[1] === slot - 1) last[1] = slot;
      else shard.slots.push([slot, slot]);
    }
    const buckets = Array.from({ length: this.keys.buckets }, (_, bucket) => {
      const slot = keySlot(this.keys.bucketChannel(bucket));
      return { bucket, slot, master: this.masterOf(slot) };
    });
    const controlSlot = keySlot(this.keys.channelAll);
    return { shards: [...shards.values()], buckets, control: { slot: controlSlot, master: this.masterOf(controlSlot) } };
  }
}
