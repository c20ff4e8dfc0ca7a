import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeConnection } from '../../../../test/utils/dispatch-fakes.js';
import type { Unsubscribe } from '../cluster/cluster-listener.js';
import {
  ClusterHistory,
  type ClusterHistoryLinkListener,
  type ClusterHistoryRead,
  type HistoryTop,
} from '../cluster/history/cluster-history.js';
import { resolveSettings } from '../config/resolve-settings.js';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import type { WsOutboundMessage } from '../protocol/envelope.interface.js';
import { WsStatsService } from '../stats/ws-stats.service.js';
import { StreamContinuity } from './stream-continuity.service.js';
import { TopicHistoryStore } from './topic-history-store.js';

/** A shared history whose link the test drops and restores, and whose position reads it answers by hand. */
class FakeSharedHistory extends ClusterHistory {
  readonly shared = true;
  link: ClusterHistoryLinkListener | null = null;
  readonly reads: Array<{ topics: readonly string[]; answer: (tops: Array<HistoryTop | null> | Error) => void }> = [];
  publish(): boolean {
    return true;
  }
  resume(): Promise<ClusterHistoryRead> {
    return Promise.reject(new Error('not read here'));
  }
  read(): Promise<ClusterHistoryRead> {
    return this.resume();
  }
  keepLatest(): void {}
  latest(): Promise<string | null> {
    return Promise.resolve(null);
  }
  keptMessages(): Promise<number> {
    return Promise.resolve(0);
  }
  tops(topics: readonly string[]): Promise<Array<HistoryTop | null>> {
    return new Promise((resolve, reject) => {
      this.reads.push({ topics, answer: (tops) => (tops instanceof Error ? reject(tops) : resolve(tops)) });
    });
  }
  subscribe(): Unsubscribe {
    return () => undefined;
  }
  watchLink(listener: ClusterHistoryLinkListener): Unsubscribe {
    this.link = listener;
    return () => (this.link = null);
  }
}

const settings = resolveSettings(
  {
    topics: [{ pattern: 'feed:*', history: { size: 100, ttlSeconds: 60 } }],
    cluster: { redis: { url: 'redis://127.0.0.1:1' } },
  },
  {},
);

function setUp() {
  const stats = new WsStatsService();
  const registry = new ConnectionRegistry(settings, stats);
  const history = new FakeSharedHistory();
  const continuity = new StreamContinuity(registry, new TopicHistoryStore(settings, Date.now, history), history, stats);
  continuity.onModuleInit();
  const sent: Array<{ to: string; message: WsOutboundMessage }> = [];
  vi.spyOn(registry, 'sendTo').mockImplementation((connection, message) => {
    sent.push({ to: connection.clientId, message });
    return 'queued';
  });
  const join = (clientId: string, ...topics: string[]) => {
    const connection = fakeConnection(clientId, settings);
    registry.add(connection);
    for (const topic of topics) registry.subscribeConnection(connection, topic);
    return connection;
  };
  return { registry, history, continuity, sent, join, stats };
}

/** Lets the promise callbacks of a read run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

const notice = (topic: string) => ({
  type: 'system.unsubscribed',
  content: { topic, was_subscribed: true, reason: 'insufficient_state' },
});

describe('StreamContinuity', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('unsubscribes and tells every local subscriber of a topic whose stream skipped, and keeps the message from them', () => {
    const { registry, continuity, sent, join, stats } = setUp();
    const alice = join('alice', 'feed:1');
    join('bob', 'feed:1', 'feed:2');
    expect(continuity.follow('feed:1', 1, 'e')).toBe(true);
    expect(continuity.follow('feed:2', 1, 'e')).toBe(true);
    expect(continuity.follow('feed:1', 3, 'e')).toBe(false);
    expect(registry.subscribers('feed:1')).toBeUndefined();
    expect([...alice.topics]).toEqual([]);
    expect(sent).toEqual([
      { to: 'alice', message: notice('feed:1') },
      { to: 'bob', message: notice('feed:1') },
    ]);
    expect(stats.missedMessageNotices).toEqual({ insufficient_state: 2, topic_gap: 0 });
    expect(registry.subscribers('feed:2')?.size).toBe(1);
  });

  it('reads the topics that got nothing since the link was lost, and takes only the read sent after the last return', async () => {
    const { history, continuity, sent, join } = setUp();
    join('alice', 'feed:quiet', 'feed:moved');
    continuity.follow('feed:quiet', 4, 'e');
    continuity.follow('feed:moved', 4, 'e');
    history.link?.lost();
    history.link?.back();
    // The link drops again before the first read answers: its failure says nothing.
    history.link?.lost();
    history.reads[0].answer(new Error('CLUSTERDOWN'));
    await settle();
    expect(sent).toEqual([]);
    history.link?.back();
    expect(history.reads[1].topics).toEqual(['feed:quiet', 'feed:moved']);
    history.reads[1].answer([
      { offset: 4, epoch: 'e' },
      { offset: 6, epoch: 'e' },
    ]);
    await settle();
    expect(sent).toEqual([{ to: 'alice', message: notice('feed:moved') }]);
  });

  it('counts a failed read after the last return as missed', async () => {
    const { history, continuity, sent, join } = setUp();
    join('alice', 'feed:1');
    continuity.follow('feed:1', 4, 'e');
    history.link?.lost();
    history.link?.back();
    history.reads[0].answer(new Error('timeout'));
    await settle();
    expect(sent).toEqual([{ to: 'alice', message: notice('feed:1') }]);
  });

  it('tells the subscribers of topics without history once, after the link stayed up', () => {
    vi.useFakeTimers();
    const { history, sent, join, stats } = setUp();
    join('alice', 'chat:1');
    history.link?.lost();
    history.link?.back();
    vi.advanceTimersByTime(100);
    history.link?.lost();
    history.link?.back();
    vi.advanceTimersByTime(299);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([{ to: 'alice', message: { type: 'system.topic_gap', content: { topic: 'chat:1', reason: 'link_lost' } } }]);
    expect(stats.missedMessageNotices).toEqual({ insufficient_state: 0, topic_gap: 1 });
  });
});
