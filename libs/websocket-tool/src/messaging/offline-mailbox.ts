import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Unsubscribe } from '../cluster/cluster-listener.js';
import { ClusterMailbox, type MailboxContents } from '../cluster/mailbox/cluster-mailbox.js';
import type { ClientConnection } from '../connection/client-connection.js';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import type { StopListening } from '../connection/connection-listener.js';
import { OutboundSender } from '../outbound/outbound-sender.js';
import { SystemMessageType } from '../protocol/message-types.js';
import { serializeEnvelope } from '../protocol/serialize-envelope.js';

/** A named client whose mailbox is being taken: what is sent to it meanwhile waits behind the mailbox. */
interface Taking {
  connection: ClientConnection;
  /** Messages sent to the client while its mailbox was read, in order. */
  held: string[];
  /** Another message was kept while the mailbox was read: take it again before letting the held ones go. */
  again: boolean;
  /** The mailbox took too long: the held messages went out; a late answer is delivered as it comes. */
  released?: boolean;
}

/** Anonymous ids are new on every connection: nothing kept for one could ever be delivered. */
const ANONYMOUS = 'anon-';
/**
 * Longest wait for a mailbox (over Redis) before what was held for the client goes out anyway: a stalled Redis
 * must not hold a connected client's messages without bound. A mailbox that answers later is still delivered.
 */
export const MAILBOX_TAKE_TIMEOUT_MS = 5000;

/**
 * The offline mailbox's delivery (the `mailbox` option). `sendToClient` to a
 * named client connected nowhere hands the message to `keep`; when a named
 * client connects, its mailbox is taken and sent right after the welcome:
 * `system.mailbox` `{delivered, dropped}`, then the kept messages in order,
 * before anything else sent to it with `sendToClient` (held meanwhile: over
 * Redis the mailbox is one round trip away). Without the option every method
 * is an empty call.
 *
 * @internal
 */
@Injectable()
export class OfflineMailbox implements OnModuleInit, OnModuleDestroy {
  /** Named clients whose mailbox is being taken. */
  private readonly taking = new Map<string, Taking>();
  private stops: Array<StopListening | Unsubscribe> = [];

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly sender: OutboundSender,
    private readonly mailbox: ClusterMailbox,
  ) {}

  onModuleInit(): void {
    if (!this.mailbox.enabled) return;
    this.stops.push(
      this.registry.listen({ added: (connection) => this.open(connection) }),
      this.mailbox.subscribe({
        kept: (clientId) => {
          const connection = this.registry.get(clientId);
          if (connection) this.open(connection);
        },
      }),
    );
  }

  onModuleDestroy(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  /** True when the `mailbox` option is set. */
  get enabled(): boolean {
    return this.mailbox.enabled;
  }

  /** How many clients' mailboxes are being taken: when 0, nothing is held (the hot path's only check). */
  get holding(): number {
    return this.taking.size;
  }

  /** Holds a message for a client whose mailbox is being taken; false when it is not (send it as usual). */
  hold(clientId: string, json: string): boolean {
    const taking = this.taking.get(clientId);
    if (taking === undefined) return false;
    taking.held.push(json);
    return true;
  }

  /** Keeps a message for a client connected nowhere; false when the mailbox is off or will not keep it. */
  keep(clientId: string, json: string): boolean {
    if (!this.enabled || clientId.startsWith(ANONYMOUS)) return false;
    return this.mailbox.keep(clientId, json);
  }

  /** A named client connected (or something was kept for one connected here): take its mailbox, after the welcome. */
  private open(connection: ClientConnection): void {
    if (!connection.named || connection.closing) return;
    const clientId = connection.clientId;
    const current = this.taking.get(clientId);
    if (current !== undefined && current.connection === connection) {
      current.again = true;
      return;
    }
    const taking: Taking = { connection, held: current?.held ?? [], again: false };
    this.taking.set(clientId, taking);
    this.take(taking);
  }

  /** Even when the mailbox answers at once, what it held goes out after the welcome, which the caller sends next. */
  private take(taking: Taking): void {
    let contents: MailboxContents | null | Promise<MailboxContents | null>;
    try {
      contents = this.mailbox.take(taking.connection.clientId);
    } catch {
      contents = null;
    }
    if (!(contents instanceof Promise)) {
      if (contents === null && taking.held.length === 0 && !taking.again) {
        // Nothing kept (the usual case on one node): nothing to order, nothing held.
        this.taking.delete(taking.connection.clientId);
        return;
      }
      void Promise.resolve().then(() => this.taken(taking, contents));
      return;
    }
    const timer = setTimeout(() => this.release(taking), MAILBOX_TAKE_TIMEOUT_MS);
    timer.unref();
    contents.then(
      (taken) => {
        clearTimeout(timer);
        this.taken(taking, taken);
      },
      () => {
        clearTimeout(timer);
        this.taken(taking, null);
      },
    );
  }

  /** The mailbox did not answer in time: what was held goes out now; the mailbox, if it answers, follows. */
  private release(taking: Taking): void {
    const clientId = taking.connection.clientId;
    if (this.taking.get(clientId) !== taking) return;
    this.taking.delete(clientId);
    taking.released = true;
    const held = taking.held.splice(0);
    if (!taking.connection.closing) for (const json of held) this.send(taking.connection, json);
  }

  private taken(taking: Taking, contents: MailboxContents | null): void {
    const { connection } = taking;
    const clientId = connection.clientId;
    if (taking.released && contents !== null && !connection.closing && this.registry.get(clientId) === connection) {
      this.deliver(connection, contents);
      return;
    }
    if (this.taking.get(clientId) !== taking) {
      // A newer connection of the same id took over: it gets what was taken, before what it holds.
      if (contents !== null) this.putBack(clientId, contents.messages);
      return;
    }
    if (connection.closing || this.registry.get(clientId) !== connection) {
      // Gone meanwhile: what was taken and held goes back to the mailbox, in order.
      this.taking.delete(clientId);
      this.putBack(clientId, [...(contents?.messages ?? []), ...taking.held]);
      return;
    }
    if (contents !== null && (contents.messages.length > 0 || contents.dropped > 0)) this.deliver(connection, contents);
    if (taking.again) {
      taking.again = false;
      this.take(taking);
      return;
    }
    this.taking.delete(clientId);
    for (const json of taking.held) this.send(connection, json);
  }

  private deliver(connection: ClientConnection, contents: MailboxContents): void {
    const notice = serializeEnvelope({
      type: SystemMessageType.Mailbox,
      content: { delivered: contents.messages.length, dropped: contents.dropped },
    });
    this.send(connection, notice);
    for (const json of contents.messages) this.send(connection, json);
  }

  private send(connection: ClientConnection, json: string): void {
    this.sender.deliver([connection], this.sender.frame(json), null, { queued: 0, dropped: 0 });
  }

  private putBack(clientId: string, messages: readonly string[]): void {
    for (const json of messages) this.mailbox.keep(clientId, json);
  }
}
