import { Logger } from '@nestjs/common';
import { addListener, type Unsubscribe } from '../cluster-listener.js';
import type { WireHeader } from '../redis/cluster-wire.js';
import type { RedisLink } from '../redis/redis-link.js';
import {
  ClusterHistory,
  type ClusterHistoryLinkListener,
  type ClusterHistoryListener,
  type ClusterHistoryRead,
  type HistoryTop,
  type HistoryLimits,
  type StampableFrame,
} from './cluster-history.js';
import { newEpoch } from './epoch.js';

/** The shortest time a history read waits for Redis (a replay of a large history takes more than a request). @internal */
export const HISTORY_READ_MIN_TIMEOUT_MS = 1000;

/** The history streams the size gauge adds up at most, so that a scrape stays one short script. */
export const COUNTED_STREAMS_MAX = 10_000;

/** How long the last value of a latest-value topic without history stays in Redis after its last publish. */
export const LATEST_TTL_MS = 24 * 60 * 60 * 1000;

type ReadReply = [string, number | string, number | string, ...string[]];

/** Topics whose last position one pipeline reads (all of one bucket: on a Redis Cluster a pipeline serves one slot). */
const TOPS_BATCH = 200;
/** Pipelines of position reads in flight at once, so a node with many topics does not flood Redis when its link is back. */
const TOPS_IN_FLIGHT = 4;

/**
 * Topic history in Redis: per topic a hash (epoch, last offset) and a stream
 * of the stamped frames, written by one Lua script per publish that also
 * PUBLISHes the stamped frame on the topic's channel (`HISTORY_PUBLISH_SCRIPT`).
 * Every node, the publishing one included, delivers the frame when it comes
 * back from Redis: one order for all.
 *
 * Reads are bounded by the cluster's request timeout, so a subscriber waiting
 * for its recovery is answered within one round trip even when Redis is gone.
 *
 * @internal
 */
