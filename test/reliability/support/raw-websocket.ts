import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** WebSocket opcodes (RFC 6455 §5.2). */
export const Opcode = { Continuation: 0x0, Text: 0x1, Binary: 0x2, Close: 0x8, Ping: 0x9, Pong: 0xa } as const;

/** One frame as the test wants to write it; every field can be wrong on purpose. */
export interface FrameSpec {
  opcode: number;
  payload?: Buffer | string;
  /** FIN bit. @default true */
  fin?: boolean;
  /** RSV1..3 as a 3-bit number. @default 0 */
  rsv?: number;
  /** Clients must mask; false writes an unmasked frame. @default true */
  mask?: boolean;
  /** Announce this payload length instead of the real one (oversize attacks). */
  declaredLength?: number;
}

/** A frame received from the server. */
export interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
  /** `Date.now()` when it was parsed. */
  at: number;
}

/** Encodes a frame exactly as specified, masking the payload unless told not to. */
export function encodeFrame(spec: FrameSpec): Buffer {
  const payload = typeof spec.payload === 'string' ? Buffer.from(spec.payload) : (spec.payload ?? Buffer.alloc(0));
  const length = spec.declaredLength ?? payload.length;
  const mask = spec.mask ?? true;
  const head: number[] = [((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | spec.opcode];
  const maskBit = mask ? 0x80 : 0;
  let extended: Buffer;
  if (length < 126) {
    head.push(maskBit | length);
    extended = Buffer.alloc(0);
  } else if (length < 0x10000) {
    head.push(maskBit | 126);
    extended = Buffer.alloc(2);
    extended.writeUInt16BE(length);
  } else {
    head.push(maskBit | 127);
    extended = Buffer.alloc(8);
    extended.writeBigUInt64BE(BigInt(length));
  }
  if (!mask) return Buffer.concat([Buffer.from(head), extended, payload]);
  const key = randomBytes(4);
  const masked = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) masked[i] = payload[i] ^ key[i & 3];
  return Buffer.concat([Buffer.from(head), extended, key, masked]);
}

/** A close frame payload: 2-byte code and a reason (any bytes). */
export function closePayload(code: number, reason: Buffer | string = ''): Buffer {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(code);
  return Buffer.concat([head, typeof reason === 'string' ? Buffer.from(reason) : reason]);
}

/** Incremental parser of the server's (unmasked) frames. */
class FrameReader {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const frames: Frame[] = [];
    const at = Date.now();
    for (;;) {
      const b = this.buffered;
      if (b.length < 2) break;
      let length = b[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (b.length < 4) break;
        length = b.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (b.length < 10) break;
        length = Number(b.readBigUInt64BE(2));
        offset = 10;
      }
      if (b.length < offset + length) break;
      frames.push({ fin: (b[0] & 0x80) !== 0, opcode: b[0] & 0x0f, payload: b.subarray(offset, offset + length), at });
      this.buffered = b.subarray(offset + length);
    }
    return frames;
  }
}

/** How a raw connection ended, as the client saw it. */
export interface RawClose {
  /** The close code of the server's close frame, or 1006 if the TCP connection ended without one. */
  code: number;
  reason: string;
  /** `Date.now()` when the close frame (or the end of the TCP stream) arrived. */
  at: number;
}

/** Options of a raw upgrade. */
export interface RawUpgradeOptions {
  path?: string;
  /** Extra request headers (e.g. `X-Forwarded-For`). */
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * A WebSocket client written by hand over a TCP socket, so a test can send
 * what no well-behaved library would: wrong bits, bad lengths, floods of
 * control frames, or nothing at all while never reading.
 */
export class RawWebSocket {
  readonly frames: Frame[] = [];
  /** Resolves with the server's close frame, or code 1006 when the stream ends without one. */
  readonly closed: Promise<RawClose>;
  /** Resolves when the TCP socket is fully closed (either side). */
  readonly socketClosed: Promise<number>;
  private readonly reader = new FrameReader();
  private resolveClosed!: (close: RawClose) => void;
  private waiters: Array<{ match: (f: Frame) => boolean; resolve: (f: Frame) => void }> = [];

  private constructor(readonly socket: Socket) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.socketClosed = new Promise((resolve) => socket.once('close', () => resolve(Date.now())));
    socket.on('end', () => this.resolveClosed({ code: 1006, reason: '', at: Date.now() }));
    socket.on('close', () => this.resolveClosed({ code: 1006, reason: '', at: Date.now() }));
  }

