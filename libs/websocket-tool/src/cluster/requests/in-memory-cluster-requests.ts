import { SINGLE_NODE_ID } from '../in-memory.backplane.js';
import { ClusterRequests, type ClusterReplies, type ClusterRequestHandler } from './cluster-requests.js';
import { LocalRequestHandlers } from './local-request-handlers.js';

/**
 * A single node: the cluster is this node, so a request gets its answer, and
 * a request for any other node lists that node as missing.
 *
 * @internal
 */
export class InMemoryClusterRequests extends ClusterRequests {
  private readonly local: LocalRequestHandlers;

  constructor(private readonly nodeId = SINGLE_NODE_ID) {
    super();
    this.local = new LocalRequestHandlers(nodeId);
  }

  handle(op: string, handler: ClusterRequestHandler): void {
    this.local.set(op, handler);
  }

  async request(op: string, args: unknown, target?: string): Promise<ClusterReplies> {
    if (target !== undefined && target !== this.nodeId) return { replies: [], missing: [target] };
    return { replies: [await this.local.run(op, args)], missing: [] };
  }
}
