import { Inject, Injectable } from '@nestjs/common';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import { CloseCode, toCloseReason, type DisconnectReason } from '../protocol/close-codes.js';
import type { WsOutboundMessage } from '../protocol/envelope.interface.js';
import { WsStatsService } from '../stats/ws-stats.service.js';
import { WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import type { ClientConnection } from './client-connection.js';
import type { ConnectionInfo } from './connection-info.interface.js';
import type { ConnectionListener, StopListening } from './connection-listener.js';
import type { EnqueueOutcome } from './enqueue-outcome.js';
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
 * What reacts to connections arriving and leaving (presence, hooks, task
 * history) is told through `listen`.
 *
 * @publicApi
 */
@Injectable()
export class ConnectionRegistry {
  private readonly connections = new Map<string, ClientConnection>();
  private readonly topicIndex = new Map<string, Set<ClientConnection>>();
  /** Connections by user: only connections whose identity names a user are in it. */
  private readonly userIndex = new Map<string, Set<ClientConnection>>();
  private namedCount = 0;
  private readonly timeoutMs: number;
  private readonly listeners: ConnectionListener[] = [];

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) private readonly settings: WebSocketToolSettings,
    private readonly stats: WsStatsService,
  ) {
    this.timeoutMs = settings.heartbeatTimeoutMs;
  }

  /**
   * Adds a listener of the registry's changes; returns the function that
   * removes it.
   *
   * @internal
   */
  listen(listener: ConnectionListener): StopListening {
    this.listeners.push(listener);
    return () => {
      const index = this.listeners.indexOf(listener);
      if (index >= 0) this.listeners.splice(index, 1);
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
    if (connection.userId !== null) {
      let mine = this.userIndex.get(connection.userId);
      if (!mine) {
        mine = new Set();
        this.userIndex.set(connection.userId, mine);
      }
      mine.add(connection);
    }
    this.stats.totalConnections++;
    for (const listener of this.listeners) listener.added?.(connection);
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
    connection.output.discard();
    if (this.connections.get(connection.clientId) === connection) {
      this.connections.delete(connection.clientId);
      if (connection.named) this.namedCount--;
      for (const listener of this.listeners) listener.removed?.(connection);
    }
    if (connection.userId !== null) this.dropFromUser(connection.userId, connection);
    for (const topic of connection.topics) {
      this.dropFromTopic(topic, connection);
      for (const listener of this.listeners) listener.unsubscribed?.(connection, topic);
    }
    connection.clearTopics();
    this.stats.recordDisconnect(reason);
    for (const listener of this.listeners) listener.disconnected?.(connection, reason);
  }

  /** Closes a connection with a close code from the `CloseCode` table and forgets it. */
  close(connection: ClientConnection, close: CloseDefinition, reason: DisconnectReason, text?: string): void {
    if (connection.disconnectReason !== null) return;
    // What is already queued (e.g. the last system.rate_limited) goes out before
    // the close frame, except for clients that cannot take more.
    if (reason !== 'slow_consumer' && reason !== 'send_error' && connection.queued > 0) connection.output.flush();
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

  /** True while `connection` is registered (not closed, not replaced by a newer one with its id). */
  isCurrent(connection: ClientConnection): boolean {
    return this.connections.get(connection.clientId) === connection;
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

  /** This node's connections of one user (by the identity's `userId`). */
  connectionsOf(userId: string): ReadonlySet<ClientConnection> | undefined {
    return this.userIndex.get(userId);
  }

  /** How many distinct users hold a connection to this node. */
  countUsers(): number {
    return this.userIndex.size;
  }

  /** The users holding a connection to this node, with how many connections each holds. */
  users(): Array<{ userId: string; connections: number }> {
    return [...this.userIndex].map(([userId, mine]) => ({ userId, connections: mine.size }));
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
    for (const listener of this.listeners) listener.subscribed?.(connection, topic);
    return 'subscribed';
  }

  unsubscribeConnection(connection: ClientConnection, topic: string): boolean {
    if (!connection.deleteTopic(topic)) return false;
    this.dropFromTopic(topic, connection);
    for (const listener of this.listeners) listener.unsubscribed?.(connection, topic);
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

  private dropFromUser(userId: string, connection: ClientConnection): void {
    const mine = this.userIndex.get(userId);
    if (!mine) return;
    mine.delete(connection);
    if (mine.size === 0) this.userIndex.delete(userId);
  }

  private dropFromTopic(topic: string, connection: ClientConnection): void {
    const members = this.topicIndex.get(topic);
    if (!members) return;
    members.delete(connection);
    if (members.size === 0) this.topicIndex.delete(topic);
  }

  /** Serializes and queues one message for one connection, through the outbound sender (as `WsClient.send`). */
  sendTo(connection: ClientConnection, message: WsOutboundMessage): EnqueueOutcome {
    return connection.output.send(message);
  }

  /** The public handle of a connection. */
  toClient(connection: ClientConnection): WsClient {
    return (connection.handle ??= {
      clientId: connection.clientId,
      named: connection.named,
      identity: connection.identity,
      info: () => connection.info(Date.now(), this.timeoutMs),
      send: (message) => connection.output.send(message),
      subscribe: (topic) => {
        const outcome = this.subscribeConnection(connection, topic);
        return outcome === 'subscribed' || outcome === 'already_subscribed';
      },
      unsubscribe: (topic) => this.unsubscribeConnection(connection, topic),
      disconnect: (reason) => this.close(connection, CloseCode.ServerDisconnect, 'server', reason),
    });
  }
}
