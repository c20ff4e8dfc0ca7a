import { buildUrl } from './build-url.js';
import type { ClientState, ClientStateEvent, ClientStats } from './client-state.interface.js';
import type { CloseInfo, WebSocketToolClientOptions } from './client-options.interface.js';
import { Connection, pageLocation, type ConnectionEvents } from './connection.js';
import { HandlerRegistry } from './handler-registry.js';
import { LivenessMonitor } from './liveness-monitor.js';
import type { MessageHandler, MessageMap, Unsubscribe, WsMessage } from './message.interface.js';
import { Outbox, type QueuedMessage, type SendOutcome } from './outbox.js';
import { outgoingMessage, serializeMessage } from './outgoing-message.js';
import { parseMessage } from './parse-message.js';
import { PendingRequests } from './pending-requests.js';
import { SystemMessageType, TASK_TOPIC_PREFIX } from './protocol/index.js';
import { WsRequestFailedError } from './request-errors.js';
import { refreshTokenWhenExpiring } from './token-refresh.js';
import { Requests, type RequestOptions } from './requests.js';
import { ServerRequests, type RequestHandler } from './server-requests.js';
import { resolveClientOptions, type ResolvedClientOptions } from './resolve-client-options.js';
import { StateChannel } from './state-channel.js';
import type { ClientEventMap } from './topic-events.js';
import type { TopicPosition } from './topic-positions.js';
import { TopicDeltas } from './topic-deltas.js';
import { Topics, type SubscribeOptions } from './topics.js';

/**
 * The content type handlers of `K` receive: the client's own events first, then the message map,
 * `unknown` for `'*'` and unmapped types.
 */
