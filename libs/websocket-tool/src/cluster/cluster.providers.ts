import { Logger, type Provider } from '@nestjs/common';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import type { WebSocketToolModuleOptions } from '../config/websocket-tool-module-options.interface.js';
import { WEBSOCKET_TOOL_MODULE_OPTIONS, WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import { ClusterAdmission } from './admission/cluster-admission.js';
import { ClusterDedup } from './dedup/cluster-dedup.js';
import { Backplane } from './backplane.interface.js';
import { ClusterBroker } from './broker/cluster-broker.js';
import { createInMemoryCluster, createRedisCluster, type ClusterParts } from './cluster-parts.js';
import { clusterWithoutRedisMessage } from './cluster.messages.js';
import { ClusterMailbox } from './mailbox/cluster-mailbox.js';
import { ClusterHistory } from './history/cluster-history.js';
import { ClusterPresence } from './presence/cluster-presence.js';
import { PresenceAnnouncer } from './presence/presence-announcer.js';
import { RedisLink } from './redis/redis-link.js';
import { RedisNodeSet } from './redis/redis-node-set.js';
import { ClusterRequests } from './requests/cluster-requests.js';
import { ClusterTopicPresence } from './topic-presence/cluster-topic-presence.js';
import { ClusterTopicOccupancy } from './topic-presence/cluster-topic-occupancy.js';

/** The token of the seams built together for this app. */
const CLUSTER_PARTS = Symbol('WEBSOCKET_TOOL:CLUSTER_PARTS');

/**
 * The seams in force, picked once: over Redis when a Redis URL is configured
 * (`FP_WST_REDIS_URL`, `cluster.redis.url` or `redisUrl`), else in memory
 * (a single node).
 */
const clusterPartsProvider: Provider = {
  provide: CLUSTER_PARTS,
  useFactory: (settings: WebSocketToolSettings, options: WebSocketToolModuleOptions | undefined): ClusterParts => {
    if (settings.cluster) return createRedisCluster(settings.cluster, settings.mailbox);
    if (options?.cluster) new Logger('WebSocketTool').warn(clusterWithoutRedisMessage());
    return createInMemoryCluster(settings.mailbox);
  },
  inject: [WEBSOCKET_TOOL_SETTINGS, WEBSOCKET_TOOL_MODULE_OPTIONS],
};

const part = <K extends keyof ClusterParts>(provide: unknown, key: K): Provider => ({
  provide: provide as never,
  useFactory: (parts: ClusterParts): ClusterParts[K] => parts[key],
  inject: [CLUSTER_PARTS],
});

/**
 * Providers of the cluster layer: the public `Backplane`, the four seams,
 * and (in cluster mode; null on a single node) the Redis link and node set,
 * registered so Nest runs their start and shutdown hooks; the announcer of
 * this node's clients.
 */
export const CLUSTER_PROVIDERS: Provider[] = [
  clusterPartsProvider,
  part(Backplane, 'backplane'),
  part(ClusterBroker, 'broker'),
  part(ClusterPresence, 'presence'),
  part(ClusterRequests, 'requests'),
  part(ClusterAdmission, 'admission'),
  part(ClusterMailbox, 'mailbox'),
  part(ClusterHistory, 'history'),
  part(ClusterDedup, 'dedup'),
  part(ClusterTopicPresence, 'topicPresence'),
  part(ClusterTopicOccupancy, 'topicOccupancy'),
  part(RedisLink, 'link'),
  part(RedisNodeSet, 'nodes'),
  PresenceAnnouncer,
];
