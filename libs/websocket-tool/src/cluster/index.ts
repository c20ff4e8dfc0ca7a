export {
  Backplane,
  type BackplaneState,
  type BackplaneStatus,
  type ClusterDelivery,
  type ClusterIpAdmission,
  type ClusterReplies,
  type ClusterReply,
} from './backplane.interface.js';
export { InMemoryBackplane } from './in-memory.backplane.js';
export type { WebSocketClusterOptions } from './cluster-options.interface.js';
export { redactRedisUrl } from './redis-url.js';
