import { backoffDelay, retryAfterDelay } from './backoff.js';
import type { LocationLike } from './build-url.js';
import type { CloseInfo } from './client-options.interface.js';
import { handshakeParams } from './handshake-params.js';
import { watchHandshakeRefusal, type HandshakeRefusal } from './handshake-refusal.js';
import { loadWebSocket, type LoadedWebSocket } from './load-websocket.js';
import { ClientCloseCode } from './protocol/index.js';
import { WsRequestFailedError } from './request-errors.js';
import type { ResolvedClientOptions } from './resolve-client-options.js';
import type { StateChannel } from './state-channel.js';
import type { Waiter } from './topic-subscriptions.js';
import { OPEN, type SocketCloseEvent, type SocketMessageEvent, type WebSocketLike } from './websocket-like.interface.js';

/** What the connection tells the client. Each runs only for the current socket. */
export interface ConnectionEvents {
  /** The socket opened after `attempt` failed attempts; the client moves to `open`. */
  opened(attempt: number): void;
  /** A frame arrived. */
  message(data: unknown): void;
  /** The socket closed, before the client decides whether to reconnect. */
  lost(close: CloseInfo): void;
  /** The socket is forgotten (closed, replaced or the client stopped): its timers must stop. */
  detached(): void;
  /** The client stopped for good (`text` says why): reject everything still waiting. */
  stopped(text: string): void;
}

/** The page's location in a browser (to resolve a relative URL), undefined in Node. */
export const pageLocation = (): LocationLike | undefined => (globalThis as { location?: LocationLike }).location;

/**
 * One socket at a time and the reconnect loop around it: the handshake (token,
 * client id, `ws` headers), backoff or the server's `Retry-After` between
 * attempts, the reconnect decision after a close, and `whenOpen` waiters.
 * Events of a replaced socket are ignored (each socket has a generation).
 */
export class Connection {
  private socket: WebSocketLike | null = null;
  private generation = 0;
  private stopped = false;
  private openWaiters: Waiter[] = [];
  /** Failed attempts in a row. */
  private attempts = 0;
  /** Step of the exponential backoff: failures in a row that came without a `Retry-After`. */
  private backoffStep = 0;
  /** Handshakes refused with `Retry-After` in a row; widens the jitter after each. */
  private refusals = 0;
  /** What the server answered the current handshake with, if it refused it with an HTTP status. */
  private refusal: HandshakeRefusal | null = null;
  private connectCount = 0;
  private reconnectTimer: unknown = null;
  private loaded: LoadedWebSocket | null = null;

  constructor(
    private readonly url: string,
    private readonly options: ResolvedClientOptions,
    private readonly state: StateChannel,
    private readonly events: ConnectionEvents,
  ) {}

  /** Failed attempts in a row. */
  get attempt(): number {
    return this.attempts;
  }

  /** Connections opened so far. */
  get connects(): number {
    return this.connectCount;
  }

  /** True once the client stopped for good: sends are dropped, requests refused. */
  get closed(): boolean {
    return this.stopped && this.state.current === 'closed';
  }

  /** Whether the client stopped (`close()`, or no reconnect after a close). */
  get isStopped(): boolean {
    return this.stopped;
  }

  /** The socket if the connection is open, else null. */
  openSocket(): WebSocketLike | null {
    return this.state.current === 'open' && this.socket !== null && this.socket.readyState === OPEN ? this.socket : null;
  }

  connect(): void {
    if (this.state.current === 'open' || this.state.current === 'connecting') return;
    if (this.reconnectTimer !== null) {
      this.options.clock.clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
    }
    this.stopped = false;
    void this.open();
  }

  whenOpen(timeoutMs?: number): Promise<void> {
    if (this.state.current === 'open') return Promise.resolve();
    if (this.stopped) return Promise.reject(new WsRequestFailedError('closed', 'The client is closed.'));
    return new Promise((resolve, reject) => {
      const clock = this.options.clock;
      let timer: unknown = null;
      const waiter: Waiter = {
        resolve: () => {
          if (timer !== null) clock.clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          if (timer !== null) clock.clearTimeout(timer);
          reject(error);
        },
      };
      if (timeoutMs !== undefined) {
        timer = clock.setTimeout(() => {
          this.openWaiters = this.openWaiters.filter((w) => w !== waiter);
          reject(new WsRequestFailedError('timeout', `The connection did not open within ${timeoutMs} ms.`));
        }, timeoutMs);
      }
      this.openWaiters.push(waiter);
    });
  }

  close(): Promise<void> {
    this.stopped = true;
    const socket = this.socket;
    const closed = socket ? this.awaitSocketClose(socket) : Promise.resolve();
    // Also cancels a connect still waiting for its token or the WebSocket class.
    this.detach();
    if (socket) {
      try {
        socket.close(ClientCloseCode.Normal.code, ClientCloseCode.Normal.reason);
      } catch {
        // Already closing: the close event still comes.
      }
    }
    if (this.state.current !== 'closed') {
      this.state.set({ state: 'closed', code: ClientCloseCode.Normal.code, reason: ClientCloseCode.Normal.reason, willReconnect: false });
    }
    this.finish('The client was closed.');
    return closed;
  }

