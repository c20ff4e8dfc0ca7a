/** One node's answer to a cluster request. @internal */
export interface ClusterReply {
  node: string;
  ok: boolean;
  value?: unknown;
  error?: string;
}

/** Answers of a cluster request, and the live nodes that did not answer in time. @internal */
export interface ClusterReplies {
  replies: ClusterReply[];
  missing: string[];
}

/** Answers one kind of request; its value travels as JSON. @internal */
export type ClusterRequestHandler = (args: unknown) => unknown;

/**
 * Questions from one node to the others (the admin API over the cluster):
 * each node registers the handlers it answers, and a request gathers the
 * answers of every live node, this one included, or of one node. A node
 * that does not answer within the request timeout is listed as missing.
 *
 * @internal
 */
export abstract class ClusterRequests {
  /** Answers the requests `op` (of this node and the others); a later handler for `op` replaces the earlier. */
  abstract handle(op: string, handler: ClusterRequestHandler): void;
  /**
   * Asks every live node, or only `target`, and gathers the answers; `timeoutMs` (the request timeout
   * when omitted) bounds the wait for the other nodes.
   */
  abstract request(op: string, args: unknown, target?: string, timeoutMs?: number): Promise<ClusterReplies>;
}
