import { WebSocket, type ClientOptions } from 'ws';

export interface Envelope {
  type: string;
  content: unknown;
  meta: Record<string, unknown>;
  timestamp: string;
}

/**
 * A promise-based `ws` client for tests: collects every message, waits for
 * the next one of a type, and reports how the connection closed.
 */
export class WsTestClient {
  readonly messages: Envelope[] = [];
  private waiters: Array<{ match: (m: Envelope) => boolean; resolve: (m: Envelope) => void }> = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;
  readonly socket: WebSocket;

  constructor(url: string, options: ClientOptions = {}, protocols?: string[]) {
    this.socket = protocols ? new WebSocket(url, protocols, options) : new WebSocket(url, options);
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
      this.socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    this.closed = new Promise((resolve) => {
      this.socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    this.socket.on('error', () => undefined);
    this.socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as Envelope;
      this.messages.push(message);
      const waiter = this.waiters.find((w) => w.match(message));
      if (waiter) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(message);
      }
    });
  }

  static async connect(url: string, options: ClientOptions = {}, protocols?: string[]): Promise<WsTestClient> {
    const client = new WsTestClient(url, options, protocols);
    await client.opened;
    await client.next('system.client_connected');
    return client;
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next message of `type` not consumed yet (already received ones count), or a timeout. */
  next(type: string | ((m: Envelope) => boolean), timeoutMs = 5000): Promise<Envelope> {
    const match = typeof type === 'string' ? (m: Envelope) => m.type === type : type;
    const consumed = (this as unknown as { consumed?: Set<Envelope> }).consumed ?? new Set<Envelope>();
    (this as unknown as { consumed: Set<Envelope> }).consumed = consumed;
    const already = this.messages.find((m) => match(m) && !consumed.has(m));
    if (already) {
      consumed.add(already);
      return Promise.resolve(already);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`no "${typeof type === 'string' ? type : 'matching'}" message within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (m: Envelope) => {
        clearTimeout(timer);
        consumed.add(m);
        resolve(m);
      };
      this.waiters.push({ match: (m) => match(m) && !consumed.has(m), resolve: done });
    });
  }

  /** Sends and waits for the reply carrying the same `meta.id`. */
  async request(
    message: { type: string; content?: unknown; meta?: Record<string, unknown> },
    id = Math.random().toString(36).slice(2),
  ): Promise<Envelope> {
    const reply = this.next((m) => m.meta?.id === id);
    this.send({ ...message, meta: { ...message.meta, id } });
    return reply;
  }

  ofType(type: string): Envelope[] {
    return this.messages.filter((m) => m.type === type);
  }

  close(): void {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.close();
  }
}

/** Opens an upgrade request and returns the HTTP status it was refused with (or 101). */
export function handshakeStatus(
  url: string,
  options: ClientOptions = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options);
    socket.on('error', () => undefined);
    socket.once('open', () => {
      resolve({ status: 101, headers: {}, body: '' });
      socket.close();
    });
    socket.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
