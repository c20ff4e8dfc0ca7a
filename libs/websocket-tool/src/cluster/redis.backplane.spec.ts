import { describe, expect, it } from 'vitest';
import type { ClusterConfig } from './cluster-config.js';
import { encodeWire, type WireHeader } from './cluster-wire.js';
import { reconnectDelayMs, RedisBackplane } from './redis.backplane.js';

const CONFIG: ClusterConfig = {
  url: 'redis://127.0.0.1:1',
  nodeId: 'here',
  presenceTtlMs: 10_000,
  outboxSize: 10,
  keyPrefix: 'wst',
  requestTimeoutMs: 1000,
};

/** What the tests reach inside: the publishing connection and the subscriber's message handler. */
interface Internals {
  pub: unknown;
  onMessage(message: string): void;
}

/**
 * A backplane whose publishing connection is a stand-in: `HGETALL` answers
 * when the test says so, as Redis does when its reply is read after messages
 * that reached the subscriber connection first.
 */
function backplaneWithSlowRead(): {
  backplane: RedisBackplane;
  receive: (header: WireHeader) => void;
  answerRead: (entries: Record<string, string>) => Promise<void>;
} {
  const backplane = new RedisBackplane(CONFIG);
  let answer: ((entries: Record<string, string>) => void) | null = null;
  const internals = backplane as unknown as Internals;
  internals.pub = {
    status: 'ready',
    hgetall: () => new Promise<Record<string, string>>((resolve) => (answer = resolve)),
  };
  return {
    backplane,
    receive: (header) => internals.onMessage(encodeWire(header)),
    answerRead: async (entries) => {
      expect(answer).not.toBeNull();
      answer?.(entries);
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

describe('RedisBackplane: reloading another node’s clients', () => {
  it('keeps a client that joined while the node’s hash was read, though the read does not list it', async () => {
    const { backplane, receive, answerRead } = backplaneWithSlowRead();
    receive({ k: 's', o: 'there', s: 1 });
    receive({ k: 'j', o: 'there', c: 'gus', s: 2, at: 20, n: true });
    await answerRead({ old: '{"at":10,"n":false}' });
    expect(backplane.locate('gus')).toBe('there');
    expect(backplane.locate('old')).toBe('there');
  });

  it('forgets a client that left while the node’s hash was read, though the read still lists it', async () => {
    const { backplane, receive, answerRead } = backplaneWithSlowRead();
    receive({ k: 's', o: 'there', s: 1 });
    receive({ k: 'l', o: 'there', c: 'old' });
    await answerRead({ old: '{"at":10,"n":false}', stays: '{"at":11,"n":true}' });
    expect(backplane.locate('old')).toBeUndefined();
    expect(backplane.locate('stays')).toBe('there');
  });

  it('replaces what it knew of the node with the read', async () => {
    const { backplane, receive, answerRead } = backplaneWithSlowRead();
    receive({ k: 'j', o: 'there', c: 'gone-meanwhile', s: 1, at: 5, n: false });
    receive({ k: 's', o: 'there', s: 2 });
    await answerRead({ now: '{"at":10,"n":false}' });
    expect(backplane.locate('gone-meanwhile')).toBeUndefined();
    expect(backplane.locate('now')).toBe('there');
  });
});

describe('RedisBackplane: the outbox after an outage', () => {
  it('is not sent when an old publish is acknowledged on a connection that is back before the link is', async () => {
    const backplane = new RedisBackplane(CONFIG);
    const internals = backplane as unknown as Internals & { onPublished: () => void; flight: { count: number } };
    const published: string[] = [];
    const pub = { status: 'reconnecting', publish: (_channel: string, payload: string) => (published.push(payload), Promise.resolve(1)) };
    internals.pub = pub;
    for (let i = 0; i < 3; i++) backplane.publishTopic('room', `{"n":${i}}`);
    expect(backplane.status().outbox_size).toBe(3);
    // The publishing connection is ready again, the subscriber not yet: an acknowledgement arrives meanwhile.
    pub.status = 'ready';
    internals.flight.count = 1;
    internals.onPublished();
    await new Promise((resolve) => setImmediate(resolve));
    expect(published).toEqual([]);
    expect(backplane.status().outbox_size).toBe(3);
  });
});

describe('reconnectDelayMs', () => {
  it('doubles from 200 ms up to 4 s, with at most 100 ms of jitter, so a node retries within 4.1 s of Redis coming back', () => {
    const bases = [1, 2, 3, 4, 5, 6, 7, 50].map((attempt) => Math.floor(reconnectDelayMs(attempt) / 100) * 100);
    expect(bases).toEqual([200, 400, 800, 1600, 3200, 4000, 4000, 4000]);
    for (let i = 0; i < 200; i++) expect(reconnectDelayMs(100)).toBeLessThan(4100);
  });
});