export class RedisClusterHistory extends ClusterHistory {
  readonly shared = true;
  private readonly logger = new Logger('WebSocketTool');
  private readonly listeners: ClusterHistoryListener[] = [];
  private readonly linkListeners: ClusterHistoryLinkListener[] = [];
  /** Publishes Redis refused since start (the message was neither kept nor sent). */
  failed = 0;
  private readonly onFailed = (err: unknown): void => {
    if (this.failed++ === 0) {
      this.logger.error(`A publish to a topic with history failed in Redis: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  constructor(
    private readonly link: RedisLink,
    private readonly timeoutMs: number,
  ) {
    super();
    link.subscribe({
      receive: (header, body) => this.receive(header, body),
      linkDown: () => this.linkListeners.forEach((listener) => listener.lost()),
      linkUp: () => this.linkListeners.forEach((listener) => listener.back()),
    });
  }

  subscribe(listener: ClusterHistoryListener): Unsubscribe {
    return addListener(this.listeners, listener);
  }

  watchLink(listener: ClusterHistoryLinkListener): Unsubscribe {
    return addListener(this.linkListeners, listener);
  }

  tops(topics: readonly string[]): Promise<Array<HistoryTop | null>> {
    const pub = this.link.openPub();
    if (pub === null) return Promise.reject(new Error('Redis is not reachable'));
    const keys = this.link.keys;
    const byBucket = new Map<number, number[]>();
    topics.forEach((topic, index) => {
      const bucket = keys.bucketOf(topic);
      const indexes = byBucket.get(bucket);
      if (indexes === undefined) byBucket.set(bucket, [index]);
      else indexes.push(index);
    });
    const batches: number[][] = [];
    for (const indexes of byBucket.values()) {
      for (let i = 0; i < indexes.length; i += TOPS_BATCH) batches.push(indexes.slice(i, i + TOPS_BATCH));
    }
    const found: Array<HistoryTop | null> = topics.map(() => null);
    const readBatch = async (batch: number[]): Promise<void> => {
      const pipeline = pub.pipeline();
      for (const index of batch) pipeline.hmget(keys.historyMeta(topics[index]), 'e', 'o');
      const replies = (await pipeline.exec()) ?? [];
      batch.forEach((index, i) => {
        const [err, reply] = replies[i] ?? [new Error('No reply')];
        if (err) throw err;
        const [epoch, offset] = reply as [string | null, string | null];
        found[index] = epoch === null || offset === null ? null : { epoch, offset: Number(offset) };
      });
    };
    const worker = async (): Promise<void> => {
      for (let batch = batches.shift(); batch !== undefined; batch = batches.shift()) await readBatch(batch);
    };
    const workers = Array.from({ length: Math.min(TOPS_IN_FLIGHT, batches.length) }, () => worker());
    return this.bounded(Promise.all(workers)).then(() => found);
  }

  publish(topic: string, frame: StampableFrame, limits: HistoryLimits, ackId?: string): boolean {
    const pub = this.link.openPub();
    if (pub === null) return false;
    const keys = this.link.keys;
    const ack = ackId === undefined ? '' : `"a":${JSON.stringify(ackId)},`;
    const wireHead = `{"k":"h","o":${JSON.stringify(this.link.nodeId)},"t":${JSON.stringify(topic)},${ack}"n":`;
    pub
      .wstHistoryPublish(
        keys.historyMeta(topic),
        keys.historyStream(topic),
        keys.historyIndex(topic),
        newEpoch(),
        limits.ttlMs,
        limits.size,
        keys.topicChannel(topic),
        frame.head,
        frame.mid,
        frame.tail,
        wireHead,
      )
      .catch(this.onFailed);
    return true;
  }

  keepLatest(topic: string, json: string): void {
    const pub = this.link.openPub();
    if (pub === null) return;
    pub.set(this.link.keys.latest(topic), json, 'PX', LATEST_TTL_MS).catch(this.onFailed);
  }

  latest(topic: string): Promise<string | null> {
    const pub = this.link.openPub();
    if (pub === null) return Promise.reject(new Error('Redis is not reachable'));
    return this.bounded(pub.get(this.link.keys.latest(topic)));
  }

  keptMessages(): Promise<number> {
    const pub = this.link.openPub();
    if (pub === null) return Promise.reject(new Error('Redis is not reachable'));
    // One count per bucket index (one on one Redis): on a Redis Cluster a script touches one slot.
    const keys = this.link.keys;
    const counts = keys.bucketPrefixes().map((prefix) => pub.wstHistoryCount(keys.historyIndexOf(prefix), COUNTED_STREAMS_MAX));
    return this.bounded(Promise.all(counts)).then((replies) => replies.reduce((sum, [messages]) => sum + Number(messages), 0));
  }

  resume(
    topic: string,
    limits: HistoryLimits,
    since: { offset: number; epoch: string } | null,
    latest: boolean,
  ): Promise<ClusterHistoryRead> {
    return this.call(topic, limits, 'r', since ? String(since.offset) : '', since ? since.epoch : '', latest);
  }

  read(topic: string, limits: HistoryLimits, since: number | undefined): Promise<ClusterHistoryRead> {
    return this.call(topic, limits, 'a', since === undefined ? '' : String(since), '', false);
  }

  private call(
    topic: string,
    limits: HistoryLimits,
    mode: 'r' | 'a',
    since: string,
    sinceEpoch: string,
    latest: boolean,
  ): Promise<ClusterHistoryRead> {
    const pub = this.link.openPub();
    if (pub === null) return Promise.reject(new Error('Redis is not reachable'));
    const keys = this.link.keys;
    const reply = pub.wstHistoryRead(
      keys.historyMeta(topic),
      keys.historyStream(topic),
      newEpoch(),
      limits.ttlMs,
      limits.size,
      mode,
      since,
      sinceEpoch,
      latest ? '1' : '0',
    ) as Promise<ReadReply>;
    return this.bounded(reply).then(([epoch, offset, recovered, ...frames]) => ({
      epoch,
      offset: Number(offset),
      recovered: Number(recovered) === 1,
      frames,
    }));
  }

  /** `reply`, or a rejection once the read timeout has passed. */
  private bounded<T>(reply: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      timer.unref();
    });
    return Promise.race([reply, timeout]).then(
      (value) => {
        clearTimeout(timer);
        return value;
      },
      (err: unknown) => {
        clearTimeout(timer);
        reply.catch(() => undefined);
        throw err;
      },
    );
  }

  private receive(h: WireHeader, body: string): void {
    if (h.k !== 'h') return;
    const listeners = this.listeners;
    for (let i = 0; i < listeners.length; i++) {
      try {
        listeners[i].deliverStamped(h.t, h.n, h.e, body, h.a);
      } catch (err) {
        this.logger.error(`Delivering a topic message failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
