import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { addListener, type Unsubscribe } from '../cluster-listener.js';
import { encodeWire, type WireHeader } from '../redis/cluster-wire.js';
import { delay } from '../redis/link-timing.js';
import type { RedisLink } from '../redis/redis-link.js';
import { ClusterTopicPresence, type TopicPresenceListener } from './cluster-topic-presence.js';
import { parsePresenceMember, type PresenceMember, type PresenceStats } from './presence-member.js';

/** Expired members removed per topic by one sweep or read: a bound on the time one script holds Redis. */
const PURGE_LIMIT = 1000;
/** How long shutdown waits for this node's members to leave. */
const SHUTDOWN_WAIT_MS = 1000;

const noop = (): void => undefined;

/**
 * Topic presence in Redis (see `topic-presence-scripts.ts`). This node keeps
 * its own members, refreshes their expiry every third of the presence TTL and
 * then sweeps every topic for expired members (those of a node that stopped:
 * each leaves once, whichever node removes it). Joins and leaves are
 * published by the scripts and heard by every node, this one included.
 *
 * @internal
 */
export class RedisClusterTopicPresence
  extends ClusterTopicPresence
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  readonly node: string;
  private readonly logger = new Logger('WebSocketTool');
  private readonly listeners: TopicPresenceListener[] = [];
  /** This node's members, by topic. */
  private readonly local = new Map<string, Map<string, PresenceMember>>();
  /** The wire header of a leave, up to the topic: `{"k":"pl","o":"<node>","t":`. */
  private readonly leaveHead: string;
  private timer: NodeJS.Timeout | null = null;
  private refreshing = false;

  constructor(
    private readonly link: RedisLink,
    private readonly ttlMs: number,
  ) {
    super();
    this.node = link.nodeId;
    this.leaveHead = `{"k":"pl","o":${JSON.stringify(link.nodeId)},"t":`;
    link.subscribe({
      receive: (header, body) => this.receive(header, body),
      linkUp: () => void this.refresh(),
    });
  }

  subscribe(listener: TopicPresenceListener): Unsubscribe {
    return addListener(this.listeners, listener);
  }

  join(topic: string, member: PresenceMember): void {
    let mine = this.local.get(topic);
    if (!mine) {
      mine = new Map();
      this.local.set(topic, mine);
    }
    mine.set(member.clientId, member);
    this.write(topic, member);
  }

  leave(topic: string, clientId: string): void {
    void this.remove(topic, clientId);
  }

  private remove(topic: string, clientId: string): Promise<unknown> {
    const mine = this.local.get(topic);
    if (!mine?.delete(clientId)) return Promise.resolve();
    if (mine.size === 0) this.local.delete(topic);
    // Written even while the node leaves the cluster: its members go with it.
    const pub = this.link.openPub();
    if (!pub) return Promise.resolve();
    const keys = this.link.keys;
    return pub
      .wstPresenceLeave(
        keys.presenceMembers(topic),
        keys.presenceExpiry(topic),
        keys.presenceUsers(topic),
        keys.presenceTopics(topic),
        clientId,
        this.node,
        keys.topicChannel(topic),
        encodeWire({ k: 'pl', o: this.node, t: topic }),
        topic,
      )
      .catch(noop);
  }

  async members(topic: string): Promise<PresenceMember[]> {
    const raw = (await this.read(topic, 'm')) as string[];
    const members: PresenceMember[] = [];
    for (const json of raw) {
      const member = parsePresenceMember(json);
      if (member) members.push(member);
    }
    return members;
  }

  async stats(topic: string): Promise<PresenceStats> {
    const [clients, users] = (await this.read(topic, 's')) as [number, number];
    return { clients, users };
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.refresh(), Math.max(200, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  /** Graceful shutdown: this node's members leave now, not when they expire. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stop();
    // Listed first: each removal changes the maps.
    const leaving = [...this.local].flatMap(([topic, mine]) => Array.from(mine.keys(), (clientId) => [topic, clientId] as const));
    const pending = leaving.map(([topic, clientId]) => this.remove(topic, clientId));
    await Promise.race([Promise.allSettled(pending), delay(SHUTDOWN_WAIT_MS)]);
  }

  onApplicationShutdown(): void {
    this.stop();
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private write(topic: string, member: PresenceMember): void {
    const pub = this.link.readyPub();
    if (!pub) return;
    const keys = this.link.keys;
    const json = JSON.stringify(member);
    pub
      .wstPresenceJoin(
        keys.presenceMembers(topic),
        keys.presenceExpiry(topic),
        keys.presenceUsers(topic),
        keys.presenceTopics(topic),
        member.clientId,
        json,
        member.userId ?? '',
        this.ttlMs,
        keys.topicChannel(topic),
        encodeWire({ k: 'pj', o: this.node, t: topic }, json),
        topic,
      )
      .catch(noop);
  }

  private read(topic: string, mode: 'm' | 's'): Promise<unknown> {
    const pub = this.link.connectedPub();
    if (!pub) return Promise.reject(new Error('Redis is unreachable: presence cannot be read.'));
    const keys = this.link.keys;
    return pub.wstPresenceRead(
      keys.presenceMembers(topic),
      keys.presencePrefix(topic),
      keys.topicChannel(topic),
      this.leaveHead,
      PURGE_LIMIT,
      topic,
      mode,
    );
  }

  /**
   * Gives this node's members a fresh expiry, joins again those that expired
   * meanwhile (after an outage longer than the TTL), then removes the expired
   * members of every topic.
   */
  private async refresh(): Promise<void> {
    const pub = this.link.readyPub();
    if (!pub || this.refreshing) return;
    this.refreshing = true;
    try {
      const keys = this.link.keys;
      const topics = [...this.local];
      const missing = await Promise.all(
        topics.map(([topic, mine]) =>
          pub.wstPresenceRefresh(
            keys.presenceMembers(topic),
            keys.presenceExpiry(topic),
            keys.presenceUsers(topic),
            this.ttlMs,
            ...mine.keys(),
          ),
        ),
      );
      topics.forEach(([topic, mine], i) => {
        for (const clientId of missing[i]) {
          const member = mine.get(clientId);
          if (member) this.write(topic, member);
        }
      });
      // One sweep per bucket: on a Redis Cluster a script touches one slot.
      const buckets = keys.bucketPrefixes();
      await Promise.all(
        buckets.map((prefix, b) =>
          pub.wstPresenceSweep(keys.presenceTopicsOf(prefix), prefix, keys.bucketChannel(b), this.leaveHead, PURGE_LIMIT),
        ),
      );
    } catch {
      // Redis went away; the link's return refreshes again.
    } finally {
      this.refreshing = false;
    }
  }

  private receive(h: WireHeader, body: string): void {
    if (h.k !== 'pj' && h.k !== 'pl') return;
    const member = parsePresenceMember(body);
    if (!member) return;
    const here = h.o === this.node;
    for (const listener of this.listeners) {
      try {
        if (h.k === 'pj') listener.joined(h.t, member, here);
        else listener.left(h.t, member, here);
      } catch (err) {
        this.logger.error(`A presence listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
