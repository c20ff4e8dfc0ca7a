import { Logger, type Provider } from '@nestjs/common';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import type { WebSocketToolModuleOptions } from '../config/websocket-tool-module-options.interface.js';
import { WEBSOCKET_TOOL_MODULE_OPTIONS, WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import { Backplane } from './backplane.interface.js';
import { ClusterAdminService } from './cluster-admin.service.js';
import { resolveClusterConfig } from './cluster-config.js';
import { clusterWithoutRedisMessage } from './cluster.messages.js';
import { InMemoryBackplane } from './in-memory.backplane.js';
import { RedisBackplane } from './redis.backplane.js';

/**
 * The backplane in force: Redis when a Redis URL is configured
 * (`FP_WST_REDIS_URL`, `cluster.redis.url` or `redisUrl`), else the
 * single-node `InMemoryBackplane`.
 */
export const backplaneProvider: Provider = {
  provide: Backplane,
  useFactory: (settings: WebSocketToolSettings, options: WebSocketToolModuleOptions | undefined): Backplane => {
    const config = resolveClusterConfig(settings, options?.cluster);
    if (config) return new RedisBackplane(config);
    if (options?.cluster) new Logger('WebSocketTool').warn(clusterWithoutRedisMessage());
    return new InMemoryBackplane();
  },
  inject: [WEBSOCKET_TOOL_SETTINGS, WEBSOCKET_TOOL_MODULE_OPTIONS],
};

/** Providers of cluster mode. */
export const CLUSTER_PROVIDERS: Provider[] = [backplaneProvider, ClusterAdminService];
