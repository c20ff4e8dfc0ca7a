export { Backplane, type BackplaneState, type BackplaneStatus } from './backplane.interface.js';
export { InMemoryBackplane } from './in-memory.backplane.js';
export type { WebSocketClusterOptions } from './cluster-options.interface.js';
export { redactRedisUrl } from './redis-url.js';
