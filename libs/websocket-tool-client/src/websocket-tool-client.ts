import { backoffDelay, retryAfterDelay } from './backoff.js';
import { buildUrl, type LocationLike } from './build-url.js';
import type { ClientState, ClientStateEvent, ClientStats } from './client-state.interface.js';
import type { CloseInfo, WebSocketToolClientOptions } from './client-options.interface.js';
import { HandlerRegistry } from './handler-registry.js';
import { handshakeParams } from './handshake-params.js';
import { watchHandshakeRefusal, type HandshakeRefusal } from './handshake-refusal.js';
import { isPlainObject } from './is-plain-object.js';
import { LivenessMonitor } from './liveness-monitor.js';
import { loadWebSocket, type LoadedWebSocket } from './load-websocket.js';
import type { MessageHandler, MessageMap, Unsubscribe, WsMessage, WsOutgoingMessage } from './message.interface.js';
import { OfflineQueue, type DropReason } from './offline-queue.js';
import { parseMessage } from './parse-message.js';
import { PendingRequests, type PendingRequest } from './pending-requests.js';
import { ClientCloseCode, SystemMessageType, TASK_TOPIC_PREFIX } from './protocol/index.js';
import { RateLimitGate } from './rate-limit-gate.js';
import { WsRequestError, WsRequestFailedError } from './request-errors.js';
import { resolveClientOptions, type ResolvedClientOptions } from './resolve-client-options.js';
import { TopicSubscriptions, type Waiter } from './topic-subscriptions.js';
import { OPEN, type SocketCloseEvent, type SocketMessageEvent, type WebSocketLike } from './websocket-like.interface.js';

/** What `send()` did with a message. @publicApi */
export type SendOutcome = 'sent' | 'queued' | 'dropped';

/** Options of one `request()`. @publicApi */
export interface RequestOptions {
  /** Extra `meta` fields; `meta.id` is set by the client. */
  meta?: Record<string, unknown>;
  /** Overrides the client's `requestTimeoutMs`. */
  timeoutMs?: number;
}

/** A message waiting in the offline queue; serialized when it was sent, so a bad one fails at the call. */
interface QueuedMessage {
  json: string;
  message: WsOutgoingMessage;
  request?: PendingRequest;
}

/** The content type handlers of `K` receive: from the message map, `unknown` for `'*'` and unmapped types. */
type ContentOf<TIn extends MessageMap, K extends string> = K extends '*' ? unknown : K extends keyof TIn ? TIn[K] : unknown;

const asNumber = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/**
 * A client for WebSocketTool servers, in browsers (native WebSocket) and in
 * Node (`ws`). It reconnects forever with jittered exponential backoff
 * (in Node it waits out the `Retry-After` of a refused handshake instead),
 * re-subscribes its topics, queues messages while offline, answers the
 * server's pings, notices dead connections, and holds sends while the server
 * rate-limits it.
 *
 * @example
 * ```ts
 * const client = new WebSocketToolClient('wss://example.com/ws', { clientId: 'alice' });
 * client.on('chat.message', (m) => render(m.content));
 * await client.subscribe('room:lobby');
 * const reply = await client.request('echo', { hello: 'world' });
 * ```
 * @publicApi
 */
export class WebSocketToolClient<TIn extends MessageMap = MessageMap> {
  private readonly options: ResolvedClientOptions;
  private readonly handlers: HandlerRegistry;
  private readonly stateListeners = new Set<(event: ClientStateEvent) => void>();
  private readonly queue: OfflineQueue<QueuedMessage>;
  private readonly gate = new RateLimitGate();
  private readonly monitor: LivenessMonitor;
  private readonly pending: PendingRequests;
  private readonly subscriptions = new TopicSubscriptions();
  private openWaiters: Waiter[] = [];
  private socket: WebSocketLike | null = null;
  private generation = 0;
  private currentState: ClientState = 'idle';
  private stopped = false;
  private attempt = 0;
  /** Step of the exponential backoff: failures in a row that came without a `Retry-After`. */
  private backoffStep = 0;
  /** Handshakes refused with `Retry-After` in a row; widens the jitter after each. */
  private refusals = 0;
  /** What the server answered the current handshake with, if it refused it with an HTTP status. */
  private refusal: HandshakeRefusal | null = null;
  private connects = 0;
  private droppedCount = 0;
  private reconnectTimer: unknown = null;
  private drainTimer: unknown = null;
  private loaded: LoadedWebSocket | null = null;
  private readonly idPrefix = Math.random().toString(36).slice(2, 8) + '-';
  private sequence = 0;
  private serverClientId: string | null = null;

