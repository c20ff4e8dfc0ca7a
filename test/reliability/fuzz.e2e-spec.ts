import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsErrorCode } from '@websocket-tool/nestjs';
import { WebSocket } from 'ws';
import { createTestApp, type TestApp } from '../utils/create-test-app.js';
import { ReliabilityHandlers } from './fixtures/reliability.handlers.js';

/** Fixed, so a failure replays exactly; change it to explore other inputs. */
const SEED = 20_261_130;
const ERROR_CODES = new Set<string>(Object.values(WsErrorCode));
/** What may answer a frame besides `system.error`: the handler's own type or a system acknowledgement. */
const REPLY_TYPES = new Set(['echo', 'typed', 'merge', 'system.pong', 'system.subscribed', 'system.unsubscribed', 'system.rate_limited']);
const KNOWN_TYPES = ['echo', 'typed', 'merge', 'system.ping', 'system.pong', 'system.subscribe', 'system.unsubscribe', 'pong', 'nobody'];

interface Reply {
  type: string;
  content: unknown;
  meta: Record<string, unknown>;
  timestamp: string;
}

/** Throws unless `text` is one well-formed outbound envelope. */
function expectEnvelope(text: string): Reply {
  const reply = JSON.parse(text) as Reply;
  expect(Object.keys(reply).toSorted()).toEqual(['content', 'meta', 'timestamp', 'type']);
  expect(typeof reply.type).toBe('string');
  expect(reply.meta !== null && typeof reply.meta === 'object' && !Array.isArray(reply.meta)).toBe(true);
  expect(Number.isNaN(Date.parse(reply.timestamp))).toBe(false);
  if (reply.type === 'system.error') expect(ERROR_CODES.has(reply.meta.code as string), `error code ${String(reply.meta.code)}`).toBe(true);
  else expect(REPLY_TYPES.has(reply.type), `reply type ${reply.type}`).toBe(true);
  return reply;
}

/**
 * One connection that sends a fuzzed frame, then a `system.ping` sentinel,
 * and returns what arrived up to the sentinel's pong. Replies of async
 * handlers (DTO validation) may come after it, so each exchange checks what it
 * got and the totals are checked over the whole run: every reply is a
 * well-formed envelope, and no frame is answered more than once.
 */
