import { Inject, Injectable } from '@nestjs/common';
import { createStringDelta } from 'fossil-delta';
import { WEBSOCKET_TOOL_SETTINGS } from '../../config/config.constants.js';
import type { WebSocketToolSettings } from '../../config/resolved-settings.interface.js';
import type { ClientConnection } from '../../connection/client-connection.js';
import { PatternTable } from '../../config/pattern-table.js';
import type { OutboundFrame } from '../../outbound/outbound-frame.js';
import { OutboundSender, type DeliveryCount } from '../../outbound/outbound-sender.js';
import type { WsOutboundMessage } from '../../protocol/envelope.interface.js';
import { SystemMessageType } from '../../protocol/message-types.js';
import { serializeEnvelope } from '../../protocol/serialize-envelope.js';

/**
 * Delta messages of the topics whose `topics` entry says `delta: true`. Per topic it keeps the last message
 * sent; per subscriber that asked for deltas, which message its copy of the topic is. A publish computes one
 * fossil delta against the topic's previous message, shared by every subscriber holding that one; the
 * others (new, reset, or whose copy was dropped) get the message in full. The client SDK rebuilds each
 * delta and checks it (fossil's checksum); one it cannot rebuild asks for a reset and gets the topic's last
 * message in full.
 *
 * In cluster mode with the topic's history in Redis every node gets the topic's messages in the one order
 * Redis stamped them, with their offsets: a delta goes out only against the message of the offset just
 * before (same epoch), so each subscriber's base is the topic's previous message in the cluster's order;
 * after a gap (a message this node did not get) everyone gets the next one in full.
 *
 * @internal
 */
@Injectable()
export class TopicDeltas {
  /** True when some `topics` entry has deltas: otherwise publishes never look here. */
  readonly active: boolean;
  private readonly rules: PatternTable<true>;
  /** Per delta topic: the JSON of its last message. */
  private readonly last = new Map<string, string>();
  /** Per delta topic with history in Redis: `epoch:offset` of its last message. */
  private readonly lastAt = new Map<string, string>();
  /** Per connection that asked for deltas: per topic, the JSON of the last message it was sent (null: none yet). */
  private readonly bases = new WeakMap<ClientConnection, Map<string, string | null>>();

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) settings: WebSocketToolSettings,
    private readonly sender: OutboundSender,
  ) {
    this.rules = new PatternTable(settings.topics.map((t) => ({ pattern: t.pattern, value: t.delta ? (true as const) : null })));
    this.active = !this.rules.empty;
  }

  /** True for a topic with deltas (the first `topics` entry that matches it says `delta: true`). */
  has(topic: string): boolean {
    return this.rules.match(topic) === true;
  }

  /** A delta topic's messages carry their topic in `meta`, so the client knows which copy to update. */
  stamp(topic: string, message: WsOutboundMessage): WsOutboundMessage {
    return { ...message, meta: { ...message.meta, topic } };
  }

  /** A subscribe: `wanted` when it asked for deltas. True when the subscriber will get them. */
  subscribed(connection: ClientConnection, topic: string, wanted: boolean): boolean {
    const bases = this.bases.get(connection);
    if (!wanted || !this.has(topic)) {
      bases?.delete(topic);
      return false;
    }
    if (bases) bases.set(topic, null);
    else this.bases.set(connection, new Map([[topic, null]]));
    return true;
  }

  /** The client could not rebuild a delta: it gets the topic's last message in full, and deltas after it. */
  reset(connection: ClientConnection, topic: string): void {
    const bases = this.bases.get(connection);
    if (!bases?.has(topic)) return;
    const last = this.last.get(topic);
    bases.set(topic, last ?? null);
    if (last !== undefined) this.sender.deliverTo(connection, this.sender.frame(last));
  }

  /** Forgets a topic's last message: the next one goes to everyone in full (after one sent another way). */
  forget(topic: string): void {
    this.last.delete(topic);
    this.lastAt.delete(topic);
  }

  /**
   * Queues a message of a delta topic for its subscribers: in full, or as a delta for those that can take one.
   * `at`: the message's place in the topic's shared history (cluster mode), null otherwise.
   */
  deliver(
    topic: string,
    json: string,
    members: Iterable<ClientConnection>,
    except: ReadonlySet<string> | null,
    count: DeliveryCount,
    at: { offset: number; epoch: string } | null = null,
  ): void {
    let previous = this.last.get(topic);
    this.last.set(topic, json);
    if (at !== null) {
      if (this.lastAt.get(topic) !== `${at.epoch}:${at.offset - 1}`) previous = undefined;
      this.lastAt.set(topic, `${at.epoch}:${at.offset}`);
    }
    const full = this.sender.frame(json);
    let delta: OutboundFrame | null | undefined;
    for (const connection of members) {
      if (except !== null && except.has(connection.clientId)) continue;
      const bases = this.bases.get(connection);
      let frame = full;
      if (bases?.has(topic)) {
        if (previous !== undefined && bases.get(topic) === previous) {
          if (delta === undefined) delta = this.deltaFrame(topic, previous, json);
          if (delta !== null) frame = delta;
        }
        bases.set(topic, json);
      }
      const outcome = this.sender.deliverTo(connection, frame);
      if (outcome === 'queued') count.queued++;
      else if (outcome !== 'closed') count.dropped++;
    }
  }

  /** The delta frame, or null when the delta would not be smaller than the message. */
  private deltaFrame(topic: string, previous: string, json: string): OutboundFrame | null {
    const delta = createStringDelta(previous, json);
    const frame = serializeEnvelope({ type: SystemMessageType.Delta, content: delta, meta: { topic } });
    return frame.length < json.length ? this.sender.frame(frame) : null;
  }
}
