/**
 * The clients of the other nodes this node knows of: client id → node, and
 * the ids of each node, so a node's clients are forgotten in one step.
 *
 * @internal
 */
export class RemoteClients {
  private readonly nodeOf = new Map<string, string>();
  private readonly byNode = new Map<string, Set<string>>();

  get size(): number {
    return this.nodeOf.size;
  }

  locate(clientId: string): string | undefined {
    return this.nodeOf.get(clientId);
  }

  set(clientId: string, node: string): void {
    const previous = this.nodeOf.get(clientId);
    if (previous !== undefined && previous !== node) this.byNode.get(previous)?.delete(clientId);
    this.nodeOf.set(clientId, node);
    let ids = this.byNode.get(node);
    if (!ids) {
      ids = new Set();
      this.byNode.set(node, ids);
    }
    ids.add(clientId);
  }

  /** Forgets a client, if `node` is where it was last seen. */
  drop(clientId: string, node: string): void {
    if (this.nodeOf.get(clientId) !== node) return;
    this.nodeOf.delete(clientId);
    this.byNode.get(node)?.delete(clientId);
  }

  forgetNode(node: string): void {
    const ids = this.byNode.get(node);
    if (!ids) return;
    for (const id of ids) if (this.nodeOf.get(id) === node) this.nodeOf.delete(id);
    this.byNode.delete(node);
  }

  /** Forgets the clients of every node not in `live`. */
  keepNodes(live: readonly string[]): void {
    for (const node of this.byNode.keys()) if (!live.includes(node)) this.forgetNode(node);
  }
}