  /** Round-trip time of the last answered ping, in milliseconds. */
  rttMs: number | null = null;

  /**
   * @param url - `ws://` or `wss://` URL of the server's endpoint (`http(s)://` works too; in a
   *   browser a path such as `/ws` is resolved against the page)
   */
  constructor(
    readonly url: string,
    options: WebSocketToolClientOptions = {},
  ) {
    this.options = resolveClientOptions(options);
    buildUrl(url, {}, this.location());
    this.pending = new PendingRequests(this.options.clock);
    this.handlers = new HandlerRegistry((error, message) => this.reportHandlerError(error, message));
    this.queue = new OfflineQueue<QueuedMessage>(this.options.offlineQueueSize, this.options.offlineDropPolicy, (item, reason) =>
      this.onQueueDrop(item, reason),
    );
    this.monitor = new LivenessMonitor(
      this.options.clock,
      this.options.deadConnectionTimeoutMs,
      this.options.pingIntervalMs,
      () => this.onDead(),
      () => void this.ping().catch(() => undefined),
    );
    // On the next microtask, so state listeners added right after construction see `connecting` too.
    if (this.options.autoConnect) {
      void Promise.resolve().then(() => {
        if (this.currentState === 'idle' && !this.stopped) this.connect();
      });
    }
  }

  /** The connection state. */
  get state(): ClientState {
    return this.currentState;
  }

  /** The client id: the configured one, or the anonymous id the server assigned on connect. */
  get clientId(): string | null {
    return this.options.clientId ?? this.serverClientId;
  }

  /** Topics the client holds; they are subscribed again after every reconnect. */
  get topics(): string[] {
    return this.subscriptions.names();
  }

  stats(): ClientStats {
    const now = this.options.clock.now();
    return {
      state: this.currentState,
      rttMs: this.rttMs,
      connects: this.connects,
      attempt: this.attempt,
      queued: this.queue.size,
      dropped: this.droppedCount,
      pendingRequests: this.pending.size,
      rateLimitedUntil: this.gate.heldUntil(now),
      topics: this.topics,
    };
  }

  /**
   * Starts connecting (the constructor does it unless `autoConnect: false`).
   * While waiting for a reconnect it retries at once; after `close()` it
   * starts again.
   */
  connect(): void {
    if (this.currentState === 'open' || this.currentState === 'connecting') return;
    if (this.reconnectTimer !== null) {
      this.options.clock.clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
    }
    this.stopped = false;
    void this.openSocket();
  }

  /** Resolves once the connection is open (at once if it is), rejects if the client stops first or after `timeoutMs`. */
  whenOpen(timeoutMs?: number): Promise<void> {
    if (this.currentState === 'open') return Promise.resolve();
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

  /**
   * Closes the connection and stops reconnecting. Queued messages are dropped
   * (reported to `onDrop`) and pending requests rejected. Resolves once the
   * socket has closed (or after a second).
   */
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
    if (this.currentState !== 'closed') {
      this.setState({ state: 'closed', code: ClientCloseCode.Normal.code, reason: ClientCloseCode.Normal.reason, willReconnect: false });
    }
    this.finish('closed', 'The client was closed.');
    return closed;
  }

  /**
   * Listens for messages of one type, or of every type with `'*'`. Many
   * handlers per type are allowed; each runs isolated, so one that throws does
   * not stop the others. System messages (`system.*`) are delivered too,
   * after the client has handled them.
   */
  on<K extends (keyof TIn & string) | '*'>(type: K, handler: MessageHandler<ContentOf<TIn, K>>): Unsubscribe {
    return this.handlers.add(type, handler as MessageHandler, false);
  }

