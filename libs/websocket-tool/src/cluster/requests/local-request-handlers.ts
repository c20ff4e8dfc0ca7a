import type { ClusterReply, ClusterRequestHandler } from './cluster-requests.js';

/** The request handlers of this node, and how one request is answered here. @internal */
export class LocalRequestHandlers {
  private readonly handlers = new Map<string, ClusterRequestHandler>();

  constructor(private readonly nodeId: string) {}

  set(op: string, handler: ClusterRequestHandler): void {
    this.handlers.set(op, handler);
  }

  /** This node's answer: the handler's value, or its error as text. */
  async run(op: string, args: unknown): Promise<ClusterReply> {
    const handler = this.handlers.get(op);
    if (!handler) return { node: this.nodeId, ok: false, error: `unknown request "${op}"` };
    try {
      return { node: this.nodeId, ok: true, value: await handler(args) };
    } catch (err) {
      return { node: this.nodeId, ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  }
}
