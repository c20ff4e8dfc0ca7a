import { describe, expect, it } from 'vitest';
import { parseRetryAfter, watchHandshakeRefusal, type HandshakeRefusal } from './handshake-refusal.js';
import type { WebSocketLike } from './websocket-like.interface.js';

type ResponseListener = (request: unknown, response: unknown) => void;

/** An emitter socket shaped like the `ws` package's, still in its handshake. */
class EmitterSocket implements WebSocketLike {
  readyState = 0;
  terminated = 0;
  closed = 0;
  readonly listeners: ResponseListener[] = [];
  constructor(private readonly withTerminate = true) {}
  on(event: string, listener: ResponseListener): this {
    if (event === 'unexpected-response') this.listeners.push(listener);
    return this;
  }
  addEventListener(): void {}
  send(): void {}
  close(): void {
    this.closed++;
    this.readyState = 2;
  }
  get terminate(): (() => void) | undefined {
    if (!this.withTerminate) return undefined;
    return () => {
      this.terminated++;
      this.readyState = 2;
    };
  }
  respond(statusCode: number, headers: Record<string, string | string[]>): { resumed: boolean } {
    const response = {
      statusCode,
      headers,
      resumed: false,
      resume() {
        this.resumed = true;
      },
    };
    for (const listener of this.listeners) listener({}, response);
    return response;
  }
}

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('1')).toBe(1000);
    expect(parseRetryAfter(' 120 ')).toBe(120_000);
    expect(parseRetryAfter('0')).toBe(0);
    expect(parseRetryAfter('1.5')).toBe(1500);
  });

  it('reads an HTTP date against the response Date header, else against the local clock', () => {
    const date = 'Wed, 21 Oct 2026 07:28:00 GMT';
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:30 GMT', date, 0)).toBe(30_000);
    const now = Date.parse(date);
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:05 GMT', undefined, now)).toBe(5000);
    // In the past: at once.
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:27:00 GMT', date)).toBe(0);
    // An unreadable Date header falls back to the local clock.
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:10 GMT', 'yesterday', now)).toBe(10_000);
  });

  it('returns null when absent or unreadable', () => {
    for (const value of [undefined, '', '  ', 'soon', '-5', '1e3', '0x10']) expect(parseRetryAfter(value)).toBeNull();
  });
});

describe('watchHandshakeRefusal', () => {
  it('reports status and Retry-After, drains the response and ends the handshake', () => {
    const socket = new EmitterSocket();
    const seen: HandshakeRefusal[] = [];
    expect(watchHandshakeRefusal(socket, (r) => seen.push(r))).toBe(true);
    const response = socket.respond(429, { 'retry-after': '3' });
    expect(seen).toEqual([{ status: 429, retryAfterMs: 3000 }]);
    expect(response.resumed).toBe(true);
    expect(socket.terminated).toBe(1);
  });

  it('reports a refusal without Retry-After with null, and takes the first of repeated headers', () => {
    const socket = new EmitterSocket();
    const seen: HandshakeRefusal[] = [];
    watchHandshakeRefusal(socket, (r) => seen.push(r));
    socket.respond(401, {});
    socket.readyState = 0;
    socket.respond(503, { 'retry-after': ['5', '9'] });
    expect(seen).toEqual([
      { status: 401, retryAfterMs: null },
      { status: 503, retryAfterMs: 5000 },
    ]);
  });

  it('leaves a socket that another listener already ended alone, and closes one without terminate()', () => {
    const ended = new EmitterSocket();
    ended.on('unexpected-response', () => (ended.readyState = 2));
    watchHandshakeRefusal(ended, () => undefined);
    ended.respond(429, { 'retry-after': '1' });
    expect(ended.terminated).toBe(0);

    const plain = new EmitterSocket(false);
    watchHandshakeRefusal(plain, () => undefined);
    plain.respond(429, { 'retry-after': '1' });
    expect(plain.closed).toBe(1);
  });

  it('cannot tell on a socket without on() (browsers, Node’s global WebSocket)', () => {
    const socket: WebSocketLike = { readyState: 0, send: () => undefined, close: () => undefined, addEventListener: () => undefined };
    expect(watchHandshakeRefusal(socket, () => undefined)).toBe(false);
  });
});
