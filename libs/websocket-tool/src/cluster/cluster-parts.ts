import type { ClusterAdmission } from './admission/cluster-admission.js';
import { InMemoryClusterAdmission } from './admission/in-memory-cluster-admission.js';
import { RedisClusterAdmission } from './admission/redis-cluster-admission.js';
import type { Backplane } from './backplane.interface.js';
import type { ClusterBroker } from './broker/cluster-broker.js';
import { InMemoryClusterBroker } from './broker/in-memory-cluster-broker.js';
import { RedisClusterBroker } from './broker/redis-cluster-broker.js';
import type { ClusterSettings as ClusterConfig } from '../config/cluster-settings.interface.js';
import type { ClusterDedup } from './dedup/cluster-dedup.js';
import { InMemoryClusterDedup } from './dedup/in-memory-cluster-dedup.js';
import { RedisClusterDedup } from './dedup/redis-cluster-dedup.js';
import type { ClusterHistory } from './history/cluster-history.js';
import { InMemoryClusterHistory } from './history/in-memory-cluster-history.js';
import { HISTORY_READ_MIN_TIMEOUT_MS, RedisClusterHistory } from './history/redis-cluster-history.js';
import { InMemoryBackplane } from './in-memory.backplane.js';
import type { MailboxSettings } from '../config/mailbox-options.interface.js';
import type { ClusterMailbox } from './mailbox/cluster-mailbox.js';
import { InMemoryClusterMailbox } from './mailbox/in-memory-cluster-mailbox.js';
import { RedisClusterMailbox } from './mailbox/redis-cluster-mailbox.js';
import type { ClusterPresence } from './presence/cluster-presence.js';
import { InMemoryClusterPresence } from './presence/in-memory-cluster-presence.js';
import { RedisClusterPresence } from './presence/redis-cluster-presence.js';
import { RedisBackplane } from './redis/redis-backplane.js';
import { RedisLink } from './redis/redis-link.js';
import { RedisNodeSet } from './redis/redis-node-set.js';
import type { ClusterRequests } from './requests/cluster-requests.js';
import { InMemoryClusterRequests } from './requests/in-memory-cluster-requests.js';
import { RedisClusterRequests } from './requests/redis-cluster-requests.js';
import type { ClusterTopicPresence } from './topic-presence/cluster-topic-presence.js';
import { InMemoryClusterTopicPresence } from './topic-presence/in-memory-cluster-topic-presence.js';
import { RedisClusterTopicPresence } from './topic-presence/redis-cluster-topic-presence.js';
import type { ClusterTopicOccupancy } from './topic-presence/cluster-topic-occupancy.js';
import { InMemoryClusterTopicOccupancy } from './topic-presence/in-memory-cluster-topic-occupancy.js';
import { RedisClusterTopicOccupancy } from './topic-presence/redis-cluster-topic-occupancy.js';

/**
 * One node's cluster seams, built together: the Redis ones share one link
 * and one node set. `link` and `nodes` are null on a single node.
 *
 * @internal
 */
export interface ClusterParts {
  backplane: Backplane;
  broker: ClusterBroker;
  presence: ClusterPresence;
  requests: ClusterRequests;
  admission: ClusterAdmission;
  mailbox: ClusterMailbox;
  history: ClusterHistory;
  dedup: ClusterDedup;
  topicPresence: ClusterTopicPresence;
  topicOccupancy: ClusterTopicOccupancy;
  link: RedisLink | null;
  nodes: RedisNodeSet | null;
}

/** A single node: every seam in memory. @internal */
export function createInMemoryCluster(mailbox: MailboxSettings | null = null): ClusterParts {
  return {
    backplane: new InMemoryBackplane(),
    broker: new InMemoryClusterBroker(),
    presence: new InMemoryClusterPresence(),
    requests: new InMemoryClusterRequests(),
    admission: new InMemoryClusterAdmission(),
    mailbox: new InMemoryClusterMailbox(mailbox),
    history: new InMemoryClusterHistory(),
    dedup: new InMemoryClusterDedup(),
    topicPresence: new InMemoryClusterTopicPresence(),
    topicOccupancy: new InMemoryClusterTopicOccupancy(),
    link: null,
    nodes: null,
  };
}

/**
 * Cluster mode: every seam over one Redis link. Nothing connects before the
 * link's `onApplicationBootstrap`.
 *
 * @internal
 */
export function createRedisCluster(
  config: ClusterConfig,
  mailbox: MailboxSettings | null = null,
): ClusterParts & {
  link: RedisLink;
  nodes: RedisNodeSet;
  topicPresence: RedisClusterTopicPresence;
  topicOccupancy: RedisClusterTopicOccupancy;
} {
  const link = new RedisLink(config);
  const nodes = new RedisNodeSet(link, config.presenceTtlMs);
  const presence = new RedisClusterPresence(link, nodes, config.presenceTtlMs);
  const broker = new RedisClusterBroker(link, presence);
  return {
    backplane: new RedisBackplane(link, broker, presence),
    broker,
    presence,
    requests: new RedisClusterRequests(link, nodes, config.requestTimeoutMs),
    admission: new RedisClusterAdmission(link),
    mailbox: new RedisClusterMailbox(link, mailbox),
    history: new RedisClusterHistory(link, Math.max(config.requestTimeoutMs, HISTORY_READ_MIN_TIMEOUT_MS)),
    dedup: new RedisClusterDedup(link),
    topicPresence: new RedisClusterTopicPresence(link, config.presenceTtlMs),
    topicOccupancy: new RedisClusterTopicOccupancy(link, config.presenceTtlMs),
    link,
    nodes,
  };
}