type ContentOf<TIn extends MessageMap, K extends string> = K extends '*'
  ? unknown
  : K extends keyof ClientEventMap
    ? ClientEventMap[K]
    : K extends keyof TIn
      ? TIn[K]
      : unknown;

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
  private readonly states: StateChannel;
  private readonly handlers: HandlerRegistry;
  private readonly pending: PendingRequests;
  private readonly outbox: Outbox;
  private readonly requests: Requests;
  private readonly subscriptions: Topics;
  private readonly monitor: LivenessMonitor;
  private readonly serverRequests: ServerRequests;
  private readonly deltas: TopicDeltas;
  private readonly connection: Connection;
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
    buildUrl(url, {}, pageLocation());
    const { clock, logger } = this.options;
    this.states = new StateChannel(logger);
    this.pending = new PendingRequests(clock);
    this.handlers = new HandlerRegistry((error, message) => this.reportHandlerError(error, message));
    this.outbox = new Outbox(this.options, () => this.connection.openSocket(), this.pending);
    this.requests = new Requests(clock, this.options.requestTimeoutMs, this.pending, this.outbox);
    this.deltas = new TopicDeltas((message) => this.outbox.writeDirect(message));
    this.subscriptions = new Topics(this.requests, logger, this.deltas);
    this.serverRequests = new ServerRequests((message) => this.outbox.writeDirect(message));
    this.monitor = new LivenessMonitor(
      clock,
      this.options.deadConnectionTimeoutMs,
      this.options.pingIntervalMs,
      () => this.connection.dropDead(),
      () => void this.ping().catch(() => undefined),
    );
    this.connection = new Connection(url, this.options, this.states, this.connectionEvents());
    if (this.options.getToken) refreshTokenWhenExpiring(this, this.options.getToken, logger);
    // On the next microtask, so state listeners added right after construction see `connecting` too.
    if (this.options.autoConnect) {
      void Promise.resolve().then(() => {
        if (this.states.current === 'idle' && !this.connection.isStopped) this.connect();
      });
    }
  }

  /** The connection state. */
  get state(): ClientState {
    return this.states.current;
  }

  /** The client id: the configured one, or the anonymous id the server assigned on connect. */
  get clientId(): string | null {
    return this.options.clientId ?? this.serverClientId;
  }

  /** Topics the client holds; they are subscribed again after every reconnect. */
  get topics(): string[] {
    return this.subscriptions.names();
  }

  /**
   * The last position (`{ offset, epoch }`) the client saw in a topic it holds, which its next
   * resubscribe sends as `since`; null for a topic without history or not held.
   */
  topicPosition(topic: string): TopicPosition | null {
    return this.subscriptions.position(topic) ?? null;
  }

  /** Deltas rebuilt, and deltas that could not be (each replaced by the topic's last message in full). */
  get deltaStats(): { rebuilt: number; mismatched: number } {
    return { rebuilt: this.deltas.rebuilt, mismatched: this.deltas.mismatched };
  }

  stats(): ClientStats {
    const now = this.options.clock.now();
    return {
      state: this.states.current,
      rttMs: this.rttMs,
      connects: this.connection.connects,
      attempt: this.connection.attempt,
      queued: this.outbox.size,
      dropped: this.outbox.dropped,
      pendingRequests: this.pending.size,
      rateLimitedUntil: this.outbox.heldUntil(now),
      topics: this.topics,
    };
  }

  /**
   * Starts connecting (the constructor does it unless `autoConnect: false`).
   * While waiting for a reconnect it retries at once; after `close()` it
   * starts again.
   */
  connect(): void {
    this.connection.connect();
  }

  /** Resolves once the connection is open (at once if it is), rejects if the client stops first or after `timeoutMs`. */
  whenOpen(timeoutMs?: number): Promise<void> {
    return this.connection.whenOpen(timeoutMs);
  }

  /**
   * Closes the connection and stops reconnecting. Queued messages are dropped
   * (reported to `onDrop`) and pending requests rejected. Resolves once the
   * socket has closed (or after a second).
   */
  close(): Promise<void> {
    return this.connection.close();
  }

  /**
   * Listens for messages of one type, or of every type with `'*'`. Many
   * handlers per type are allowed; each runs isolated, so one that throws does
   * not stop the others. System messages (`system.*`) are delivered too,
   * after the client has handled them. The client's own events come the same
   * way: `topic.recovered` and `topic.gap` after a resubscribe with `since`
   * (see `ClientEventMap`).
   */
  on<K extends (keyof TIn & string) | keyof ClientEventMap | '*'>(type: K, handler: MessageHandler<ContentOf<TIn, K>>): Unsubscribe {
    return this.handlers.add(type, handler as MessageHandler, false);
  }

  /** Like `on`, for the next matching message only. */
  once<K extends (keyof TIn & string) | keyof ClientEventMap | '*'>(type: K, handler: MessageHandler<ContentOf<TIn, K>>): Unsubscribe {
    return this.handlers.add(type, handler as MessageHandler, true);
  }

  /** Removes one handler, or every handler of the type. */
  off<K extends (keyof TIn & string) | keyof ClientEventMap | '*'>(type: K, handler?: MessageHandler<ContentOf<TIn, K>>): void {
    this.handlers.remove(type, handler as MessageHandler | undefined);
  }

  /**
   * Answers the server's requests of one type (`BroadcastService.request`): the handler's return value
   * (or what its promise resolves with) is the reply; a throw goes back as an error. One handler per
   * type: a later one replaces the earlier. Messages the server wants acknowledged are acknowledged by
   * the client itself, once the `on` handlers have seen them.
   */
  handle<K extends (keyof TIn & string) | (string & {}), TReply = unknown>(
    type: K,
    handler: RequestHandler<K extends keyof TIn ? TIn[K] : unknown, TReply>,
  ): Unsubscribe {
    return this.serverRequests.handle(type, handler as RequestHandler);
  }

  /** Listens for connection state changes. */
  onState(listener: (event: ClientStateEvent) => void): Unsubscribe {
    return this.states.listen(listener);
  }

  /**
   * Sends a message: at once when open, else into the offline queue (bounded;
   * see `offlineQueueSize`). While the server rate-limits the client, messages
   * wait in the queue too. Throws if the content cannot be serialized to JSON.
   */
  send(type: string, content?: unknown, meta?: Record<string, unknown>): SendOutcome {
    const message = outgoingMessage(type, content, meta);
    const item: QueuedMessage = { json: serializeMessage(message), message };
    if (this.connection.closed) {
      this.outbox.drop(item, 'closed');
      return 'dropped';
    }
    return this.outbox.send(item);
  }

  /**
   * Sends a message with a fresh `meta.id` and resolves with the server's
   * reply carrying the same id. Rejects with `WsRequestError` when the server
   * answers `system.error`, and with `WsRequestFailedError` on timeout,
   * connection loss after sending, `close()` or a drop from the offline queue.
   * A request the server refused as rate-limited is sent again once allowed.
   */
  request<TReply = unknown>(type: string, content?: unknown, options: RequestOptions = {}): Promise<WsMessage<TReply>> {
    const id = this.requests.nextId();
    const message = outgoingMessage(type, content, { ...options.meta, id });
    const json = serializeMessage(message);
    if (this.connection.closed) {
      return Promise.reject(new WsRequestFailedError('closed', 'The client is closed.'));
    }
    return this.requests.track<TReply>(id, json, message, options.timeoutMs ?? this.options.requestTimeoutMs, true);
  }

  /**
   * Subscribes to a topic and keeps it: after every reconnect the client
   * subscribes again, with `since` set to the last position it saw when the
   * topic keeps history (then `topic.recovered` or `topic.gap` follows).
   * Resolves when the server confirms (offline: after the next connect);
   * rejects with `WsRequestError` (`invalid_topic`, `too_many_topics`) and
   * then forgets the topic. With `delta: true`, a topic with deltas on the server
   * sends each message as a delta the client rebuilds and checks; handlers see
   * the whole message either way.
   */
  subscribe(topic: string, options: SubscribeOptions = {}): Promise<void> {
    if (typeof topic !== 'string' || topic.length === 0) return Promise.reject(new TypeError('A topic must be a non-empty string.'));
    if (this.connection.closed) return Promise.reject(new WsRequestFailedError('closed', 'The client is closed.'));
    return this.subscriptions.subscribe(topic, this.states.current === 'open', options);
  }

  /** Subscribes to the task monitor's topic `task:<taskId>` (progress, logs and outcome of that task). */
  subscribeTask(taskId: string): Promise<void> {
    return this.subscribe(TASK_TOPIC_PREFIX + taskId);
  }

  /** Unsubscribes from `task:<taskId>`. */
  unsubscribeTask(taskId: string): Promise<boolean> {
    return this.unsubscribe(TASK_TOPIC_PREFIX + taskId);
  }

  /** Forgets a topic and its position; resolves with whether the server had it (false when offline). */
  unsubscribe(topic: string): Promise<boolean> {
    return this.subscriptions.unsubscribe(topic, this.states.current === 'open');
  }

  /** Sends a `system.ping` and resolves with the round-trip time in milliseconds. */
  async ping(): Promise<number> {
    const started = this.options.clock.now();
    await this.requests.system(SystemMessageType.Ping, 'ping', { ping_id: this.requests.nextId() });
    this.rttMs = this.options.clock.now() - started;
    return this.rttMs;
  }

  private connectionEvents(): ConnectionEvents {
    return {
      opened: (attempt) => {
        this.outbox.resetLimit();
        this.subscriptions.resetConfirmations();
        this.deltas.restart();
        this.monitor.start();
        this.states.set({ state: 'open', attempt });
        this.subscriptions.resubscribe();
        this.outbox.drain();
      },
      message: (data) => this.onMessage(data),
      lost: (close: CloseInfo) =>
        this.pending.rejectSent(
          (request) =>
            new WsRequestFailedError(
              'connection_lost',
              `The connection closed (${close.code}) before the reply to "${request.message.type}" arrived.`,
            ),
        ),
      detached: () => {
        this.monitor.stop();
        this.outbox.onDetach();
      },
      stopped: (text) => {
        this.outbox.clear('closed');
        this.pending.rejectAll(new WsRequestFailedError('closed', text));
        this.subscriptions.rejectWaiters(new WsRequestFailedError('closed', text));
      },
    };
  }

  private onMessage(data: unknown): void {
    this.monitor.traffic();
    const message = parseMessage(data);
    if (typeof message === 'string') {
      this.options.logger.warn(message);
      return;
    }
    if (message.type === SystemMessageType.Delta) {
      const text = this.deltas.rebuild(message);
      if (text !== null) this.onMessage(text);
      return;
    }
    this.deltas.observe(data as string, message);
    const topicEvent = this.subscriptions.observe(message);
    this.handleProtocol(message);
    this.handlers.dispatch(message);
    this.serverRequests.answer(message);
    if (topicEvent) this.handlers.dispatch(topicEvent);
  }

  /** What the client itself does with a message before the handlers see it. */
  private handleProtocol(message: WsMessage): void {
    const meta = message.meta;
    switch (message.type) {
      case SystemMessageType.Ping:
        this.outbox.writeDirect({ type: SystemMessageType.Pong, content: 'pong', meta: { ping_id: meta.ping_id ?? null } });
        break;
      case SystemMessageType.ClientConnected:
        if (typeof meta.client_id === 'string') this.serverClientId = meta.client_id;
        break;
      case SystemMessageType.RateLimited:
        this.outbox.onRateLimited(this.options.clock.now(), {
          retryAfter: asNumber(meta.retry_after) ?? 1,
          limit: asNumber(meta.limit),
          window: asNumber(meta.window),
        });
        break;
    }
    this.requests.settle(message);
    if (message.type === SystemMessageType.RateLimited) this.outbox.scheduleDrain();
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
}
