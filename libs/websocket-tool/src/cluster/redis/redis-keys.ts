import { crc16 } from './key-slot.js';

/**
 * Buckets of a Redis Cluster: every topic, client id, idempotency key and IP
 * falls in one of them, and all the keys and the channel of one bucket share
 * its hash tag, so one Lua script touches one slot. Every node listens to all
 * of them; sixteen spread the load over up to sixteen shards.
 */
export const CLUSTER_BUCKETS = 16;

/**
 * The Redis keys and channels of one cluster, all under its key prefix, so
 * independent clusters can share one Redis.
 *
 * On one Redis (`sharded` false) every name is `<prefix>:...` and everything
 * travels on the cluster channel, as it always has. On a Redis Cluster the
 * names carry hash tags: the node registry, the nodes' client hashes, topic
 * occupancy and the cluster channel share the control tag `{<prefix>}`; the
 * keys of a topic (history, presence, latest value), of a client's mailbox,
 * of an idempotency key or of an IP live under the tag of their bucket
 * `{<prefix>:b<n>}`, whose sharded channel carries that bucket's topic
 * messages, presence changes and mailbox notices; a node's channel has a tag
 * of its own. The scripts build some names from the prefix they are given
 * (`controlPrefix` or a bucket prefix), with the same shapes.
 *
 * @internal
 */
export class RedisKeys {
  /** The channel every node listens to: broadcasts, messages to users, node presence, requests to all. */
  readonly channelAll: string;
  /** The sorted set of live nodes, scored with the time each expires. */
  readonly nodes: string;
  /** The set of nodes that have topics with subscribers (topic occupancy). */
  readonly occupancyNodes: string;
  /** The prefix of the control keys: what the occupancy scripts build names from. */
  readonly controlPrefix: string;
  /** A random value that disappears with the occupancy sets when Redis loses its data. */
  readonly occupancyMark: string;
  /** How many buckets the per-topic names fall into: 1 on one Redis. */
  readonly buckets: number;

  constructor(
    readonly prefix: string,
    readonly sharded = false,
  ) {
    this.controlPrefix = sharded ? `{${prefix}}` : prefix;
    this.buckets = sharded ? CLUSTER_BUCKETS : 1;
    this.channelAll = `${this.controlPrefix}:all`;
    this.nodes = `${this.controlPrefix}:nodes`;
    this.occupancyNodes = `${this.controlPrefix}:occ-nodes`;
    this.occupancyMark = `${this.controlPrefix}:occ-mark`;
  }

  /** The bucket of a topic, client id, idempotency key or IP (always 0 on one Redis). */
  bucketOf(name: string): number {
    return this.sharded ? crc16(name) % this.buckets : 0;
  }

  /** The prefix of one bucket's keys: `<prefix>` on one Redis, `{<prefix>:b<n>}` on a cluster. */
  bucketPrefix(bucket: number): string {
    return this.sharded ? `{${this.prefix}:b${bucket}}` : this.prefix;
  }

  /** The prefix of every bucket, in order (one on one Redis). */
  bucketPrefixes(): string[] {
    return Array.from({ length: this.buckets }, (_, b) => this.bucketPrefix(b));
  }

  /** The channel of one bucket: the cluster channel on one Redis. */
  bucketChannel(bucket: number): string {
    return this.sharded ? `${this.bucketPrefix(bucket)}:ch` : this.channelAll;
  }

  /** The channel of a topic's messages and presence changes. */
  topicChannel(topic: string): string {
    return this.bucketChannel(this.bucketOf(topic));
  }

  /** The channel a client's mailbox notices go to. */
  mailboxChannel(clientId: string): string {
    return this.bucketChannel(this.bucketOf(clientId));
  }

  /** What one node subscribes to: the cluster channel, its own, and (on a cluster) every bucket's. */
  subscribedChannels(node: string): string[] {
    const channels = [this.channelAll, this.nodeChannel(node)];
    if (this.sharded) for (let b = 0; b < this.buckets; b++) channels.push(this.bucketChannel(b));
    return channels;
  }

  private under(name: string): string {
    return this.bucketPrefix(this.bucketOf(name));
  }

  /** The channel of one node: messages for its clients, requests to it, replies to it. */
  nodeChannel(node: string): string {
    return this.sharded ? `{${this.prefix}:node:${node}}:ch` : `${this.prefix}:node:${node}`;
  }

  /** The hash of one node's clients (id → presence entry). */
  clients(node: string): string {
    return `${this.controlPrefix}:clients:${node}`;
  }

  /** The offline mailbox of one client: a list of `<expires ms>|<envelope>`, oldest first. */
  mailbox(clientId: string): string {
    return `${this.under(clientId)}:mailbox:${clientId}`;
  }

  /** How many messages the mailbox of one client dropped since it was last taken. */
  mailboxDropped(clientId: string): string {
    return `${this.under(clientId)}:mailbox-dropped:${clientId}`;
  }

  /** An idempotency key of a published message, kept for its window. */
  idempotencyKey(key: string): string {
    return `${this.under(key)}:idem:${key}`;
  }

  /** The cluster-wide handshake bucket of one IP. */
  ipBucket(ip: string): string {
    return `${this.under(ip)}:ip:${ip}`;
  }

  /** The hash of one topic's history: `e` its epoch, `o` its last offset. */
  historyMeta(topic: string): string {
    return `${this.under(topic)}:hist:${topic}`;
  }

  /** The last value of a latest-value topic without history. */
  latest(topic: string): string {
    return `${this.under(topic)}:latest:${topic}`;
  }

  /** The sorted set of the history streams of a topic's bucket, scored with the time each expires: what the history size gauge counts. */
  historyIndex(topic: string): string {
    return this.historyIndexOf(this.under(topic));
  }

  /** The history index of the bucket with prefix `bucketPrefix`. */
  historyIndexOf(bucketPrefix: string): string {
    return `${bucketPrefix}:hist-index`;
  }

  /** The stream of one topic's kept messages (entry id `<offset>-0`). */
  historyStream(topic: string): string {
    return `${this.under(topic)}:hist-log:${topic}`;
  }

  /** The set of topics with presence members in a topic's bucket (swept for expired members). */
  presenceTopics(topic: string): string {
    return this.presenceTopicsOf(this.under(topic));
  }

  /** The set of topics with presence members of the bucket with prefix `bucketPrefix` (the scripts build this name too). */
  presenceTopicsOf(bucketPrefix: string): string {
    return `${bucketPrefix}:tp-topics`;
  }

  /** The prefix the presence scripts build a topic's names from. */
  presencePrefix(topic: string): string {
    return this.under(topic);
  }

  /** The members of a topic with presence (client id → member JSON). The scripts build these three names too. */
  presenceMembers(topic: string): string {
    return `${this.under(topic)}:tp:${topic}`;
  }

  /** When each member of a topic expires (sorted set scored in Redis time, ms). */
  presenceExpiry(topic: string): string {
    return `${this.under(topic)}:tpx:${topic}`;
  }

  /** How many members of a topic each user has. */
  presenceUsers(topic: string): string {
    return `${this.under(topic)}:tpu:${topic}`;
  }

  /** The nodes with subscribers of a topic (topic occupancy; the sweep script builds this name too). */
  occupancy(topic: string): string {
    return `${this.controlPrefix}:occ:${topic}`;
  }

  /** The topics a node has subscribers of (the sweep script builds this name too). */
  occupancyOfNode(node: string): string {
    return `${this.controlPrefix}:occ-node:${node}`;
  }
}
