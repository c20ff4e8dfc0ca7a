import type { CanActivate, Type } from '@nestjs/common';
import type { WsAuthenticate, WsCanUseClientId, WsJwtOptions } from '../security/ws-identity.interface.js';
import type { WebSocketClusterOptions } from './cluster-options.interface.js';
import type { MailboxOptions } from './mailbox-options.interface.js';
import type { OverflowOptions } from './overflow-options.interface.js';
import type { TopicOptions } from './topic-options.interface.js';
import type { TaskMonitorOptions } from './task-monitor-options.interface.js';
import type { WebSocketToolOptions } from './websocket-tool-options.interface.js';

/**
 * What `WebSocketToolModule.forRoot()` accepts, minus the hooks that take a
 * connection (`canSubscribe`, declared with the module): the settings (each
 * also settable by env var) plus options that are code or objects, not values.
 * `resolveSettings` reads these.
 *
 * @publicApi
 */
export interface WebSocketToolConfigOptions extends WebSocketToolOptions {
  /**
   * Authenticates every upgrade before the WebSocket is accepted; refusal is
   * HTTP 401. The identity is on the connection and in every handler context.
   */
  authenticate?: WsAuthenticate;
  /** Built-in JWT authentication (bearer header, `bearer` subprotocol or `token` query). */
  jwt?: WsJwtOptions;
  /** With authentication on, whether an identity may use a named id (403 if not). */
  canUseClientId?: WsCanUseClientId;
  /**
   * Origins browsers may connect from: exact origins (`https://app.example.com`)
   * or regular expressions. Default: only the request's own host; requests
   * without an `Origin` header (non-browser clients) are always allowed.
   */
  allowedOrigins?: Array<string | RegExp>;
  /** A Nest guard that decides access to the admin API and page instead of the token/loopback rule. */
  adminGuard?: Type<CanActivate> | CanActivate;
  /** The task monitor's BullMQ bridge (`{ bullmq: { queues, connection, prefix? } }`); see docs/task-monitor.md. @default none */
  taskMonitor?: TaskMonitorOptions;
  /**
   * Cluster mode on Redis: `{ redis: { url }, nodeId?, presenceTtlSeconds?, outboxSize?, keyPrefix?, requestTimeoutSeconds? }`.
   * `FP_WST_REDIS_URL` alone also turns it on; see docs/clustering.md. @default none (single node)
   */
  cluster?: WebSocketClusterOptions;
  /**
   * Topic history and latest-value topics: `[{ pattern: 'chat:*', history: { size: 200, ttlSeconds: 300 }, latest? }]`.
   * The first matching entry wins; see docs/recovery.md. Single node only for now. @default none
   */
  topics?: TopicOptions[];
  /**
   * What a full client queue does, per message type: `[{ type: 'price.*', policy: 'coalesce', key: 'symbol' }]`.
   * The first matching entry wins; a type no entry matches is `disconnect`. See docs/delivery.md. @default none
   */
  overflow?: OverflowOptions[];
  /**
   * The offline mailbox of named clients: `{ size, ttlSeconds }`. `sendToClient` to a named client connected nowhere
   * keeps the message and delivers it when the client connects again; see docs/recovery.md. @default none (off)
   */
  mailbox?: MailboxOptions;
}

/**
 * The options of `WebSocketToolConfigOptions` read by the cluster provider until it takes `settings.cluster`.
 * @internal
 */
export type { WebSocketToolConfigOptions as WebSocketToolModuleOptions };

/** Option keys that are not settings and so have no env var (`taskMonitor` and `cluster` are resolved apart). */
export const CODE_OPTION_KEYS = [
  'authenticate',
  'jwt',
  'canUseClientId',
  'canSubscribe',
  'presenceInfo',
  'allowedOrigins',
  'adminGuard',
  'cluster',
] as const;
