import { Injectable } from '@nestjs/common';
import type { ClientConnection } from '../connection/client-connection.js';
import type { EnqueueOutcome } from '../connection/enqueue-outcome.js';
import type { WsOutboundMessage } from '../protocol/envelope.interface.js';
import { serializeEnvelope } from '../protocol/serialize-envelope.js';
import { ClientQueue, type MessageSender } from './client-queue.js';
import { OutboundFrame } from './outbound-frame.js';
import { OutboundQueue } from './outbound-queue.js';
import type { OverflowRules } from './overflow-rules.js';

/** What deliveries queued and dropped (clients that were leaving count in neither). */
export interface DeliveryCount {
  queued: number;
  dropped: number;
}

/**
 * The one way a message reaches clients: every "send this to this client" and
 * "deliver this frame to these connections" goes through here, into the
 * per-client queues. A message is serialized once (by `serializeEnvelope`)
 * and framed once, whatever the number of recipients.
 *
 * @internal
 */
@Injectable()
export class OutboundSender implements MessageSender {
  private readonly rules: OverflowRules | null;

  constructor(private readonly queue: OutboundQueue) {
    this.rules = queue.overflowRules;
  }

  /**
   * Creates a connection's queue; passed to the `ClientConnection`
   * constructor, which keeps it as its `output`.
   */
  readonly attach = (connection: ClientConnection): ClientQueue => new ClientQueue(connection, this.queue, this);

  /** Frames a serialized message (see `serializeEnvelope`), once for any number of recipients. */
  frame(json: string, now = Date.now()): OutboundFrame {
    const frame = new OutboundFrame(json, now);
    // The type's overflow policy, once per frame; nothing at all when no type has one.
    if (this.rules !== null) this.rules.classify(frame, json);
    return frame;
  }

  /** Serializes and queues one message for one connection. Throws what `serializeEnvelope` throws. */
  sendTo(connection: ClientConnection, message: WsOutboundMessage, timestamp?: string): EnqueueOutcome {
    return this.queue.enqueue(connection, this.frame(serializeEnvelope(message, timestamp)));
  }

  /** Queues one frame for one connection. */
  deliverTo(connection: ClientConnection, frame: OutboundFrame): EnqueueOutcome {
    return this.queue.enqueue(connection, frame);
  }

  /**
   * Writes a frame at once when nothing is queued ahead of it and the socket
   * takes data, else queues it (see `OutboundQueue.sendNow`).
   */
  sendNow(connection: ClientConnection, frame: OutboundFrame): EnqueueOutcome {
    return this.queue.sendNow(connection, frame);
  }

  /**
   * Queues one frame for every connection of `targets` whose id is not in
   * `except`, adding to `count` what was queued and dropped (the caller's
   * result object: nothing is allocated per delivery).
   */
  deliver(targets: Iterable<ClientConnection>, frame: OutboundFrame, except: ReadonlySet<string> | null, count: DeliveryCount): void {
    const queue = this.queue;
    let queued = 0;
    let dropped = 0;
    for (const connection of targets) {
      if (except !== null && except.has(connection.clientId)) continue;
      const outcome = queue.enqueue(connection, frame);
      if (outcome === 'queued') queued++;
      else if (outcome !== 'closed') dropped++;
    }
    count.queued += queued;
    count.dropped += dropped;
  }
}
