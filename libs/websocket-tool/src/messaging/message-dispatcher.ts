import { HttpException, Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import { plainToInstance } from 'class-transformer';
import { isObservable, lastValueFrom } from 'rxjs';
import type { WsClient } from '../connection/ws-client.interface.js';
import { validate, type ValidationError } from 'class-validator';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import type { ClientConnection } from '../connection/client-connection.js';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import { OutboundFrame } from '../outbound/outbound-frame.js';
import type { EnqueueOutcome } from '../outbound/enqueue-result.js';
import { OutboundQueue } from '../outbound/outbound-queue.js';
import { CloseCode } from '../protocol/close-codes.js';
import type { WsInboundMessage, WsOutboundMessage } from '../protocol/envelope.interface.js';
import { WsErrorCode } from '../protocol/error-codes.js';
import { exceedsJsonDepth, stripDangerousKeys } from '../protocol/json-guards.js';
import { LEGACY_PONG_TYPE, SystemMessageType } from '../protocol/message-types.js';
import { serializeEnvelope } from '../protocol/serialize-envelope.js';
import { TokenBucket } from '../rate-limit/token-bucket.js';
import { WsStatsService } from '../stats/ws-stats.service.js';
import { RESERVED_TYPE_PREFIX, WEBSOCKET_TOOL_MODULE_OPTIONS, WEBSOCKET_TOOL_SETTINGS } from '../websocket-tool.constants.js';
import type { WebSocketToolModuleOptions } from '../config/websocket-tool-module-options.interface.js';
import { isValidTopic } from '../connection/topic-name.js';
import { handlerFailedMessage } from '../websocket-tool.messages.js';
import { WsHandlerRegistry, type HandlerEntry } from './ws-handler-registry.js';
import type { WsMessageContext } from './ws-message-context.js';

const MAX_TYPE_LENGTH = 200;
/**
 * Longest client-chosen string the server sends back: `meta.id` (in every
 * reply) and `meta.ping_id` (in `system.pong`). Anything longer is refused,
 * so a client that never reads cannot make the server hold copies of large
 * strings it chose.
 */
const MAX_ECHOED_LENGTH = 128;
const isEchoable = (value: unknown): boolean =>
  value === undefined || value === null || typeof value === 'number' || (typeof value === 'string' && value.length <= MAX_ECHOED_LENGTH);
/** Keep-alive messages: free of the message limit, bounded by `rateLimitControlPerSecond`. */
const CONTROL_TYPES: ReadonlySet<string> = new Set([
  SystemMessageType.Ping,
  SystemMessageType.Pong,
  SystemMessageType.Heartbeat,
  LEGACY_PONG_TYPE,
]);
/**
 * Frames of one connection handled in a row before the event loop serves the
 * others. `ws` emits every frame of a TCP read at once: a client pipelining
 * a few thousand requests within its rate limit would otherwise hold the loop
 * for tens of milliseconds while everyone else waits.
 */
const FRAMES_PER_TURN = 64;
/**
 * Bytes of one connection handled in a row, likewise. libuv reads up to 32
 * chunks of 64 KiB from a socket in one go: eight clients pipelining 60 KB
 * frames held the loop for 50 ms with a count alone.
 */
const BYTES_PER_TURN = 128 * 1024;
/**
 * Bytes read from a peer after the server closed it, before its socket is no
 * longer read. A client that stops sending when it gets the close frame (or
 * had a few small frames in flight) completes the close handshake at once.
 */
const BYTES_AFTER_CLOSE = 1024 * 1024;
type Correlation = string | number | undefined;
type InboundData = Buffer | ArrayBuffer | Buffer[];

/** Frames a connection sent past its turn, handled on the next turns in order. */
interface Backlog {
  frames: Array<{ data: InboundData; isBinary: boolean }>;
  head: number;
}

/** A handler call that has not settled yet, watched for `handlerTimeout`. */
interface InFlight {
  connection: ClientConnection;
  type: string;
  id: Correlation;
  deadline: number;
  timedOut: boolean;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const ENVELOPE_KEYS = new Set(['type', 'content', 'meta']);
const isEnvelope = (value: unknown): value is WsOutboundMessage =>
  isPlainObject(value) && typeof value.type === 'string' && Object.keys(value).every((k) => ENVELOPE_KEYS.has(k));

/**
 * Turns inbound frames into handler calls: parse, check, rate-limit, route,
 * validate, run (with Nest enhancers), reply. Every bad frame gets one
 * documented `system.error` and the connection stays open.
 *
 * @internal
 */
@Injectable()
export class MessageDispatcher implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('WebSocketTool');
  private readonly inFlight = new Set<InFlight>();
  private timeoutTimer: NodeJS.Timeout | null = null;
  private readonly handlerTimeoutMs: number;
  /** Called with a handler's message type and run time in ms when it settles (metrics); null costs nothing. */
  onHandlerSettled: ((type: string, ms: number) => void) | null = null;
  /** The connection whose frames are being handled in a row, and how many so far this turn. */
  private runConnection: ClientConnection | null = null;
  private runLength = 0;
  private runBytes = 0;
  private runResetScheduled = false;
  private readonly endRun = () => {
    this.runResetScheduled = false;
    this.runConnection = null;
  };
  private readonly backlogs = new Map<ClientConnection, Backlog>();

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) private readonly settings: WebSocketToolSettings,
    private readonly registry: ConnectionRegistry,
    private readonly handlers: WsHandlerRegistry,
    private readonly queue: OutboundQueue,
    private readonly stats: WsStatsService,
    @Inject(WEBSOCKET_TOOL_MODULE_OPTIONS) private readonly options: WebSocketToolModuleOptions,
  ) {
    this.handlerTimeoutMs = settings.handlerTimeout * 1000;
  }

  onModuleInit(): void {
    if (this.handlerTimeoutMs > 0) {
      const every = Math.max(10, Math.min(1000, this.handlerTimeoutMs / 4));
      this.timeoutTimer = setInterval(() => this.sweepTimeouts(), every);
      this.timeoutTimer.unref();
    }
  }

  onApplicationShutdown(): void {
    if (this.timeoutTimer) clearInterval(this.timeoutTimer);
    this.timeoutTimer = null;
  }

  /**
   * Entry point for every frame a client sends. A connection that used up
   * its turn (`FRAMES_PER_TURN` frames or `BYTES_PER_TURN` bytes in a row)
   * stops being read; the rest of its frames wait, in order, for the next
   * turns of the event loop.
   */
  handle(connection: ClientConnection, data: InboundData, isBinary: boolean): void {
    const backlog = this.backlogs.size > 0 ? this.backlogs.get(connection) : undefined;
    if (backlog) {
      backlog.frames.push({ data, isBinary });
      return;
    }
    const size = frameSize(data);
    if (connection === this.runConnection) {
      if (++this.runLength > FRAMES_PER_TURN || (this.runBytes += size) > BYTES_PER_TURN) {
        this.backlogs.set(connection, { frames: [{ data, isBinary }], head: 0 });
        connection.socket.pause();
        setImmediate(() => this.drainBacklog(connection));
        return;
      }
    } else {
      this.runConnection = connection;
      this.runLength = 1;
      this.runBytes = size;
      if (!this.runResetScheduled) {
        this.runResetScheduled = true;
        setImmediate(this.endRun);
      }
    }
    this.process(connection, data, isBinary);
  }

  private drainBacklog(connection: ClientConnection): void {
    const backlog = this.backlogs.get(connection) as Backlog;
    const end = Math.min(backlog.frames.length, backlog.head + FRAMES_PER_TURN);
    let bytes = 0;
    while (backlog.head < end && bytes < BYTES_PER_TURN) {
      const frame = backlog.frames[backlog.head];
      backlog.frames[backlog.head++] = undefined as never;
      bytes += frameSize(frame.data);
      this.process(connection, frame.data, frame.isBinary);
    }
    if (backlog.head < backlog.frames.length) {
      setImmediate(() => this.drainBacklog(connection));
      return;
    }
    this.backlogs.delete(connection);
    connection.socket.resume();
  }

  private process(connection: ClientConnection, data: InboundData, isBinary: boolean): void {
    const now = Date.now();
    connection.lastSeen = now;
    connection.messagesReceived++;
    this.stats.messagesReceived++;
    this.stats.receivedWindow.add(now);
    if (connection.closing) {
      // A peer that keeps sending after the server closed it (a flood that was
      // cut off) is not read any more: `ws` would unmask and check every
      // frame of it until the close timeout destroys the socket.
      const before = connection.bytesAfterClose;
      connection.bytesAfterClose += frameSize(data);
      if (before < BYTES_AFTER_CLOSE && connection.bytesAfterClose >= BYTES_AFTER_CLOSE) connection.socket.pause();
      return;
    }

    if (isBinary) {
      if (this.admit(connection, undefined, '', now, undefined)) {
        this.sendError(connection, WsErrorCode.UnsupportedBinary, 'Binary frames are not supported: send JSON text frames.', undefined);
      }
      return;
    }
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Buffer.from(data).toString('utf8');
    if (exceedsJsonDepth(text, this.settings.maxJsonDepth)) {
      if (this.admit(connection, undefined, '', now, undefined)) {
        this.sendError(
          connection,
          WsErrorCode.InvalidMessage,
          `The message nests deeper than ${this.settings.maxJsonDepth} levels.`,
          undefined,
        );
      }
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      if (this.admit(connection, undefined, '', now, undefined)) {
        this.sendError(connection, WsErrorCode.InvalidJson, 'The frame is not valid JSON.', undefined);
      }
      return;
    }
    const meta = isPlainObject(parsed) ? parsed.meta : undefined;
    const id = isPlainObject(meta) && (typeof meta.id === 'string' || typeof meta.id === 'number') ? meta.id : undefined;
    if (!isEchoable(id)) {
      if (this.admit(connection, undefined, '', now, undefined)) {
        this.sendError(
          connection,
          WsErrorCode.InvalidMessage,
          `"meta.id" must be a number or a string of at most ${MAX_ECHOED_LENGTH} characters.`,
          undefined,
        );
      }
      return;
    }
    if (
      !isPlainObject(parsed) ||
      typeof parsed.type !== 'string' ||
      parsed.type.length === 0 ||
      parsed.type.length > MAX_TYPE_LENGTH ||
      (meta !== undefined && meta !== null && !isPlainObject(meta))
    ) {
      if (this.admit(connection, undefined, '', now, id)) {
        this.sendError(
          connection,
          WsErrorCode.InvalidMessage,
          `A message must be a JSON object with a string "type" of 1 to ${MAX_TYPE_LENGTH} characters and an object "meta" if any.`,
          id,
        );
      }
      return;
    }
    stripDangerousKeys(parsed, text);
    const type = parsed.type;
    if (CONTROL_TYPES.has(type)) {
      if (this.admitControl(connection, now, id)) this.handleControl(connection, type, parsed, id, now);
      return;
    }
    if (type.startsWith(RESERVED_TYPE_PREFIX)) {
      if (this.admit(connection, undefined, type, now, id)) this.handleSystem(connection, type, parsed, id);
      return;
    }
    const handler = this.handlers.handlers.get(type);
    if (!this.admit(connection, handler, type, now, id)) return;
    if (!handler) {
      this.sendError(connection, WsErrorCode.UnknownType, `No handler registered for message type: ${type}`, id, { original_type: type });
      return;
    }
    const message: WsInboundMessage = {
      type,
      content: parsed.content === undefined ? null : parsed.content,
      meta: isPlainObject(meta) ? meta : {},
    };
    this.run(connection, handler, message, id);
  }

  /**
   * Charges one message to the connection's bucket (or the handler's own).
   * On a violation the client gets `system.rate_limited`, or is closed with
   * 1008 after `rateLimitDisconnectAfter` consecutive violations.
   */
  private admit(connection: ClientConnection, handler: HandlerEntry | undefined, type: string, now: number, id: Correlation): boolean {
    const override = handler?.rateLimit;
    if (override === false) return true;
    let bucket = connection.bucket;
    let limit = this.settings.rateLimitMessagesPerWindow;
    let window = this.settings.rateLimitMessageWindow;
    if (override) {
      limit = override.limit;
      window = override.window;
      connection.handlerBuckets ??= new Map();
      let own = connection.handlerBuckets.get(type);
      if (!own) {
        own = TokenBucket.forWindow(limit, window, override.burstMultiplier ?? this.settings.rateLimitBurstMultiplier, now);
        connection.handlerBuckets.set(type, own);
      }
      bucket = own;
    }
    if (bucket.take(now)) {
      connection.violations = 0;
      return true;
    }
    this.violation(connection, bucket, limit, window, now, id);
    return false;
  }

  /**
   * Charges a keep-alive message to the connection's own control bucket,
   * created on first use: `rateLimitControlPerSecond` per second, burst ×
   * `rateLimitBurstMultiplier`. A violation counts like any other.
   */
  private admitControl(connection: ClientConnection, now: number, id: Correlation): boolean {
    const perSecond = this.settings.rateLimitControlPerSecond;
    const bucket = (connection.controlBucket ??= TokenBucket.forWindow(perSecond, 1, this.settings.rateLimitBurstMultiplier, now));
    if (bucket.take(now)) return true;
    this.violation(connection, bucket, perSecond, 1, now, id);
    return false;
  }

  /** Tells the client `system.rate_limited`, or closes it with 1008 after `rateLimitDisconnectAfter` in a row. */
  private violation(connection: ClientConnection, bucket: TokenBucket, limit: number, window: number, now: number, id: Correlation): void {
    connection.violations++;
    connection.violationsTotal++;
    this.stats.rateLimitedMessages++;
    this.stats.topRateLimitedClients.add(connection.clientId);
    this.stats.topRateLimitedIps.add(connection.ip);
    if (connection.violations >= this.settings.rateLimitDisconnectAfter) {
      this.stats.rateLimitDisconnects++;
      this.registry.close(connection, CloseCode.RateLimited, 'rate_limited');
      return;
    }
    this.send(connection, {
      type: SystemMessageType.RateLimited,
      content: 'Rate limit exceeded',
      meta: {
        ...(id !== undefined ? { id } : {}),
        retry_after: Math.round(bucket.retryAfterSeconds(now) * 1000) / 1000,
        limit,
        window,
        remaining: 0,
        violations: connection.violations,
      },
    });
  }

  /** `system.ping` gets a `system.pong`; the pongs and `system.heartbeat` are recorded as signs of life. */
  private handleControl(connection: ClientConnection, type: string, parsed: Record<string, unknown>, id: Correlation, now: number): void {
    if (type !== SystemMessageType.Ping) {
      connection.lastPong = now;
      return;
    }
    const pingId = isPlainObject(parsed.meta) ? parsed.meta.ping_id : undefined;
    if (!isEchoable(pingId)) {
      const text = `"meta.ping_id" must be a number or a string of at most ${MAX_ECHOED_LENGTH} characters.`;
      this.sendError(connection, WsErrorCode.InvalidMessage, text, id, { original_type: type });
      return;
    }
    this.send(connection, {
      type: SystemMessageType.Pong,
      content: 'pong',
      meta: id !== undefined ? { id, ping_id: pingId ?? null, timestamp: now } : { ping_id: pingId ?? null, timestamp: now },
    });
  }

  private handleSystem(connection: ClientConnection, type: string, parsed: Record<string, unknown>, id: Correlation): void {
    const withId = (extra: Record<string, unknown>) => (id !== undefined ? { id, ...extra } : extra);
    switch (type) {
      case SystemMessageType.Subscribe:
      case SystemMessageType.Unsubscribe: {
        const content = parsed.content;
        const topic = isPlainObject(content) ? content.topic : typeof content === 'string' ? content : undefined;
        if (type === SystemMessageType.Unsubscribe) {
          if (!isValidTopic(topic, this.settings.maxTopicLength)) {
            this.refuseInvalidTopic(connection, type, id);
            return;
          }
          const was = this.registry.unsubscribeConnection(connection, topic);
          this.send(connection, {
            type: SystemMessageType.Unsubscribed,
            content: { topic: topic ?? null, was_subscribed: was },
            meta: withId({}),
          });
          return;
        }
        const canSubscribe = this.options?.canSubscribe;
        if (canSubscribe && isValidTopic(topic, this.settings.maxTopicLength)) {
          // The app decides who may listen to a topic (e.g. a task's log); until it
          // answers nothing is subscribed, so no event can leak in between.
          Promise.resolve()
            .then(() => canSubscribe(this.registry.toClient(connection), topic))
            .then(
              (allowed) => (allowed ? this.subscribe(connection, type, topic, id) : this.refuseTopic(connection, type, id)),
              () => this.refuseTopic(connection, type, id),
            );
          return;
        }
        this.subscribe(connection, type, topic, id);
        return;
      }
      default:
        this.sendError(connection, WsErrorCode.UnknownType, `No handler registered for message type: ${type}`, id, { original_type: type });
    }
  }

  private refuseTopic(connection: ClientConnection, type: string, id: Correlation): void {
    if (connection.closing) return;
    this.sendError(connection, WsErrorCode.Forbidden, 'You may not subscribe to this topic.', id, { original_type: type });
  }

  private refuseInvalidTopic(connection: ClientConnection, type: string, id: Correlation): void {
    const text = `A topic is 1 to ${this.settings.maxTopicLength} characters of letters, digits and ._:@/-`;
    this.sendError(connection, WsErrorCode.InvalidTopic, text, id, { original_type: type });
  }

  private subscribe(connection: ClientConnection, type: string, topic: unknown, id: Correlation): void {
    if (connection.closing) return;
    const outcome = this.registry.subscribeConnection(connection, topic as string);
    if (outcome === 'invalid_topic') {
      this.refuseInvalidTopic(connection, type, id);
    } else if (outcome === 'too_many_topics') {
      const text = `A connection may subscribe to at most ${this.settings.maxTopicsPerClient} topics.`;
      this.sendError(connection, WsErrorCode.TooManyTopics, text, id, { original_type: type });
    } else {
      this.send(connection, { type: SystemMessageType.Subscribed, content: { topic }, meta: id !== undefined ? { id } : {} });
    }
  }

  private run(connection: ClientConnection, handler: HandlerEntry, message: WsInboundMessage, id: Correlation): void {
    const context = new MessageContext(this, connection, message, id);
    if (this.handlers.hasHooks('message_received')) this.handlers.runHooks('message_received', message, context);
    const timed = this.onHandlerSettled;
    const started = timed ? performance.now() : 0;
    let outcome: unknown;
    try {
      outcome = handler.dto ? this.validateThenInvoke(handler, context, message) : handler.invoke(context, message);
    } catch (err) {
      timed?.(message.type, performance.now() - started);
      this.onError(connection, handler, message, id, err);
      return;
    }
    if (isObservable(outcome)) outcome = lastValueFrom(outcome, { defaultValue: undefined });
    if (!isThenable(outcome)) {
      // A synchronous handler: no promise, no timer, no watch.
      timed?.(message.type, performance.now() - started);
      this.onResult(connection, message, id, outcome);
      return;
    }
    const watch: InFlight | null =
      this.handlerTimeoutMs > 0
        ? { connection, type: message.type, id, deadline: Date.now() + this.handlerTimeoutMs, timedOut: false }
        : null;
    if (watch) this.inFlight.add(watch);
    outcome.then(
      (result) => {
        timed?.(message.type, performance.now() - started);
        if (watch && !this.settle(watch)) return;
        this.onResult(connection, message, id, isObservable(result) ? undefined : result);
      },
      (err: unknown) => {
        timed?.(message.type, performance.now() - started);
        if (watch && !this.settle(watch)) return;
        this.onError(connection, handler, message, id, err);
      },
    );
  }

  private async validateThenInvoke(handler: HandlerEntry, context: WsMessageContext, message: WsInboundMessage): Promise<unknown> {
    const dto = handler.dto as new () => object;
    const content = message.content;
    if (!isPlainObject(content)) throw new DtoValidationFailure(['content must be an object']);
    const instance = plainToInstance(dto, content) as object;
    const errors = await validate(instance, { forbidUnknownValues: false });
    if (errors.length > 0) throw new DtoValidationFailure(flattenValidationErrors(errors));
    const validated: WsInboundMessage = { ...message, content: instance };
    const result = handler.invoke(context, validated);
    return isObservable(result) ? lastValueFrom(result, { defaultValue: undefined }) : result;
  }

  /** Returns false if the call already timed out (its late outcome is dropped). */
  private settle(watch: InFlight): boolean {
    this.inFlight.delete(watch);
    return !watch.timedOut;
  }

  private sweepTimeouts(): void {
    const now = Date.now();
    for (const watch of this.inFlight) {
      if (watch.deadline <= now) {
        watch.timedOut = true;
        this.inFlight.delete(watch);
        this.logger.warn(
          `Handler for "${watch.type}" did not finish within ${this.settings.handlerTimeout}s; the sender got "handler_timeout".`,
        );
        this.sendError(watch.connection, WsErrorCode.HandlerTimeout, 'The handler did not answer in time.', watch.id, {
          original_type: watch.type,
        });
      }
    }
  }

  private onResult(connection: ClientConnection, message: WsInboundMessage, id: Correlation, result: unknown): void {
    if (result === undefined || connection.closing) return;
    const reply: WsOutboundMessage = isEnvelope(result)
      ? { type: result.type, content: result.content, meta: id !== undefined ? { ...result.meta, id } : result.meta }
      : { type: message.type, content: result, meta: id !== undefined ? { id } : {} };
    let json: string;
    try {
      json = serializeEnvelope(reply);
    } catch {
      this.sendError(connection, WsErrorCode.HandlerError, 'The handler returned a value that cannot be sent as JSON.', id, {
        original_type: message.type,
      });
      return;
    }
    this.queue.enqueue(connection, new OutboundFrame(json, Date.now()));
  }

  private onError(connection: ClientConnection, handler: HandlerEntry, message: WsInboundMessage, id: Correlation, err: unknown): void {
    const extra: Record<string, unknown> = { original_type: message.type };
    if (err instanceof DtoValidationFailure) {
      this.sendError(connection, WsErrorCode.ValidationFailed, 'The message content is invalid.', id, { ...extra, errors: err.errors });
    } else if (err instanceof WsException) {
      const error = err.getError();
      const text = typeof error === 'string' ? error : isPlainObject(error) && typeof error.message === 'string' ? error.message : 'Error';
      const code = isPlainObject(error) && typeof error.code === 'string' ? error.code : WsErrorCode.HandlerError;
      this.sendError(connection, code, text, id, extra);
    } else if (err instanceof HttpException) {
      const status = err.getStatus();
      const response = err.getResponse();
      const details = isPlainObject(response) ? response.message : response;
      if (status === 403) {
        this.sendError(connection, WsErrorCode.Forbidden, err.message, id, extra);
      } else if (status === 400) {
        this.sendError(connection, WsErrorCode.ValidationFailed, 'The message content is invalid.', id, {
          ...extra,
          errors: Array.isArray(details) ? details : [String(details)],
        });
      } else {
        this.sendError(connection, WsErrorCode.HandlerError, err.message, id, extra);
      }
    } else {
      this.logger.error(handlerFailedMessage(message.type, handler.where), err instanceof Error ? err.stack : String(err));
      this.sendError(connection, WsErrorCode.HandlerError, 'The handler failed.', id, extra);
    }
    if (this.handlers.hasHooks('message_failed')) {
      this.handlers.runHooks('message_failed', { clientId: connection.clientId, direction: 'inbound', type: message.type, error: err });
    }
  }

  /** The public handle of a connection (for `context.client`). */
  clientOf(connection: ClientConnection): WsClient {
    return this.registry.toClient(connection);
  }

  /** Queues a message for one connection; a message that cannot be serialized is reported, never thrown. */
  send(connection: ClientConnection, message: WsOutboundMessage): EnqueueOutcome {
    let json: string;
    try {
      json = serializeEnvelope(message);
    } catch {
      return this.sendError(connection, WsErrorCode.HandlerError, 'A reply could not be serialized.', undefined);
    }
    return this.queue.enqueue(connection, new OutboundFrame(json, Date.now()));
  }

  sendError(
    connection: ClientConnection,
    code: string,
    content: string,
    id: Correlation,
    extra: Record<string, unknown> = {},
  ): EnqueueOutcome {
    const meta: Record<string, unknown> = { code, ...extra };
    if (id !== undefined) meta.id = id;
    return this.queue.enqueue(
      connection,
      new OutboundFrame(serializeEnvelope({ type: SystemMessageType.Error, content, meta }), Date.now()),
    );
  }
}

