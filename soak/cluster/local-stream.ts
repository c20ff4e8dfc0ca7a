import { Worker } from 'node:worker_threads';
import type { StreamTrack } from './sequenced-stream.js';

const WORKER = new URL('./local-stream.worker.mjs', import.meta.url);

/** What the worker sends back once stopped. */
interface WorkerResult {
  kind: 'result';
  sentAt: number[];
  droppedLocally: number;
  subscribers: Array<{ seqs: number[]; arrivals: number[]; duplicates: number; outOfOrder: number }>;
}

type WorkerMessage = { kind: 'ready' } | { kind: 'error'; message: string } | WorkerResult;

/** The local stream once stopped: the publisher's side and what each local subscriber received. */
export interface LocalStreamResult {
  stream: string;
  sent: number;
  /** Send times, by sequence number (`preciseNow()` ms). */
  sentAt: number[];
  droppedLocally: number;
  tracks: StreamTrack[];
}

/**
 * A numbered stream published through one node and received by subscribers
 * on the same node, run on a worker thread (`local-stream.worker.mjs`) so
 * that the main thread's work (the other nodes' deliveries) cannot delay
 * either side. Times are `preciseNow()` ms, like the main thread's.
 */
export class LocalStream {
  private result: Promise<WorkerResult> | null = null;

  private constructor(
    private readonly worker: Worker,
    readonly stream: string,
  ) {}

  /** Opens the publisher (`/ws/<publisherId>`) and the subscribers on `base`; resolves once all are subscribed. */
  static async open(options: {
    base: string;
    publisherId: string;
    subscriberIds: string[];
    stream: string;
    topic: string;
    ratePerSecond: number;
    maxSeconds: number;
  }): Promise<LocalStream> {
    const worker = new Worker(WORKER, {
      workerData: {
        publisherUrl: `${options.base}/ws/${options.publisherId}`,
        subscriberUrls: options.subscriberIds.map((id) => `${options.base}/ws/${id}`),
        stream: options.stream,
        topic: options.topic,
        ratePerSecond: options.ratePerSecond,
        maxSeconds: options.maxSeconds,
      },
    });
    worker.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error('the local stream did not get ready within 20 s')), 20_000);
      const done = (err: Error | null) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        if (err) {
          void worker.terminate();
          reject(err);
        } else resolve();
      };
      const onMessage = (message: WorkerMessage) => {
        if (message.kind === 'ready') done(null);
        else if (message.kind === 'error') done(new Error(`local stream: ${message.message}`));
      };
      worker.on('message', onMessage);
    });
    return new LocalStream(worker, options.stream);
  }

  start(): void {
    this.worker.postMessage('start', []);
  }

  /** Stops publishing, waits for the last deliveries (at most 10 s) and returns what was sent and received. */
  async stop(): Promise<LocalStreamResult> {
    if (!this.result) {
      this.result = new Promise<WorkerResult>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the local stream did not report within 20 s')), 20_000);
        this.worker.on('message', (message: WorkerMessage) => {
          if (message.kind !== 'result') return;
          clearTimeout(timer);
          resolve(message);
        });
      });
      this.worker.postMessage('stop', []);
    }
    const result = await this.result;
    return {
      stream: this.stream,
      sent: result.sentAt.length,
      sentAt: result.sentAt,
      droppedLocally: result.droppedLocally,
      tracks: result.subscribers.map((s) => ({
        arrivals: new Map(s.seqs.map((seq, i) => [seq, s.arrivals[i]])),
        duplicates: s.duplicates,
        outOfOrder: s.outOfOrder,
        highest: s.seqs.length ? Math.max(...s.seqs) : -1,
      })),
    };
  }

  /** Ends the thread (cleanup; after `stop` it ends by itself). */
  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
