import type { MailboxSettings } from '../../config/mailbox-options.interface.js';
import { addListener, type Unsubscribe } from '../cluster-listener.js';
import { encodeWire, type WireHeader } from '../redis/cluster-wire.js';
import type { RedisLink } from '../redis/redis-link.js';
import { ClusterMailbox, type ClusterMailboxListener, type MailboxContents } from './cluster-mailbox.js';

const noop = (): void => undefined;

/**
 * The mailbox over Redis: a list per client id, trimmed to `size`, expiring
 * `ttlMs` after the last message kept (each entry carries its own expiry, which
 * the reader honours), written and taken by Lua scripts. Every keep publishes
 * a notice (`m`) on the cluster channel: a node holding that client takes its
 * mailbox again, so a message kept while the client was connecting elsewhere
 * is not left behind.
 *
 * @internal
 */
export class RedisClusterMailbox extends ClusterMailbox {
  readonly enabled: boolean;
  private readonly listeners: ClusterMailboxListener[] = [];

  constructor(
    private readonly link: RedisLink,
    private readonly settings: MailboxSettings | null,
  ) {
    super();
    this.enabled = settings !== null;
    if (settings !== null) link.subscribe({ receive: (header) => this.receive(header) });
  }

  /** Hands the message to Redis; false when the option is off or Redis is unreachable now (the message is not kept). */
  keep(clientId: string, json: string): boolean {
    const settings = this.settings;
    if (settings === null) return false;
    const pub = this.link.openPub();
    if (pub === null) return false;
    const keys = this.link.keys;
    const notice = encodeWire({ k: 'm', o: this.link.nodeId, c: clientId });
    pub
      .wstMailboxKeep(
        keys.mailbox(clientId),
        keys.mailboxDropped(clientId),
        json,
        settings.size,
        settings.ttlMs,
        keys.mailboxChannel(clientId),
        notice,
      )
      .catch(noop);
    return true;
  }

  take(clientId: string): Promise<MailboxContents | null> | null {
    if (this.settings === null) return null;
    const pub = this.link.openPub();
    if (pub === null) return null;
    const keys = this.link.keys;
    return pub.wstMailboxTake(keys.mailbox(clientId), keys.mailboxDropped(clientId)).then(
      (answer) => {
        const dropped = Number(answer[0]) || 0;
        const messages = answer.slice(1).map(String);
        return messages.length === 0 && dropped === 0 ? null : { messages, dropped };
      },
      () => null,
    );
  }

  subscribe(listener: ClusterMailboxListener): Unsubscribe {
    return addListener(this.listeners, listener);
  }

  private receive(h: WireHeader): void {
    if (h.k !== 'm') return;
    for (const listener of this.listeners) listener.kept(h.c);
  }
}