class FuzzSession {
  private buffer: string[] = [];
  private sentinel = 0;
  private waiting: { id: string; resolve: (replies: string[]) => void } | null = null;
  /** Frames sent (sentinels excluded) and answers received (sentinel pongs excluded). */
  frames = 0;
  answers = 0;
  readonly closed: Promise<{ code: number }>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const text = data.toString();
      if (this.waiting && text.includes(`"ping_id":"${this.waiting.id}"`)) {
        const { resolve } = this.waiting;
        this.waiting = null;
        resolve(this.buffer.splice(0));
      } else {
        this.answers++;
        this.buffer.push(text);
      }
    });
    this.closed = new Promise((resolve) => socket.once('close', (code) => resolve({ code })));
  }

  static async open(url: string): Promise<FuzzSession> {
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const session = new FuzzSession(socket);
    await session.exchange(null);
    session.answers = 0;
    return session;
  }

  /** Sends `frame` (none for null) and resolves with the answers that arrived before the sentinel's pong. */
  exchange(frame: string | Buffer | null, binary = false): Promise<string[]> {
    const id = `sentinel-${++this.sentinel}-${Math.random().toString(36).slice(2)}`;
    const replies = new Promise<string[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${JSON.stringify(String(frame)).slice(0, 200)}`)), 5000);
      this.waiting = {
        id,
        resolve: (answers) => {
          clearTimeout(timer);
          resolve(answers);
        },
      };
    });
    if (frame !== null) {
      this.frames++;
      this.socket.send(frame, { binary });
    }
    this.socket.send(JSON.stringify({ type: 'system.ping', meta: { ping_id: id } }));
    return replies;
  }

  /** Waits for late async answers, then asserts no frame got more than one. */
  async expectAtMostOneAnswerPerFrame(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const late = await this.exchange(null);
    late.forEach(expectEnvelope);
    expect(this.answers).toBeLessThanOrEqual(this.frames);
  }

  close(): void {
    this.socket.close();
  }
}

/** `__proto__`, `constructor` or `prototype` with some characters written as `\\uXXXX` (either hex case): the same key once parsed. */
const escapedKey = fc
  .tuple(fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.array(fc.boolean(), { minLength: 11, maxLength: 11 }), fc.boolean())
  .map(([key, escape, upper]) =>
    [...key]
      .map((ch, i) => {
        if (!escape[i]) return ch;
        const hex = ch.charCodeAt(0).toString(16).padStart(4, '0');
        return `\\u${upper ? hex.toUpperCase() : hex}`;
      })
      .join(''),
  );
const isUtf8 = (b: Buffer) => Buffer.from(b.toString('utf8'), 'utf8').equals(b);
const prototypeKeys = () => [Object.prototype, Array.prototype, Function.prototype].map((p) => Object.getOwnPropertyNames(p).toSorted());

describe('fuzzed frames (fast-check, fixed seed): the server answers each with a well-formed envelope and stays up', () => {
  let t: TestApp;
  let session: FuzzSession;
  const protoBefore = prototypeKeys();

  beforeAll(async () => {
    t = await createTestApp(
      {
        // Every fuzzed frame is followed by a system.ping sentinel: neither limit may get in the way of the fuzzing.
        rateLimitMessagesPerWindow: 100_000_000,
        rateLimitControlPerSecond: 1_000_000,
        rateLimitConnectionsPerWindow: 1_000_000,
        maxTopicsPerClient: 100_000,
        handlerTimeout: 5,
      },
      { providers: [ReliabilityHandlers] },
    );
    session = await FuzzSession.open(`${t.ws}/ws`);
  });
  afterAll(async () => {
    session?.close();
    await t?.close();
  });

  /** Sends one frame and checks every answer that came back by the sentinel (late answers are checked by the next exchange). */
  const check = async (frame: string | Buffer, binary = false) => {
    const replies = await session.exchange(frame, binary);
    return replies.map(expectEnvelope);
  };

  it('random text: arbitrary strings (lone surrogates included), JSON of any shape, and bare JSON values', async () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.string({ unit: 'grapheme', maxLength: 200 }),
      fc.json({ maxDepth: 6 }),
      fc.constantFrom('', ' ', 'null', 'true', '0', '[]', '{}', '"x"', '{"type":""}', '{"type":null}', '{"type":"echo"', '\u0000'),
    );
    await fc.assert(
      fc.asyncProperty(text, async (frame) => {
        await check(frame);
      }),
      { seed: SEED, numRuns: 1200 },
    );
    await session.expectAtMostOneAnswerPerFrame();
  });

  it('envelopes with the wrong type in every field, for known and unknown message types', async () => {
    const anyJson = fc.jsonValue({ maxDepth: 4 });
    const envelope = fc.record(
      {
        type: fc.oneof(fc.constantFrom(...KNOWN_TYPES), anyJson, fc.string({ maxLength: 300 })),
        content: anyJson,
        meta: fc.oneof(anyJson, fc.record({ id: anyJson, topic: anyJson, ping_id: anyJson }, { requiredKeys: [] })),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(envelope, async (message) => {
        const replies = await check(JSON.stringify(message));
        const id = (message.meta as { id?: unknown } | undefined)?.id;
        // A string or number id comes back on whatever answers the message.
        // (Replies that came with this exchange belong to it, unless a late DTO answer of an earlier frame is among them.)
        const own = replies.filter((r) => r.type !== 'typed' && r.meta.original_type !== 'typed');
        if (own.length === 1 && message.type !== 'typed' && (typeof id === 'string' || typeof id === 'number')) {
          expect(own[0].meta.id).toEqual(id);
        }
      }),
      { seed: SEED + 1, numRuns: 1200 },
    );
    await session.expectAtMostOneAnswerPerFrame();
  });

  it('hostile values: huge strings, deep nesting, number and unicode edge cases, prototype keys (plain and escaped), near-miss DTOs', async () => {
    const number = fc.oneof(
      fc.double(),
      fc.constantFrom('1e309', '-0', '1e-400', '123456789012345678901234567890', '0.1e1', '-1', '9007199254740993'),
    );
    const hostile = fc.oneof(
      fc.integer({ min: 1, max: 60 }).map((depth) => `{"type":"echo","content":${'['.repeat(depth)}${']'.repeat(depth)}}`),
      fc.integer({ min: 1, max: 60 }).map((depth) => `{"type":"merge","content":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`),
      fc.integer({ min: 1_000, max: 60_000 }).map((n) => JSON.stringify({ type: 'echo', content: 'x'.repeat(n) })),
      fc.integer({ min: 1, max: 60_000 }).map((n) => `{"type":"${'t'.repeat(Math.min(n, 1000))}"}`),
      number.map((n) => `{"type":"echo","content":${typeof n === 'number' ? JSON.stringify(n) : n}}`),
      fc.string({ unit: 'binary', maxLength: 50 }).map((s) => JSON.stringify({ type: 'echo', content: s, meta: { id: s } })),
      fc
        .constantFrom('__proto__', 'constructor', 'prototype')
        .chain((key) =>
          fc.constantFrom(
            `{"type":"merge","content":{"${key}":{"polluted":true}}}`,
            `{"type":"merge","content":{"a":{"${key}":{"polluted":true}}}}`,
            `{"type":"merge","content":{"constructor":{"prototype":{"polluted":true}}}}`,
            `{"type":"echo","content":{"${key}":1},"meta":{"${key}":{"polluted":true}}}`,
            `{"${key}":{"type":"echo"},"type":"echo"}`,
          ),
        ),
      escapedKey.chain((key) =>
        fc.constantFrom(
          `{"type":"merge","content":{"${key}":{"polluted":true}}}`,
          `{"type":"merge","content":{"a":[{"b":{"${key}":{"polluted":true}}}]}}`,
          `{"type":"echo","content":1,"meta":{"${key}":{"polluted":true}}}`,
          `{"type":"merge","content":{"${key}":{"${key}":{"polluted":true}}},"meta":{"x":{"${key}":{"polluted":true}}}}`,
        ),
      ),
      fc
        .record({ name: fc.jsonValue({ maxDepth: 2 }), count: fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.integer()) }, { requiredKeys: [] })
        .map((content) => JSON.stringify({ type: 'typed', content })),
    );
    await fc.assert(
      fc.asyncProperty(hostile, async (frame) => {
        await check(frame);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { seed: SEED + 2, numRuns: 600 },
    );
    await session.expectAtMostOneAnswerPerFrame();
    expect(prototypeKeys()).toEqual(protoBefore);
  });

  it('binary frames of random bytes get unsupported_binary', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async (bytes) => {
        const replies = await check(Buffer.from(bytes), true);
        expect(replies.map((r) => r.meta.code)).toEqual(['unsupported_binary']);
      }),
      { seed: SEED + 3, numRuns: 200 },
    );
  });

  it('random bytes as text: valid UTF-8 is answered, invalid UTF-8 closes with 1007 and nothing else is touched', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 64 }), async (bytes) => {
        const frame = Buffer.from(bytes);
        if (isUtf8(frame)) {
          await check(frame);
          return;
        }
        const own = await FuzzSession.open(`${t.ws}/ws`);
        own.socket.send(frame, { binary: false });
        expect((await own.closed).code).toBe(1007);
      }),
      { seed: SEED + 4, numRuns: 60 },
    );
  });

  it('after all of it: the fuzzed connection is still open, a new client is served, and no prototype changed', async () => {
    expect(session.socket.readyState).toBe(WebSocket.OPEN);
    const fresh = await FuzzSession.open(`${t.ws}/ws`);
    const [reply] = await fresh.exchange('{"type":"echo","content":"still here","meta":{"id":1}}');
    expect(JSON.parse(reply)).toMatchObject({ type: 'echo', content: 'still here', meta: { id: 1 } });
    fresh.close();
    expect(prototypeKeys()).toEqual(protoBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
