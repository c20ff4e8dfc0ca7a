import { WebSocket } from 'ws';
import { preciseNow } from '../../test/reliability/support/echo-probe.js';
import { openSocket } from '../support/client-pool.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The stream and sequence number a subscriber reads from a `chat.message` (its `content.name`). */
const NAME = /"name":"([a-z]+)(\d+)"/;
const TYPE = /^\{"type":"([^"]+)"/;
const TEXT = 'x'.repeat(100);

/**
 * A numbered stream: `chat.message` frames to a topic through the sample
 * app's chat handler, named `<stream><seq>`, sent at a steady rate. The send
 * times are kept so that a subscriber's arrival time gives the delivery
 * latency (both are read on this process's clock).
 */
export class StreamPublisher {
  /** When each message was sent (`preciseNow()`), by sequence number. */
  readonly sentAt: number[] = [];
  /** Messages the publisher's node reported it could not deliver locally (`chat.sent` with `dropped`). */
  droppedLocally = 0;
  private running = false;
  private loop: Promise<void> = Promise.resolve();

  private constructor(
    readonly stream: string,
    readonly topic: string,
    private readonly socket: WebSocket,
  ) {
    socket.on('message', (data) => {
      const body = (data as Buffer).toString();
      if (!body.startsWith('{"type":"chat.sent"')) return;
      const dropped = /"dropped":(\d+)/.exec(body);
      if (dropped) this.droppedLocally += Number(dropped[1]);
    });
    socket.on('error', () => undefined);
  }

  /** Connects to `url` (a node's `/ws/<id>`); `stream` is a lower-case name that prefixes every sequence number. */
  static async open(url: string, stream: string, topic: string): Promise<StreamPublisher> {
    return new StreamPublisher(stream, topic, await openSocket(url));
  }

  /** Messages sent so far. */
  get sent(): number {
    return this.sentAt.length;
  }

  /** Starts sending `ratePerSecond` messages a second, for at most `maxSeconds`. */
  start(ratePerSecond: number, maxSeconds: number): void {
    this.running = true;
    const startedAt = preciseNow();
    const base = this.sentAt.length;
    this.loop = (async () => {
      while (this.running && this.socket.readyState === WebSocket.OPEN && preciseNow() - startedAt < maxSeconds * 1000) {
        // Paced by the clock, not by timer ticks: a late tick sends what was due meanwhile.
        const due = base + Math.floor(((preciseNow() - startedAt) * ratePerSecond) / 1000);
        while (this.sentAt.length < due) this.sendNext();
        await sleep(2);
      }
    })();
  }

  /** Stops sending; resolves once the loop has ended. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  close(): void {
    this.socket.close();
  }

  private sendNext(): void {
    const seq = this.sentAt.length;
    this.sentAt.push(preciseNow());
    this.socket.send(`{"type":"chat.message","content":{"text":"${TEXT}","name":"${this.stream}${seq}"},"meta":{"topic":"${this.topic}"}}`);
  }
}

/** What one subscriber received of one stream. */
export interface StreamTrack {
  /** First arrival (`preciseNow()`) of each sequence number. */
  arrivals: Map<number, number>;
  /** Messages received a second time. */
  duplicates: number;
  /** Messages received after a higher sequence number of the same stream. */
  outOfOrder: number;
  /** Highest sequence number received (-1: none). */
  highest: number;
}

/** A subscriber of the numbered streams on one topic, connected to one node. */
export class StreamSubscriber {
  readonly tracks = new Map<string, StreamTrack>();
  /** Messages received, by type. */
  readonly types = new Map<string, number>();
  /** Null while open. */
  close: { code: number; at: number } | null = null;

  private constructor(
    readonly clientId: string,
    readonly socket: WebSocket,
  ) {
    socket.on('message', (data) => {
      const at = preciseNow();
      const body = (data as Buffer).toString();
      const type = TYPE.exec(body)?.[1] ?? '';
      this.types.set(type, (this.types.get(type) ?? 0) + 1);
      if (type !== 'chat.message') return;
      const name = NAME.exec(body);
      if (name) this.receive(name[1], Number(name[2]), at);
    });
    socket.on('close', (code) => {
      this.close = { code, at: preciseNow() };
    });
    socket.on('error', () => undefined);
  }

  /** Connects as `clientId` to `base` (`ws://host:port`) and subscribes to `topic`; resolves once the server confirmed. */
  static async open(base: string, clientId: string, topic: string, timeoutMs = 10_000): Promise<StreamSubscriber> {
    const socket = await openSocket(`${base}/ws/${clientId}`);
    const subscriber = new StreamSubscriber(clientId, socket);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.off('message', onMessage);
        reject(new Error(`${clientId} got no system.subscribed for ${topic} within ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (data: Buffer) => {
        if (!data.toString().startsWith('{"type":"system.subscribed"')) return;
        clearTimeout(timer);
        socket.off('message', onMessage);
        resolve();
      };
      socket.on('message', onMessage);
      socket.send(JSON.stringify({ type: 'system.subscribe', content: { topic } }));
    });
    return subscriber;
  }

  /** What this subscriber received of `stream` (an empty track if nothing). */
  track(stream: string): StreamTrack {
    let track = this.tracks.get(stream);
    if (!track) {
      track = { arrivals: new Map(), duplicates: 0, outOfOrder: 0, highest: -1 };
      this.tracks.set(stream, track);
    }
    return track;
  }

  /** Closes the connection and waits (up to 5 s) until it is closed. */
  async end(): Promise<void> {
    if (this.close !== null) return;
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.socket.close(1000);
    await Promise.race([closed, sleep(5000)]);
    if (this.close === null) this.socket.terminate();
  }

  private receive(stream: string, seq: number, at: number): void {
    const track = this.track(stream);
    if (track.arrivals.has(seq)) {
      track.duplicates++;
      return;
    }
    track.arrivals.set(seq, at);
    if (seq < track.highest) track.outOfOrder++;
    else track.highest = seq;
  }
}

/**
 * Waits (up to `timeoutMs`) for what is still on its way after the publishers
 * stopped: until every subscriber has the last message of every stream, or
 * nothing arrived for a second.
 */
export async function waitForLastArrivals(
  subscribers: readonly StreamSubscriber[],
  publishers: ReadonlyArray<{ stream: string; sent: number }>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = preciseNow() + timeoutMs;
  const total = () => subscribers.reduce((n, s) => n + publishers.reduce((m, p) => m + s.track(p.stream).arrivals.size, 0), 0);
  let last = -1;
  let stableSince = preciseNow();
  while (preciseNow() < deadline) {
    if (subscribers.every((s) => publishers.every((p) => s.track(p.stream).arrivals.has(p.sent - 1)))) return;
    const now = total();
    if (now !== last) {
      last = now;
      stableSince = preciseNow();
    } else if (preciseNow() - stableSince > 1000) return;
    await sleep(50);
  }
}