/**
 * The context handed to one handler call. A class (not a literal with
 * closures) so a message costs one small allocation.
 */
class MessageContext implements WsMessageContext {
  readonly clientId: string;
  readonly identity: unknown;

  constructor(
    private readonly dispatcher: MessageDispatcher,
    private readonly connection: ClientConnection,
    readonly message: WsInboundMessage,
    private readonly id: Correlation,
  ) {
    this.clientId = connection.clientId;
    this.identity = connection.identity;
  }

  get client(): WsClient {
    return this.dispatcher.clientOf(this.connection);
  }

  reply(messageOrContent: unknown): EnqueueOutcome {
    const id = this.id;
    const reply: WsOutboundMessage = isEnvelope(messageOrContent)
      ? { ...messageOrContent, meta: id !== undefined ? { ...messageOrContent.meta, id } : messageOrContent.meta }
      : { type: this.message.type, content: messageOrContent, meta: id !== undefined ? { id } : {} };
    return this.dispatcher.send(this.connection, reply);
  }
}

function frameSize(data: InboundData): number {
  if (!Array.isArray(data)) return data.byteLength;
  let size = 0;
  for (const part of data) size += part.length;
  return size;
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  value !== null &&
  (typeof value === 'object' || typeof value === 'function') &&
  typeof (value as PromiseLike<unknown>).then === 'function';

/** Thrown inside the dispatcher when a DTO rejects the content. */
class DtoValidationFailure extends Error {
  constructor(readonly errors: string[]) {
    super('validation failed');
  }
}

function flattenValidationErrors(errors: ValidationError[], prefix = ''): string[] {
  const out: string[] = [];
  for (const error of errors) {
    const path = prefix + error.property;
    for (const text of Object.values(error.constraints ?? {})) out.push(text);
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, path + '.'));
  }
  return out;
}