  /** Nothing arrived for too long: replace the connection as if it had closed. */
  dropDead(): void {
    const socket = this.socket;
    if (!socket) return;
    this.options.logger.warn(`Nothing arrived for ${this.options.deadConnectionTimeoutMs} ms; replacing the connection.`);
    this.onSocketClose(this.generation, ClientCloseCode.DeadConnection);
    try {
      if (socket.terminate) socket.terminate();
      else socket.close(ClientCloseCode.DeadConnection.code, ClientCloseCode.DeadConnection.reason);
    } catch {
      // The socket is gone either way.
    }
  }

  private async open(): Promise<void> {
    const generation = ++this.generation;
    this.state.set({ state: 'connecting', attempt: this.attempts });
    let socket: WebSocketLike;
    try {
      this.loaded ??= await loadWebSocket(this.options.WebSocket);
      const source = this.options.getToken ?? this.options.token;
      const token = typeof source === 'function' ? await source() : source;
      if (generation !== this.generation) return;
      const { url, protocols, headers } = handshakeParams({
        url: this.url,
        clientId: this.options.clientId,
        token,
        tokenTransport: this.options.tokenTransport,
        protocols: this.options.protocols,
        supportsHeaders: this.loaded.supportsHeaders,
        location: pageLocation(),
      });
      socket = headers ? new this.loaded.WebSocket(url, protocols, { headers }) : new this.loaded.WebSocket(url, protocols);
    } catch (error) {
      if (generation !== this.generation) return;
      this.options.logger.error('Could not start a connection.', error);
      this.onSocketClose(generation, {
        code: ClientCloseCode.Abnormal.code,
        reason: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    this.socket = socket;
    this.refusal = null;
    watchHandshakeRefusal(socket, (refusal) => {
      if (generation === this.generation) this.refusal = refusal;
    });
    socket.addEventListener('open', () => this.onSocketOpen(generation));
    socket.addEventListener('message', (event) => {
      if (generation === this.generation) this.events.message((event as SocketMessageEvent).data);
    });
    socket.addEventListener('close', (event) => this.onSocketClose(generation, event as SocketCloseEvent));
    // Every failure is followed by a close event, which does the work; the listener keeps `ws` from throwing.
    socket.addEventListener('error', () => undefined);
  }

  private onSocketOpen(generation: number): void {
    if (generation !== this.generation) return;
    const attempt = this.attempts;
    this.attempts = 0;
    this.backoffStep = 0;
    this.refusals = 0;
    this.connectCount++;
    this.events.opened(attempt);
    const waiters = this.openWaiters;
    this.openWaiters = [];
    for (const waiter of waiters) waiter.resolve();
  }

  private onSocketClose(generation: number, event: CloseInfo): void {
    if (generation !== this.generation) return;
    const refusal = this.refusal;
    this.refusal = null;
    this.detach();
    this.events.lost(event);
    const close = { code: event.code, reason: event.reason ?? '' };
    const willReconnect =
      !this.stopped && this.options.reconnect && this.attempts < this.options.maxReconnectAttempts && this.safeShouldReconnect(close);
    // Sends from a listener of this event must queue, not write to the dead socket.
    this.state.current = willReconnect ? 'reconnecting' : 'closed';
    this.state.emit({ state: 'closed', ...close, willReconnect });
    if (!willReconnect) {
      this.stopped = true;
      this.finish(`The connection closed (${close.code} ${close.reason}) and the client does not reconnect.`);
      return;
    }
    const delayMs = this.reconnectDelay(refusal);
    this.attempts++;
    const retryAt = this.options.clock.now() + delayMs;
    this.state.set(
      refusal
        ? {
            state: 'reconnecting',
            attempt: this.attempts,
            delayMs,
            retryAt,
            handshakeStatus: refusal.status,
            retryAfterMs: refusal.retryAfterMs,
          }
        : { state: 'reconnecting', attempt: this.attempts, delayMs, retryAt },
    );
    this.reconnectTimer = this.options.clock.setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.stopped) void this.open();
    }, delayMs);
  }

  /**
   * A refusal with `Retry-After` is waited out (plus jitter) and does not
   * grow the exponential backoff: the server is up and said when to come
   * back, so counting it as a failure would make clients sleep far past that.
   */
  private reconnectDelay(refusal: HandshakeRefusal | null): number {
    if (refusal && refusal.retryAfterMs !== null) {
      this.refusals++;
      return retryAfterDelay(refusal.retryAfterMs, this.refusals, this.options.backoff, this.options.random);
    }
    return backoffDelay(this.backoffStep++, this.options.backoff, this.options.random);
  }

  /** Forgets the current socket: its late events are ignored from here on. */
  private detach(): void {
    this.generation++;
    this.socket = null;
    this.events.detached();
  }

  /** The client stopped for good: reject everyone still waiting. */
  private finish(text: string): void {
    if (this.reconnectTimer !== null) this.options.clock.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.state.current = 'closed';
    this.events.stopped(text);
    const openWaiters = this.openWaiters;
    this.openWaiters = [];
    for (const waiter of openWaiters) waiter.reject(new WsRequestFailedError('closed', text));
  }

  private awaitSocketClose(socket: WebSocketLike): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.options.clock.setTimeout(resolve, 1000);
      socket.addEventListener('close', () => {
        this.options.clock.clearTimeout(timer);
        resolve();
      });
    });
  }

  private safeShouldReconnect(close: CloseInfo): boolean {
    try {
      return this.options.shouldReconnect(close);
    } catch (error) {
      this.options.logger.error('The shouldReconnect callback threw; reconnecting anyway.', error);
      return true;
    }
  }
}