  /** Like `on`, for the next matching message only. */
  once<K extends (keyof TIn & string) | '*'>(type: K, handler: MessageHandler<ContentOf<TIn, K>>): Unsubscribe {
    return this.handlers.add(type, handler as MessageHandler, true);
  }

  /** Removes one handler, or every handler of the type. */
  off<K extends (keyof TIn & string) | '*'>(type: K, handler?: MessageHandler<ContentOf<TIn, K>>): void {
    this.handlers.remove(type, handler as MessageHandler | undefined);
  }

  /** Listens for connection state changes. */
  onState(listener: (event: ClientStateEvent) => void): Unsubscribe {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /**
   * Sends a message: at once when open, else into the offline queue (bounded;
   * see `offlineQueueSize`). While the server rate-limits the client, messages
   * wait in the queue too. Throws if the content cannot be serialized to JSON.
   */
  send(type: string, content?: unknown, meta?: Record<string, unknown>): SendOutcome {
    const message = this.outgoing(type, content, meta);
    const item: QueuedMessage = { json: this.serialize(message), message };
    if (this.stopped && this.currentState === 'closed') {
      this.onQueueDrop(item, 'closed');
      return 'dropped';
    }
    return this.enqueueOrWrite(item);
  }

  /**
   * Sends a message with a fresh `meta.id` and resolves with the server's
   * reply carrying the same id. Rejects with `WsRequestError` when the server
   * answers `system.error`, and with `WsRequestFailedError` on timeout,
   * connection loss after sending, `close()` or a drop from the offline queue.
   * A request the server refused as rate-limited is sent again once allowed.
   */
  request<TReply = unknown>(type: string, content?: unknown, options: RequestOptions = {}): Promise<WsMessage<TReply>> {
    const id = this.nextId();
    const message = this.outgoing(type, content, { ...options.meta, id });
    const json = this.serialize(message);
    if (this.stopped && this.currentState === 'closed') {
      return Promise.reject(new WsRequestFailedError('closed', 'The client is closed.'));
    }
    return this.track<TReply>(id, json, message, options.timeoutMs ?? this.options.requestTimeoutMs, true);
  }

  /**
   * Subscribes to a topic and keeps it: after every reconnect the client
   * subscribes again. Resolves when the server confirms (offline: after the
   * next connect); rejects with `WsRequestError` (`invalid_topic`,
   * `too_many_topics`) and then forgets the topic.
   */
  subscribe(topic: string): Promise<void> {
    if (typeof topic !== 'string' || topic.length === 0) return Promise.reject(new TypeError('A topic must be a non-empty string.'));
    if (this.stopped && this.currentState === 'closed') return Promise.reject(new WsRequestFailedError('closed', 'The client is closed.'));
    return new Promise((resolve, reject) => {
      if (this.subscriptions.add(topic, { resolve, reject }) && this.currentState === 'open') this.sendSubscribe(topic);
    });
  }

  /** Subscribes to the task monitor's topic `task:<taskId>` (progress, logs and outcome of that task). */
  subscribeTask(taskId: string): Promise<void> {
    return this.subscribe(TASK_TOPIC_PREFIX + taskId);
  }

  /** Unsubscribes from `task:<taskId>`. */
  unsubscribeTask(taskId: string): Promise<boolean> {
    return this.unsubscribe(TASK_TOPIC_PREFIX + taskId);
  }

  /** Forgets a topic; resolves with whether the server had it (false when offline). */
  async unsubscribe(topic: string): Promise<boolean> {
    this.subscriptions.remove(topic, new WsRequestFailedError('closed', `Unsubscribed from "${topic}" before it was confirmed.`));
    if (this.currentState !== 'open') return false;
    const reply = await this.systemRequest(SystemMessageType.Unsubscribe, { topic });
    return isPlainObject(reply.content) && reply.content.was_subscribed === true;
  }

  /** Sends a `system.ping` and resolves with the round-trip time in milliseconds. */
  async ping(): Promise<number> {
    const started = this.options.clock.now();
    await this.systemRequest(SystemMessageType.Ping, 'ping', { ping_id: this.nextId() });
    this.rttMs = this.options.clock.now() - started;
    return this.rttMs;
  }

  // ---- connection ----------------------------------------------------------------

  private async openSocket(): Promise<void> {
    const generation = ++this.generation;
    this.setState({ state: 'connecting', attempt: this.attempt });
    let socket: WebSocketLike;
    try {
      this.loaded ??= await loadWebSocket(this.options.WebSocket);
      const token = typeof this.options.token === 'function' ? await this.options.token() : this.options.token;
      if (generation !== this.generation) return;
      const { url, protocols, headers } = handshakeParams({
        url: this.url,
        clientId: this.options.clientId,
        token,
        tokenTransport: this.options.tokenTransport,
        protocols: this.options.protocols,
        supportsHeaders: this.loaded.supportsHeaders,
        location: this.location(),
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
    socket.addEventListener('message', (event) => this.onSocketMessage(generation, (event as SocketMessageEvent).data));
    socket.addEventListener('close', (event) => this.onSocketClose(generation, event as SocketCloseEvent));
    // Every failure is followed by a close event, which does the work; the listener keeps `ws` from throwing.
    socket.addEventListener('error', () => undefined);
  }

  private onSocketOpen(generation: number): void {
    if (generation !== this.generation) return;
    const attempt = this.attempt;
    this.attempt = 0;
    this.backoffStep = 0;
    this.refusals = 0;
    this.connects++;
    this.gate.reset();
    this.subscriptions.resetConfirmations();
    this.monitor.start();
    this.setState({ state: 'open', attempt });
    for (const topic of this.subscriptions.names()) this.sendSubscribe(topic);
    this.drain();
    const waiters = this.openWaiters;
    this.openWaiters = [];
    for (const waiter of waiters) waiter.resolve();
  }

  private onSocketClose(generation: number, event: CloseInfo): void {
    if (generation !== this.generation) return;
    const refusal = this.refusal;
    this.refusal = null;
    this.detach();
    this.pending.rejectSent(
      (request) =>
        new WsRequestFailedError(
          'connection_lost',
          `The connection closed (${event.code}) before the reply to "${request.message.type}" arrived.`,
        ),
    );
    const close = { code: event.code, reason: event.reason ?? '' };
    const willReconnect =
      !this.stopped && this.options.reconnect && this.attempt < this.options.maxReconnectAttempts && this.safeShouldReconnect(close);
    // Sends from a listener of this event must queue, not write to the dead socket.
    this.currentState = willReconnect ? 'reconnecting' : 'closed';
    this.emitState({ state: 'closed', ...close, willReconnect });
    if (!willReconnect) {
      this.stopped = true;
      this.finish('closed', `The connection closed (${close.code} ${close.reason}) and the client does not reconnect.`);
      return;
    }
    const delayMs = this.reconnectDelay(refusal);
    this.attempt++;
    const retryAt = this.options.clock.now() + delayMs;
    this.setState(
      refusal
        ? {
            state: 'reconnecting',
            attempt: this.attempt,
            delayMs,
            retryAt,
            handshakeStatus: refusal.status,
            retryAfterMs: refusal.retryAfterMs,
          }
        : { state: 'reconnecting', attempt: this.attempt, delayMs, retryAt },
    );
    this.reconnectTimer = this.options.clock.setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.stopped) void this.openSocket();
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

  private onDead(): void {
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

  /** Forgets the current socket: its late events are ignored from here on. */
  private detach(): void {
    this.generation++;
    this.socket = null;
    this.monitor.stop();
    if (this.drainTimer !== null) this.options.clock.clearTimeout(this.drainTimer);
    this.drainTimer = null;
  }

  /** The client stopped for good: reject everyone still waiting. */
  private finish(reason: 'closed', text: string): void {
    if (this.reconnectTimer !== null) this.options.clock.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.currentState = 'closed';
    this.queue.clear(reason);
    this.pending.rejectAll(new WsRequestFailedError(reason, text));
    this.subscriptions.rejectWaiters(new WsRequestFailedError(reason, text));
    const openWaiters = this.openWaiters;
    this.openWaiters = [];
    for (const waiter of openWaiters) waiter.reject(new WsRequestFailedError(reason, text));
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

  // ---- inbound -------------------------------------------------------------------

  private onSocketMessage(generation: number, data: unknown): void {
    if (generation !== this.generation) return;
    this.monitor.traffic();
    const message = parseMessage(data);
    if (typeof message === 'string') {
      this.options.logger.warn(message);
      return;
    }
    this.handleProtocol(message);
    this.handlers.dispatch(message);
  }

  private handleProtocol(message: WsMessage): void {
    const meta = message.meta;
    switch (message.type) {
      case SystemMessageType.Ping:
        this.writeDirect({ type: SystemMessageType.Pong, content: 'pong', meta: { ping_id: meta.ping_id ?? null } });
        break;
      case SystemMessageType.ClientConnected:
        if (typeof meta.client_id === 'string') this.serverClientId = meta.client_id;
        break;
      case SystemMessageType.RateLimited:
        this.gate.onRateLimited(this.options.clock.now(), {
          retryAfter: asNumber(meta.retry_after) ?? 1,
          limit: asNumber(meta.limit),
          window: asNumber(meta.window),
        });
        break;
    }
    const id = typeof meta.id === 'string' || typeof meta.id === 'number' ? String(meta.id) : undefined;
    const request = id === undefined ? undefined : this.pending.get(id);
    if (request) {
      if (message.type === SystemMessageType.RateLimited && request.queued) {
        // The server dropped it unprocessed: send it again, first, once allowed.
        request.sent = false;
        this.queue.unshift({ json: request.json, message: request.message, request });
      } else if (message.type === SystemMessageType.Error || message.type === SystemMessageType.RateLimited) {
        const code = typeof meta.code === 'string' ? meta.code : message.type === SystemMessageType.RateLimited ? 'rate_limited' : 'error';
        this.pending.reject(request.id, new WsRequestError(code, typeof message.content === 'string' ? message.content : code, meta));
      } else {
        this.pending.resolve(request.id, message);
      }
    }
    if (message.type === SystemMessageType.RateLimited) this.scheduleDrain();
  }

  // ---- outbound ------------------------------------------------------------------

  private outgoing(type: string, content: unknown, meta: Record<string, unknown> | undefined): WsOutgoingMessage {
    if (typeof type !== 'string' || type.length === 0) throw new TypeError('A message needs a non-empty string type.');
    if (meta !== undefined && !isPlainObject(meta)) throw new TypeError('A message meta must be a plain object.');
    return { type, content: content === undefined ? null : content, meta: meta ?? {} };
  }

  private serialize(message: WsOutgoingMessage): string {
    try {
      return JSON.stringify(message);
    } catch (error) {
      throw new TypeError(
        `The "${message.type}" message cannot be sent as JSON: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
        },
      );
    }
  }

  private isOpen(): boolean {
    return this.currentState === 'open' && this.socket !== null && this.socket.readyState === OPEN;
  }

  private enqueueOrWrite(item: QueuedMessage): SendOutcome {
    const now = this.options.clock.now();
    if (this.isOpen() && this.queue.size === 0 && this.gate.nextAllowedAt(now) <= now) {
      this.write(item);
      return 'sent';
    }
    const kept = this.queue.push(item);
    this.scheduleDrain();
    return kept ? 'queued' : 'dropped';
  }

  private write(item: QueuedMessage): void {
    (this.socket as WebSocketLike).send(item.json);
    this.gate.recordSend(this.options.clock.now());
    if (item.request) item.request.sent = true;
  }

  /** For protocol messages, exempt from the server's rate limit: written now or not at all. */
  private writeDirect(message: WsOutgoingMessage): boolean {
    if (!this.isOpen()) return false;
    (this.socket as WebSocketLike).send(this.serialize(message));
    return true;
  }

  private drain(): void {
    if (this.drainTimer !== null) this.options.clock.clearTimeout(this.drainTimer);
    this.drainTimer = null;
    while (this.isOpen() && this.queue.size > 0) {
      const now = this.options.clock.now();
      if (this.gate.nextAllowedAt(now) > now) {
        this.scheduleDrain();
        return;
      }
      this.write(this.queue.shift() as QueuedMessage);
    }
  }

  private scheduleDrain(): void {
    if (this.drainTimer !== null || !this.isOpen() || this.queue.size === 0) return;
    const now = this.options.clock.now();
    this.drainTimer = this.options.clock.setTimeout(
      () => {
        this.drainTimer = null;
        this.drain();
      },
      Math.max(0, this.gate.nextAllowedAt(now) - now),
    );
  }

  private track<TReply>(
    id: string,
    json: string,
    message: WsOutgoingMessage,
    timeoutMs: number,
    queued: boolean,
  ): Promise<WsMessage<TReply>> {
    const request: PendingRequest = { id, json, message, sent: false, queued };
    const reply = this.pending.add<TReply>(request, timeoutMs, () => {
      this.queue.remove((item) => item.request === request);
      return new WsRequestFailedError('timeout', `No reply to "${message.type}" within ${timeoutMs} ms.`);
    });
    if (queued) {
      this.enqueueOrWrite({ json, message, request });
    } else if (this.writeDirect(message)) {
      request.sent = true;
    } else {
      this.pending.reject(id, new WsRequestFailedError('connection_lost', `Cannot send "${message.type}": the connection is not open.`));
    }
    return reply;
  }

  private systemRequest(type: string, content: unknown, meta: Record<string, unknown> = {}): Promise<WsMessage> {
    const id = this.nextId();
    const message: WsOutgoingMessage = { type, content, meta: { ...meta, id } };
    return this.track(id, '', message, this.options.requestTimeoutMs, false);
  }

  private sendSubscribe(topic: string): void {
    this.systemRequest(SystemMessageType.Subscribe, { topic }).then(
      () => this.subscriptions.confirm(topic),
      (error: unknown) => {
        // A refusal is final; after a lost connection the next connect subscribes again.
        if (!(error instanceof WsRequestError) || !this.subscriptions.has(topic)) return;
        if (this.subscriptions.remove(topic, error) === 0) {
          this.options.logger.warn(`The server refused topic "${topic}" (${error.code}); it is no longer subscribed.`);
        }
      },
    );
  }

  private onQueueDrop(item: QueuedMessage, reason: DropReason): void {
    this.droppedCount++;
    if (item.request) {
      const error = new WsRequestFailedError(reason === 'closed' ? 'closed' : 'dropped', `"${item.message.type}" was dropped (${reason}).`);
      this.pending.reject(item.request.id, error);
    }
    try {
      this.options.onDrop?.(item.message, reason);
    } catch (error) {
      this.options.logger.error('The onDrop callback threw.', error);
    }
  }

  // ---- helpers -------------------------------------------------------------------

  private setState(event: ClientStateEvent): void {
    this.currentState = event.state;
    this.emitState(event);
  }

  private emitState(event: ClientStateEvent): void {
    for (const listener of Array.from(this.stateListeners)) {
      try {
        listener(event);
      } catch (error) {
        this.options.logger.error(`A state listener threw on "${event.state}".`, error);
      }
    }
  }

  private safeShouldReconnect(close: CloseInfo): boolean {
    try {
      return this.options.shouldReconnect(close);
    } catch (error) {
      this.options.logger.error('The shouldReconnect callback threw; reconnecting anyway.', error);
      return true;
    }
  }

  private reportHandlerError(error: unknown, message: WsMessage): void {
    if (this.options.onHandlerError) {
      try {
        this.options.onHandlerError(error, message);
        return;
      } catch (callbackError) {
        this.options.logger.error('The onHandlerError callback threw.', callbackError);
      }
    }
    this.options.logger.error(`A handler for "${message.type}" threw; the other handlers still ran.`, error);
  }

  private nextId(): string {
    return this.idPrefix + (++this.sequence).toString(36);
  }

  private location(): LocationLike | undefined {
    return (globalThis as { location?: LocationLike }).location;
  }
}
