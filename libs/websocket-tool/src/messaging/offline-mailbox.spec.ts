import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClusterMailboxListener, MailboxContents } from '../cluster/mailbox/cluster-mailbox.js';
import { ClusterMailbox } from '../cluster/mailbox/cluster-mailbox.js';
import type { ClientConnection } from '../connection/client-connection.js';
import type { ConnectionListener } from '../connection/connection-listener.js';
import type { ConnectionRegistry } from '../connection/connection-registry.js';
import type { OutboundSender } from '../outbound/outbound-sender.js';
import { InMemoryClusterMailbox } from '../cluster/mailbox/in-memory-cluster-mailbox.js';
import { MAILBOX_TAKE_TIMEOUT_MS, OfflineMailbox } from './offline-mailbox.js';

/** A mailbox over a slow store: each take answers when the test says so. */
class FakeMailbox extends ClusterMailbox {
  readonly enabled = true;
  readonly kept: Array<[string, string]> = [];
  readonly pending: Array<(contents: MailboxContents | null) => void> = [];
  listener: ClusterMailboxListener | null = null;
  keep(clientId: string, json: string): boolean {
    this.kept.push([clientId, json]);
    return true;
  }
  take(): Promise<MailboxContents | null> {
    return new Promise((resolve) => this.pending.push(resolve));
  }
  subscribe(listener: ClusterMailboxListener) {
    this.listener = listener;
    return () => undefined;
  }
}

function setup(store: ClusterMailbox = new FakeMailbox()) {
  const connections = new Map<string, ClientConnection>();
  let registryListener: ConnectionListener = {};
  const registry = {
    get: (id: string) => connections.get(id),
    listen: (listener: ConnectionListener) => {
      registryListener = listener;
      return () => undefined;
    },
  } as unknown as ConnectionRegistry;
  const sent: Array<[string, string]> = [];
  const sender = {
    frame: (json: string) => json,
    deliver: (targets: ClientConnection[], frame: string) => {
      for (const t of targets) sent.push([t.clientId, frame]);
    },
  } as unknown as OutboundSender;
  const mailbox = new OfflineMailbox(registry, sender, store);
  mailbox.onModuleInit();
  const connect = (clientId: string, named = true) => {
    const connection = { clientId, named, closing: false } as ClientConnection;
    connections.set(clientId, connection);
    registryListener.added?.(connection);
    return connection;
  };
  const bodies = () => sent.map(([, json]) => (json.startsWith('{') ? (JSON.parse(json) as { type: string; content: unknown }) : json));
  return { mailbox, store: store as FakeMailbox, connections, connect, sent, bodies };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('OfflineMailbox', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('holds what is sent while the mailbox is read, and sends it after the notice and the kept messages', async () => {
    const { mailbox, store, connect, bodies } = setup();
    connect('alice');
    expect(mailbox.holding).toBe(1);
    expect(mailbox.hold('alice', 'live-1')).toBe(true);
    expect(mailbox.hold('bob', 'x')).toBe(false);
    store.pending.shift()?.({ messages: ['k1', 'k2'], dropped: 3 });
    await flush();
    expect(mailbox.holding).toBe(0);
    expect(bodies()).toEqual([
      expect.objectContaining({ type: 'system.mailbox', content: { delivered: 2, dropped: 3 } }),
      'k1',
      'k2',
      'live-1',
    ]);
  });

  it('a keep notice during the read takes the mailbox again before the held messages go', async () => {
    const { mailbox, store, connect, bodies } = setup();
    connect('alice');
    store.listener?.kept('alice');
    mailbox.hold('alice', 'live');
    store.pending.shift()?.({ messages: ['k1'], dropped: 0 });
    await flush();
    expect(mailbox.holding).toBe(1);
    store.pending.shift()?.({ messages: ['k2'], dropped: 0 });
    await flush();
    expect(bodies().filter((b) => typeof b === 'string')).toEqual(['k1', 'k2', 'live']);
    // A notice for a client not connected here, or anonymous clients, start nothing.
    store.listener?.kept('nobody');
    connect('anon-1', false);
    expect(mailbox.holding).toBe(0);
    expect(mailbox.keep('anon-1', 'x')).toBe(false);
  });

  it('puts what it took and held back in the mailbox, in order, when the client left meanwhile', async () => {
    const { mailbox, store, connect, connections, sent } = setup();
    connect('alice');
    mailbox.hold('alice', 'live');
    connections.delete('alice');
    store.pending.shift()?.({ messages: ['k1'], dropped: 1 });
    await flush();
    expect(sent).toEqual([]);
    expect(store.kept).toEqual([
      ['alice', 'k1'],
      ['alice', 'live'],
    ]);
  });

  it('on one node, a named client with nothing kept holds nothing, not even for a turn', async () => {
    const memory = new InMemoryClusterMailbox({ size: 5, ttlMs: 60_000 });
    const { mailbox, connect, bodies } = setup(memory);
    connect('alice');
    expect(mailbox.holding).toBe(0);
    memory.keep('bob', 'k1');
    connect('bob');
    expect(mailbox.holding).toBe(1);
    expect(mailbox.hold('bob', 'live')).toBe(true);
    await flush();
    expect(bodies()).toEqual([expect.objectContaining({ type: 'system.mailbox' }), 'k1', 'live']);
  });

  it('lets the held messages go when the mailbox does not answer in time, and delivers a late answer', async () => {
    vi.useFakeTimers();
    const { mailbox, store, connect, bodies } = setup();
    connect('alice');
    mailbox.hold('alice', 'live');
    vi.advanceTimersByTime(MAILBOX_TAKE_TIMEOUT_MS);
    expect(mailbox.holding).toBe(0);
    expect(bodies()).toEqual(['live']);
    vi.useRealTimers();
    store.pending.shift()?.({ messages: ['late'], dropped: 0 });
    await flush();
    expect(bodies().slice(1)).toEqual([expect.objectContaining({ type: 'system.mailbox' }), 'late']);
  });
});
