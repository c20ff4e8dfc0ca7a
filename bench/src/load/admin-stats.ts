/** What `GET /ws/stats` of a WebSocketTool target says about losses, summed over the nodes of a cluster. */
export interface LossCounts {
  /** Nodes that answered. */
  nodes: number;
  /** Live nodes that did not answer in time. */
  missingNodes: number;
  queueOverflows: number;
  messagesFailed: number;
  /** Messages for other nodes dropped because Redis was unreachable and the outbox was full. */
  outboxDropped: number;
  /** Messages the nodes received from the other nodes (broadcasts, topic and client messages). */
  received: number;
}

interface StatsRow {
  queue_overflows?: number;
  messages_failed?: number;
}

interface NodeRow {
  stats?: StatsRow;
  backplane?: { outbox_dropped?: number; received?: number };
}

interface StatsAnswer {
  stats?: StatsRow;
  cluster?: { nodes?: NodeRow[]; missing_nodes?: string[] };
}

const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/**
 * Reads `GET /ws/stats` from the node on `port` (the admin API answers
 * local requests without a token). In cluster mode the answer has one row
 * per node; otherwise the node's own counters stand for the whole target.
 * Null when the request fails or times out.
 */
export async function readLossCounts(host: string, port: number, timeoutMs: number): Promise<LossCounts | null> {
  try {
    const response = await fetch(`http://${host}:${port}/ws/stats`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return null;
    const answer = (await response.json()) as StatsAnswer;
    const rows = answer.cluster?.nodes;
    if (!rows) {
      return {
        nodes: 1,
        missingNodes: 0,
        queueOverflows: num(answer.stats?.queue_overflows),
        messagesFailed: num(answer.stats?.messages_failed),
        outboxDropped: 0,
        received: 0,
      };
    }
    const sum = (pick: (row: NodeRow) => unknown) => rows.reduce((total, row) => total + num(pick(row)), 0);
    return {
      nodes: rows.length,
      missingNodes: answer.cluster?.missing_nodes?.length ?? 0,
      queueOverflows: sum((row) => row.stats?.queue_overflows),
      messagesFailed: sum((row) => row.stats?.messages_failed),
      outboxDropped: sum((row) => row.backplane?.outbox_dropped),
      received: sum((row) => row.backplane?.received),
    };
  } catch {
    return null;
  }
}
