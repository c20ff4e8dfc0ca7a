import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import type { WsOutboundMessage } from '../protocol/envelope.interface.js';
import { CloseCode, toCloseReason, type DisconnectReason } from '../protocol/close-codes.js';
import { serializeEnvelope } from '../protocol/serialize-envelope.js';
import { WsHandlerRegistry } from '../messaging/discovery/ws-handler-registry.js';
import { OutboundQueue } from '../outbound/outbound-queue.js';
import type { EnqueueOutcome } from '../outbound/enqueue-result.js';
import { WsStatsService } from '../stats/ws-stats.service.js';
import { WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import type { ClientConnection } from './client-connection.js';
import type { ConnectionInfo } from './connection-info.interface.js';
import { OutboundFrame } from './outbound-frame.js';
import { isValidTopic } from './topic-name.js';
import type { WsClient } from './ws-client.interface.js';

type CloseDefinition = (typeof CloseCode)[keyof typeof CloseCode];

const CLOSED = 3;
/** How long a connection the server closes has to complete the close handshake before its socket is destroyed. */
export const CLOSE_HANDSHAKE_TIMEOUT_MS = 3000;

/**
 * Told of each client id the registry starts and stops holding (the
 * cluster's presence announces them to the other nodes). `removed` is not
 * called for a connection that was replaced by a newer one with the same id.
 *
 * @internal
 */
export interface ConnectionMembershipListener {
  added(connection: ClientConnection): void;
  removed(connection: ClientConnection): void;
}

/** Why a subscription was refused. */
export type SubscribeOutcome = 'subscribed' | 'already_subscribed' | 'invalid_topic' | 'too_many_topics' | 'unknown_client';

/**
 * Every live connection of this node, indexed by client id and by topic.
 *
 * @publicApi
 */
@Injectable()
export class ConnectionRegistry implements OnModuleInit {
  private readonly logger = new Logger('WebSocketTool');
  private readonly connections = new Map<string, ClientConnection>();
  private readonly topicIndex = new Map<string, Set<ClientConnection>>();
  private namedCount = 0;
  private readonly timeoutMs: number;
  private readonly subscribeListeners: Array<(connection: ClientConnection, topic: string) => void> = [];
  private readonly membershipListeners: ConnectionMembershipListener[] = [];

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) private readonly settings: WebSocketToolSettings,
    private readonly queue: OutboundQueue,
    private readonly stats: WsStatsService,
    private readonly handlers: WsHandlerRegistry,
  ) {
    this.timeoutMs = settings.heartbeatTimeoutMs;
  }

  onModuleInit(): void {
    this.queue.setEvents({
      slowConsumer: (c) => this.close(c, CloseCode.SlowConsumer, 'slow_consumer'),
      sendErrorLimit: (c) => this.close(c, CloseCode.SendError, 'send_error'),
      sendFailed: (c, err) => {
        if (this.handlers.hasHooks('message_failed')) {
          this.handlers.runHooks('message_failed', { clientId: c.clientId, direction: 'outbound', type: null, error: err });
        }
      },
    });
  }

  /**
   * Registers a listener of the ids this registry holds; returns the
   * function that removes it. Listeners must not throw.
   *
   * @internal
   */
  subscribeMembership(listener: ConnectionMembershipListener): () => void {
    this.membershipListeners.push(listener);
    return () => {
      const index = this.membershipListeners.indexOf(listener);
      if (index >= 0) this.membershipListeners.splice(index, 1);
    };
  }

  /**
   * Adds a connection. A named id that is already connected is taken over:
   * the old socket is closed with `duplicate_client` first (in cluster mode,
   * on whichever node it is).
   */
  add(connection: ClientConnection): void {
    const previous = this.connections.get(connection.clientId);
    if (previous) this.close(previous, CloseCode.DuplicateClient, 'duplicate_client');
    this.connections.set(connection.clientId, connection);
    if (connection.named) this.namedCount++;
    this.stats.totalConnections++;
    for (const listener of this.membershipListeners) listener.added(connection);
  }

  /**
   * Forgets a connection and fires the disconnect hooks, once. Compares the
   * socket's identity, so the cleanup of a replaced connection never removes
   * the one that replaced it.
   */
  remove(connection: ClientConnection, reason: DisconnectReason): void {
    if (connection.disconnectReason !== null) return;
    connection.disconnectReason = reason;
    connection.closing = true;
    this.queue.discard(connection);
    if (this.connections.get(connection.clientId) === connection) {
      this.connections.delete(connection.clientId);
      if (connection.named) this.namedCount--;
      for (const listener of this.membershipListeners) listener.removed(connection);
    }
    for (const topic of connection.topics) this.dropFromTopic(topic, connection);
    connection.clearTopics();
    this.stats.recordDisconnect(reason);
    if (this.handlers.hasHooks('disconnect')) this.handlers.runHooks('disconnect', this.toClient(connection), reason);
  }

  /** Closes a connection with a close code from the `CloseCode` table and forgets it. */
  close(connection: ClientConnection, close: CloseDefinition, reason: DisconnectReason, text?: string): void {
    if (connection.disconnectReason !== null) return;
    // What is already queued (e.g. the last system.rate_limited) goes out before
    // the close frame, except for clients that cannot take more.
    if (reason !== 'slow_consumer' && reason !== 'send_error' && connection.queued > 0) this.queue.flush(connection);
    this.remove(connection, reason);
    const socket = connection.socket;
    try {
      socket.close(close.code, toCloseReason(text ?? close.reason));
    } catch {
      socket.terminate();
      return;
    }
    // ws waits 30 s for the peer's close frame; a client that does not read
    // would hold its socket and buffers that long. A few seconds are enough
    // for any client that still reads to get the close frame.
    const timer = setTimeout(() => {
      if (socket.readyState !== CLOSED) socket.terminate();
    }, CLOSE_HANDSHAKE_TIMEOUT_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  }

  /** Closes a client by id. Returns false if no such client is connected here. */
  disconnect(clientId: string, reasonText?: string): boolean {
    const connection = this.connections.get(clientId);
    if (!connection) return false;
    this.close(connection, CloseCode.ServerDisconnect, 'server', reasonText);
    return true;
  }

  get(clientId: string): ClientConnection | undefined {
    return this.connections.get(clientId);
  }

  has(clientId: string): boolean {
    return this.connections.has(clientId);
  }

  /** The live connection objects (internal use: fan-out, heartbeat, admin). */
  values(): IterableIterator<ClientConnection> {
    return this.connections.values();
  }

  info(clientId: string): ConnectionInfo | undefined {
    const connection = this.connections.get(clientId);
    return connection?.info(Date.now(), this.timeoutMs);
  }

  list(): ConnectionInfo[] {
    const now = Date.now();
    return [...this.connections.values()].map((c) => c.info(now, this.timeoutMs));
  }

  count(): number {
    return this.connections.size;
  }

  countNamed(): number {
    return this.namedCount;
  }

  countAnonymous(): number {
    return this.connections.size - this.namedCount;
  }

  /** Subscribes a client to a topic. */
  subscribe(clientId: string, topic: string): SubscribeOutcome {
    const connection = this.connections.get(clientId);
    return connection ? this.subscribeConnection(connection, topic) : 'unknown_client';
  }

  unsubscribe(clientId: string, topic: string): boolean {
    const connection = this.connections.get(clientId);
    return connection ? this.unsubscribeConnection(connection, topic) : false;
  }

  subscribeConnection(connection: ClientConnection, topic: string): SubscribeOutcome {
    if (!isValidTopic(topic, this.settings.maxTopicLength)) return 'invalid_topic';
    if (connection.topics.has(topic)) return 'already_subscribed';
    if (connection.topics.size >= this.settings.maxTopicsPerClient) return 'too_many_topics';
    connection.addTopic(topic);
    let members = this.topicIndex.get(topic);
    if (!members) {
      members = new Set();
      this.topicIndex.set(topic, members);
    }
    members.add(connection);
    for (const listener of this.subscribeListeners) listener(connection, topic);
    return 'subscribed';
  }

  /**
   * Calls `listener` synchronously after every new subscription, before the
   * acknowledgement: what it queues for the connection precedes any message
   * published to the topic later (task history replay). It must not throw.
   *
   * @internal
   */
  onSubscribe(listener: (connection: ClientConnection, topic: string) => void): void {
    this.subscribeListeners.push(listener);
  }

  unsubscribeConnection(connection: ClientConnection, topic: string): boolean {
    if (!connection.deleteTopic(topic)) return false;
    this.dropFromTopic(topic, connection);
    return true;
  }

  /** Connections subscribed to a topic. */
  subscribers(topic: string): ReadonlySet<ClientConnection> | undefined {
    return this.topicIndex.get(topic);
  }

  /** Topics with at least one subscriber on this node. */
  topics(): string[] {
    return [...this.topicIndex.keys()];
  }

  private dropFromTopic(topic: string, connection: ClientConnection): void {
    const members = this.topicIndex.get(topic);
    if (!members) return;
    members.delete(connection);
    if (members.size === 0) this.topicIndex.delete(topic);
  }

  /** Serializes and queues one message for one connection. */
  sendTo(connection: ClientConnection, message: WsOutboundMessage): EnqueueOutcome {
    return this.queue.enqueue(connection, new OutboundFrame(serializeEnvelope(message), Date.now()));
  }

  /** The public handle of a connection. */
  toClient(connection: ClientConnection): WsClient {
    return (connection.handle ??= {
      clientId: connection.clientId,
      named: connection.named,
      identity: connection.identity,
      info: () => connection.info(Date.now(), this.timeoutMs),
      send: (message) => this.sendTo(connection, message),
      subscribe: (topic) => {
        const outcome = this.subscribeConnection(connection, topic);
        return outcome === 'subscribed' || outcome === 'already_subscribed';
      },
      unsubscribe: (topic) => this.unsubscribeConnection(connection, topic),
      disconnect: (reason) => this.close(connection, CloseCode.ServerDisconnect, 'server', reason),
    });
  }
}