  /** Performs the upgrade by hand and returns once the server answered 101. */
  static open(port: number, options: RawUpgradeOptions = {}): Promise<RawWebSocket> {
    const path = options.path ?? '/ws';
    const extra = Object.entries(options.headers ?? {})
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    const request =
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`;
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      socket.setNoDelay(true);
      let head = Buffer.alloc(0);
      const timer = setTimeout(() => fail(new Error('upgrade timed out')), options.timeoutMs ?? 5000);
      const fail = (err: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(err);
      };
      const onData = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        socket.off('error', fail);
        clearTimeout(timer);
        const status = head.subarray(0, end).toString('latin1').split('\r\n')[0];
        if (!status.startsWith('HTTP/1.1 101 ')) {
          socket.destroy();
          reject(new Error(`upgrade refused: ${status}`));
          return;
        }
        const ws = new RawWebSocket(socket);
        socket.on('error', () => undefined);
        socket.on('data', (d: Buffer) => ws.onData(d));
        const rest = head.subarray(end + 4);
        if (rest.length > 0) ws.onData(rest);
        resolve(ws);
      };
      socket.on('data', onData);
      socket.once('error', fail);
      socket.once('connect', () => socket.write(request));
    });
  }

  private onData(chunk: Buffer): void {
    for (const frame of this.reader.push(chunk)) {
      this.frames.push(frame);
      if (frame.opcode === Opcode.Close) {
        const code = frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005;
        this.resolveClosed({ code, reason: frame.payload.subarray(2).toString('utf8'), at: Date.now() });
      }
      for (const waiter of this.waiters.filter((w) => w.match(frame))) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(frame);
      }
    }
  }

  /** The close, or a rejection if none came within `timeoutMs`. */
  closedWithin(timeoutMs: number): Promise<RawClose> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the server did not close the connection within ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([this.closed, timeout]).finally(() => clearTimeout(timer));
  }

  /** True once the server's close frame arrived. */
  get closeFrameReceived(): boolean {
    return this.frames.some((f) => f.opcode === Opcode.Close);
  }

  /** Writes one frame; resolves when the kernel took it (or the socket is gone). */
  send(spec: FrameSpec | Buffer): Promise<void> {
    const bytes = Buffer.isBuffer(spec) ? spec : encodeFrame(spec);
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.write(bytes, () => resolve());
    });
  }

  sendText(text: string): Promise<void> {
    return this.send({ opcode: Opcode.Text, payload: text });
  }

  /** Text frames received so far, parsed as JSON envelopes. */
  messages(): Array<{ type: string; content: unknown; meta: Record<string, unknown> }> {
    return this.frames.filter((f) => f.opcode === Opcode.Text).map((f) => JSON.parse(f.payload.toString('utf8')));
  }

  /** The next frame matching `match` (already received ones count). */
  next(match: (f: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    const already = this.frames.find(match);
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`no matching frame within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (f: Frame) => {
        clearTimeout(timer);
        resolve(f);
      };
      this.waiters.push({ match, resolve: done });
    });
  }

  /** The next text frame whose JSON has `meta.id === id`. */
  reply(id: string | number, timeoutMs = 5000): Promise<Frame> {
    return this.next((f) => f.opcode === Opcode.Text && JSON.parse(f.payload.toString('utf8')).meta?.id === id, timeoutMs);
  }

  /** Stops reading: from now on the server's writes pile up in the kernel and then in the server. */
  stopReading(): void {
    this.socket.pause();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** What an HTTP exchange over a raw socket produced. */
export interface RawHttpResult {
  /** Status code of the response, or 0 if none arrived. */
  status: number;
  response: string;
  /** Milliseconds from connecting to the socket closing (or the time limit). */
  elapsedMs: number;
  /** True if the server closed the socket; false if the time limit did. */
  closedByServer: boolean;
}

/**
 * Sends raw request bytes (each chunk after `gapMs`) and collects the
 * response until the server closes the socket or `limitMs` passes.
 */
export function rawHttp(port: number, chunks: Array<string | Buffer>, limitMs: number, gapMs = 0): Promise<RawHttpResult> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let response = '';
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const done = (closedByServer: boolean) => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      socket.destroy();
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(response);
      resolve({ status: match ? Number(match[1]) : 0, response, elapsedMs: Date.now() - started, closedByServer });
    };
    socket.on('data', (d) => (response += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => done(true));
    socket.on('connect', () => {
      chunks.forEach((chunk, i) => {
        const write = () => {
          if (!socket.destroyed) socket.write(chunk);
        };
        if (gapMs === 0 || i === 0) write();
        else timers.push(setTimeout(write, gapMs * i));
      });
    });
    timers.push(setTimeout(() => done(false), limitMs));
  });
}
