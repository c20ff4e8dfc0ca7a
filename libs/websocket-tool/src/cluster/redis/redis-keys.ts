/**
 * The Redis keys and channels of one cluster, all under its key prefix, so
 * independent clusters can share one Redis.
 *
 * @internal
 */
export class RedisKeys {
  /** The channel every node listens to: broadcasts, topics, presence, requests to all. */
  readonly channelAll: string;
  /** The sorted set of live nodes, scored with the time each expires. */
  readonly nodes: string;
  /** The set of topics with presence members (swept for expired members). */
  readonly presenceTopics: string;
  /** The set of nodes that have topics with subscribers (topic occupancy). */
  readonly occupancyNodes: string;
  /** A random value that disappears with the occupancy sets when Redis loses its data. */
  readonly occupancyMark: string;

  constructor(readonly prefix: string) {
    this.channelAll = `${prefix}:all`;
    this.nodes = `${prefix}:nodes`;
    this.presenceTopics = `${prefix}:tp-topics`;
    this.occupancyNodes = `${prefix}:occ-nodes`;
    this.occupancyMark = `${prefix}:occ-mark`;
  }

  /** The channel of one node: messages for its clients, requests to it, replies to it. */
  nodeChannel(node: string): string {
    return `${this.prefix}:node:${node}`;
  }

  /** The hash of one node's clients (id → presence entry). */
  clients(node: string): string {
    return `${this.prefix}:clients:${node}`;
  }

  /** The offline mailbox of one client: a list of `<expires ms>|<envelope>`, oldest first. */
  mailbox(clientId: string): string {
    return `${this.prefix}:mailbox:${clientId}`;
  }

  /** How many messages the mailbox of one client dropped since it was last taken. */
  mailboxDropped(clientId: string): string {
    return `${this.prefix}:mailbox-dropped:${clientId}`;
  }

  /** An idempotency key of a published message, kept for its window. */
  idempotencyKey(key: string): string {
    return `${this.prefix}:idem:${key}`;
  }

  /** The cluster-wide handshake bucket of one IP. */
  ipBucket(ip: string): string {
    return `${this.prefix}:ip:${ip}`;
  }

  /** The hash of one topic's history: `e` its epoch, `o` its last offset. */
  historyMeta(topic: string): string {
    return `${this.prefix}:hist:${topic}`;
  }

  /** The last value of a latest-value topic without history. */
  latest(topic: string): string {
    return `${this.prefix}:latest:${topic}`;
  }

  /** The sorted set of the history streams, scored with the time each expires: what the history size gauge counts. */
  get historyIndex(): string {
    return `${this.prefix}:hist-index`;
  }

  /** The stream of one topic's kept messages (entry id `<offset>-0`). */
  historyStream(topic: string): string {
    return `${this.prefix}:hist-log:${topic}`;
  }

  /** The members of a topic with presence (client id → member JSON). The scripts build these three names too. */
  presenceMembers(topic: string): string {
    return `${this.prefix}:tp:${topic}`;
  }

  /** When each member of a topic expires (sorted set scored in Redis time, ms). */
  presenceExpiry(topic: string): string {
    return `${this.prefix}:tpx:${topic}`;
  }

  /** How many members of a topic each user has. */
  presenceUsers(topic: string): string {
    return `${this.prefix}:tpu:${topic}`;
  }

  /** The nodes with subscribers of a topic (topic occupancy; the sweep script builds this name too). */
  occupancy(topic: string): string {
    return `${this.prefix}:occ:${topic}`;
  }

  /** The topics a node has subscribers of (the sweep script builds this name too). */
  occupancyOfNode(node: string): string {
    return `${this.prefix}:occ-node:${node}`;
  }
}
