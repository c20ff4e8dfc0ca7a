import { WebSocket } from 'ws';
import type { ErrorTally } from './error-tally.js';

/** One held connection and what happened to it. */
export interface PooledClient {
  readonly index: number;
  readonly socket: WebSocket;
  /** Messages received, and `system.ping` heartbeats among them. */
  received: number;
  pings: number;
  /** Null while open. */
  close: { code: number; reason: string; at: number } | null;
}

/** Runs `work` over `items` with at most `concurrency` at a time. */
export async function boundedAll<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/** Opens one connection; resolves once it is open, rejects with the refusal as an `Error` whose message is its error kind. */
export function openSocket(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers, perMessageDeflate: false, handshakeTimeout: 15_000 });
    const fail = (kind: string) => {
      socket.removeAllListeners('open');
      socket.on('error', () => undefined);
      socket.terminate();
      reject(new Error(kind));
    };
    socket.once('open', () => {
      socket.removeAllListeners('unexpected-response');
      resolve(socket);
    });
    socket.once('unexpected-response', (_req, res) => {
      res.resume();
      fail(`handshake_refused:${res.statusCode}`);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => fail(`connect_error:${err.code ?? err.message}`));
  });
}

/**
 * Many connections held open by one process: counts what each receives,
 * answers protocol pings (ws does), and records how each one ended.
 */
export class ClientPool {
  readonly clients: PooledClient[] = [];
  /** Messages received by all clients of the pool. */
  received = 0;
  private readonly pendingEchoes = new Map<string, { at: number; resolve: (ms: number) => void }>();
  private echoSeq = 0;

  constructor(
    private readonly url: string,
    private readonly errors: ErrorTally,
    private readonly label: string,
  ) {}

  /** Opens `count` connections, `concurrency` handshakes at a time. Returns how many failed. */
  async open(count: number, concurrency = 100, path: (index: number) => string = () => '/ws'): Promise<number> {
    let failed = 0;
    const start = this.clients.length;
    await boundedAll(
      Array.from({ length: count }, (_, i) => start + i),
      concurrency,
      async (index) => {
        try {
          this.adopt(index, await openSocket(this.url + path(index)));
        } catch (err) {
          failed++;
          this.errors.add(`${this.label}:${(err as Error).message}`);
        }
      },
    );
    return failed;
  }

  private adopt(index: number, socket: WebSocket): void {
    const client: PooledClient = { index, socket, received: 0, pings: 0, close: null };
    socket.on('message', (data) => {
      client.received++;
      this.received++;
      const text = (data as Buffer).toString('latin1', 0, 40);
      if (text.startsWith('{"type":"system.ping"')) client.pings++;
      else if (text.startsWith('{"type":"echo"')) {
        const id = /"id":"([^"]+)"/.exec((data as Buffer).toString())?.[1];
        const pending = id ? this.pendingEchoes.get(id) : undefined;
        if (pending && id) {
          this.pendingEchoes.delete(id);
          pending.resolve(performance.now() - pending.at);
        }
      }
    });
    socket.on('close', (code, reason) => {
      client.close = { code, reason: reason.toString(), at: Date.now() };
    });
    socket.on('error', () => undefined);
    this.clients.push(client);
  }

  /** Open connections now. */
  get openCount(): number {
    let n = 0;
    for (const c of this.clients) if (c.close === null) n++;
    return n;
  }

  /** Close codes of the clients that closed, by code. */
  closeCodes(): Record<string, number> {
    const codes: Record<string, number> = {};
    for (const c of this.clients) if (c.close) codes[c.close.code] = (codes[c.close.code] ?? 0) + 1;
    return codes;
  }

  /** Sends one echo on a client and resolves with its round trip (ms), or NaN after `timeoutMs`. */
  echo(client: PooledClient, timeoutMs = 5000): Promise<number> {
    const id = `${this.label}-${++this.echoSeq}`;
    return new Promise((resolve) => {
      if (client.socket.readyState !== WebSocket.OPEN) return resolve(Number.NaN);
      const timer = setTimeout(() => {
        this.pendingEchoes.delete(id);
        this.errors.add(`${this.label}:echo_timeout`);
        resolve(Number.NaN);
      }, timeoutMs);
      this.pendingEchoes.set(id, {
        at: performance.now(),
        resolve: (ms) => {
          clearTimeout(timer);
          resolve(ms);
        },
      });
      client.socket.send(`{"type":"echo","content":"x","meta":{"id":"${id}"}}`);
    });
  }

  /** Sends a frame to every open client (subscriptions, for instance). */
  sendAll(frame: (client: PooledClient) => string): void {
    for (const c of this.clients) if (c.close === null && c.socket.readyState === WebSocket.OPEN) c.socket.send(frame(c));
  }

  /** Closes every client normally and waits (up to `timeoutMs`) for the closes to complete. */
  async closeAll(timeoutMs = 30_000): Promise<void> {
    const pending = this.clients.filter((c) => c.close === null);
    const closed = pending.map((c) => new Promise<void>((resolve) => (c.close ? resolve() : c.socket.once('close', () => resolve()))));
    for (const c of pending) c.socket.close(1000);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(closed), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    for (const c of this.clients) if (c.close === null) c.socket.terminate();
  }
}
