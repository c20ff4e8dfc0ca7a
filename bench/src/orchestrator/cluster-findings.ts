import type { Summary } from './summarize.js';

/** The cluster scenario's answers, from the medians of one run; null where the run has no figure. */
export interface ClusterFindings {
  /** Deliveries/s of the burst with 2 nodes and with 1 node (both with Redis). */
  twoNodeDeliveriesPerSec: number | null;
  oneNodeDeliveriesPerSec: number | null;
  /** 2 nodes over 1 node. */
  fanOutRatio: number | null;
  /** In the 2-node run: latency of the clients on the other node minus that of the clients on the publisher's node. */
  crossNodeAddedP50Ms: number | null;
  crossNodeAddedP99Ms: number | null;
  /** Latency of the clients on the other node (2 nodes) over the latency of the clients of the single node (1 node). */
  crossNodeP50Ratio: number | null;
  crossNodeP99Ratio: number | null;
  /** 1 node with Redis over 1 node without: what turning cluster mode on costs a lone node. */
  clusterModeDeliveriesRatio: number | null;
  /** Messages the 2-node run's nodes counted as lost (queue overflows, failed writes, outbox drops), median. */
  twoNodeLostMessages: number | null;
}

const SCENARIO = 'cluster';

const ratio = (a: number | null, b: number | null): number | null => (a === null || b === null || b === 0 ? null : a / b);

/** Null when the run had no cluster scenario. */
export function clusterFindings(summary: Summary): ClusterFindings | null {
  const byTarget = summary[SCENARIO];
  if (!byTarget) return null;
  const get = (target: string, metric: string): number | null => byTarget[target]?.[metric]?.median ?? null;
  const two = get('cluster-2', 'deliveriesPerSec');
  const one = get('cluster-1', 'deliveriesPerSec');
  return {
    twoNodeDeliveriesPerSec: two,
    oneNodeDeliveriesPerSec: one,
    fanOutRatio: ratio(two, one),
    crossNodeAddedP50Ms: get('cluster-2', 'crossNodeAddedP50Ms'),
    crossNodeAddedP99Ms: get('cluster-2', 'crossNodeAddedP99Ms'),
    crossNodeP50Ratio: ratio(get('cluster-2', 'crossNodeP50Ms'), get('cluster-1', 'sameNodeP50Ms')),
    crossNodeP99Ratio: ratio(get('cluster-2', 'crossNodeP99Ms'), get('cluster-1', 'sameNodeP99Ms')),
    clusterModeDeliveriesRatio: ratio(one, get('websocket-tool', 'deliveriesPerSec')),
    twoNodeLostMessages: get('cluster-2', 'lostMessages'),
  };
}

const ms = (value: number | null): string => (value === null ? 'n/a' : `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)} ms`);
const times = (value: number | null): string => (value === null ? 'n/a' : `×${value.toFixed(2)}`);

/** The findings as Markdown bullet points. */
export function clusterFindingsMarkdown(f: ClusterFindings): string[] {
  return [
    `- **Fan-out through 2 nodes**: ${times(f.fanOutRatio)} the deliveries/s of 1 node (both with Redis, same clients, all broadcasts sent to the first node).`,
    `- **Cross-node added latency** (2 nodes, one message at a time; clients on the other node minus clients on the publisher's node): p50 ${ms(f.crossNodeAddedP50Ms)}, p99 ${ms(f.crossNodeAddedP99Ms)}.`,
    `- **Cross-node latency against 1 node** (clients on the other node, over the clients of the single node): p50 ${times(f.crossNodeP50Ratio)}, p99 ${times(f.crossNodeP99Ratio)}.`,
    `- **Cluster mode on a single node**: ${times(f.clusterModeDeliveriesRatio)} the deliveries/s of the same node without Redis.`,
    `- **Lost messages** counted by the 2 nodes (\`GET /ws/stats\`): ${f.twoNodeLostMessages === null ? 'n/a' : String(f.twoNodeLostMessages)}.`,
  ];
}
