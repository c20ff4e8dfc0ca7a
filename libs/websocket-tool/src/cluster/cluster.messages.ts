/** Log and error texts of cluster mode, each naming what is wrong and what to do. */

const show = (value: unknown): string => {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? text.slice(0, 77) + '...' : text;
};

export const clusterWithoutRedisMessage = (): string =>
  'The "cluster" option is set but no Redis URL is (cluster.redis.url or FP_WST_REDIS_URL), so this instance runs as a single node.';

export const redisUnreachableAtBootMessage = (url: string, waitedMs: number): string =>
  `Redis at ${url} did not answer within ${waitedMs} ms: this node serves its own clients only and keeps reconnecting; ` +
  'cluster delivery starts by itself once Redis is reachable.';

export const redisLostMessage = (url: string): string =>
  `Lost the connection to Redis at ${url}: this node serves its own clients only, messages for other nodes wait in a bounded ` +
  'outbox, and the connection is retried with backoff.';

export const redisBackMessage = (url: string, flushed: number, dropped: number): string =>
  `Connected to Redis at ${url} again: cluster delivery resumed (${flushed} message(s) sent from the outbox, ` +
  `${dropped} dropped since the start because the outbox was full).`;

export const nodeIdInUseMessage = (nodeId: string): string =>
  `Another live node already announced the node id ${show(nodeId)}: messages of nodes that share an id are lost. ` +
  'Give every instance its own cluster.nodeId (or leave it unset for a generated one).';
