import type { OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { encodeWire, type WireHeader } from '../redis/cluster-wire.js';
import type { RedisLink } from '../redis/redis-link.js';
import type { RedisNodeSet } from '../redis/redis-node-set.js';
import { ClusterRequests, type ClusterReplies, type ClusterReply, type ClusterRequestHandler } from './cluster-requests.js';
import { LocalRequestHandlers } from './local-request-handlers.js';

interface PendingRequest {
  expected: Set<string>;
  replies: ClusterReply[];
  resolve: (replies: ClusterReplies) => void;
  timer: NodeJS.Timeout;
}

const noop = (): void => undefined;

const parseOrNull = (body: string): unknown => {
  try {
    return body === '' ? null : JSON.parse(body);
  } catch {
    return null;
  }
};

/**
 * Requests over Redis: a request goes to the cluster channel (or to one
 * node's channel) with an id; each node answers on the asking node's channel.
 * Requests and replies are not kept in the outbox: while the link is down the
 * other nodes are listed as missing at once.
 *
 * @internal
 */
export class RedisClusterRequests extends ClusterRequests implements OnApplicationShutdown {
  private readonly local: LocalRequestHandlers;
  private readonly pending = new Map<string, PendingRequest>();

  constructor(
    private readonly link: RedisLink,
    private readonly nodes: RedisNodeSet,
    private readonly timeoutMs: number,
  ) {
    super();
    this.local = new LocalRequestHandlers(link.nodeId);
    link.subscribe({ receive: (header, body) => this.receive(header, body) });
  }

  handle(op: string, handler: ClusterRequestHandler): void {
    this.local.set(op, handler);
  }

  async request(op: string, args: unknown, target?: string, timeoutMs = this.timeoutMs): Promise<ClusterReplies> {
    const self = this.link.nodeId;
    // This node answers while the others do, so a request that waits on clients waits once.
    const local = target === undefined || target === self ? this.local.run(op, args) : null;
    const remote = target === self ? { replies: [], missing: [] } : await this.askOthers(op, args, target, timeoutMs);
    if (local) remote.replies.unshift(await local);
    return remote;
  }

  private async askOthers(op: string, args: unknown, target: string | undefined, timeoutMs: number): Promise<ClusterReplies> {
    const self = this.link.nodeId;
    const replies: ClusterReply[] = [];
    const pub = this.link.connectedPub();
    if (!pub) return { replies, missing: target ? [target] : this.nodes.others() };
    let others: string[];
    try {
      others = target ? [target] : (await this.nodes.refresh()).filter((n) => n !== self);
    } catch {
      others = this.nodes.others();
    }
    if (others.length === 0) return { replies, missing: [] };
    const id = randomUUID();
    return new Promise<ClusterReplies>((resolve) => {
      const timer = setTimeout(() => this.finish(id), timeoutMs);
      timer.unref();
      this.pending.set(id, { expected: new Set(others), replies, resolve, timer });
      const payload = encodeWire({ k: 'q', o: self, id, op }, JSON.stringify(args ?? null));
      const channel = target ? this.link.keys.nodeChannel(target) : this.link.keys.channelAll;
      this.link.pubsub.publish(pub, channel, payload).catch(() => this.finish(id));
    });
  }

  onApplicationShutdown(): void {
    for (const id of this.pending.keys()) this.finish(id);
  }

  private receive(h: WireHeader, body: string): void {
    if (h.o === this.link.nodeId) return;
    if (h.k === 'q') void this.answer(h, body);
    else if (h.k === 'r') this.onReply(h, body);
  }

  private finish(id: string): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    pending.resolve({ replies: pending.replies, missing: [...pending.expected] });
  }

  private async answer(header: { o: string; id: string; op: string }, body: string): Promise<void> {
    const reply = await this.local.run(header.op, parseOrNull(body));
    const pub = this.link.openPub();
    if (pub === null) return;
    let value: string;
    try {
      value = JSON.stringify(reply.value ?? null);
    } catch {
      value = 'null';
    }
    const response = encodeWire({ k: 'r', o: this.link.nodeId, id: header.id, ok: reply.ok, e: reply.error }, value);
    this.link.pubsub.publish(pub, this.link.keys.nodeChannel(header.o), response).catch(noop);
  }

  private onReply(header: { o: string; id: string; ok: boolean; e?: string }, body: string): void {
    const pending = this.pending.get(header.id);
    if (!pending) return;
    pending.replies.push({ node: header.o, ok: header.ok, value: parseOrNull(body), error: header.e });
    pending.expected.delete(header.o);
    if (pending.expected.size === 0) this.finish(header.id);
  }
}
