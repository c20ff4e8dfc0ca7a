import { Logger } from '@nestjs/common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveSettings } from '../config/resolve-settings.js';
import type { WebSocketToolConfigOptions } from '../config/websocket-tool-module-options.interface.js';
import { ClusterHistory, type ClusterHistoryRead, type StampableFrame } from '../cluster/history/cluster-history.js';
import { TopicHistoryStore } from './topic-history-store.js';

const TOPICS: WebSocketToolConfigOptions['topics'] = [
  { pattern: 'chat:*', history: { size: 3, ttlSeconds: 1 } },
  { pattern: 'prices', latest: true },
  { pattern: 'game:*', history: { size: 5, ttlSeconds: 10 }, latest: true },
];

function storeOf(options: WebSocketToolConfigOptions = { topics: TOPICS }) {
  let now = 0;
  const store = new TopicHistoryStore(resolveSettings(options, {}), () => now);
  const publish = (topic: string, content: unknown, meta?: Record<string, unknown>) => {
    const rule = store.rule(topic);
    return rule === null ? null : store.record(topic, { type: 'msg', content, meta }, rule);
  };
  return { store, publish, at: (ms: number) => (now = ms) };
}

const parsed = (json: string) => JSON.parse(json) as { content: unknown; meta: Record<string, unknown> };

describe('TopicHistoryStore', () => {
  afterEach(() => vi.restoreAllMocks());

  it('stamps topic, offset and epoch on a history topic, keeping other meta keys', () => {
    const { store, publish } = storeOf();
    const first = parsed(publish('chat:1', 'a', { trace: 't1' }) as string);
    const second = parsed(publish('chat:1', 'b') as string);
    expect(first.meta).toMatchObject({ trace: 't1', topic: 'chat:1', offset: 1 });
    expect(second.meta).toMatchObject({ topic: 'chat:1', offset: 2, epoch: first.meta.epoch });
    expect(store.rule('other')).toBeNull();
    // Another topic of the same pattern has its own history and epoch.
    expect(parsed(publish('chat:2', 'x') as string).meta.offset).toBe(1);
  });

  it('a latest-value topic without history keeps its last message without positions', () => {
    const { store, publish } = storeOf();
    publish('prices', 1);
    publish('prices', 2);
    const resumed = store.resume('prices', undefined);
    expect(resumed.fields).toEqual({});
    expect(resumed.frames.map((f) => parsed(f).content)).toEqual([2]);
    expect(parsed(resumed.frames[0]).meta).toEqual({});
    expect(store.resume('prices', { offset: 1, epoch: 'x' }).fields).toEqual({ recovered: false });
    expect(store.history('prices')).toBeNull();
  });

  it('resumes: recovered with the missed messages, or not when the epoch, the offset or the ttl says so', () => {
    const { store, publish, at } = storeOf();
    publish('chat:1', 'a');
    publish('chat:1', 'b');
    const epoch = parsed(publish('chat:1', 'c') as string).meta.epoch as string;
    expect(store.resume('chat:1', undefined)).toEqual({ fields: { offset: 3, epoch }, frames: [] });
    const ok = store.resume('chat:1', { offset: 1, epoch });
    expect(ok.fields).toEqual({ offset: 3, epoch, recovered: true, replayed: 2 });
    expect(ok.frames.map((f) => parsed(f).content)).toEqual(['b', 'c']);
    expect(store.resume('chat:1', { offset: 3, epoch }).fields).toMatchObject({ recovered: true, replayed: 0 });
    const refused = { offset: 3, epoch, recovered: false, replayed: 0 };
    expect(store.resume('chat:1', { offset: 1, epoch: 'zzzzzzzz' })).toEqual({ fields: refused, frames: [] });
    expect(store.resume('chat:1', { offset: 4, epoch }).fields).toEqual(refused);
    expect(store.resume('chat:1', 'nonsense').fields).toEqual(refused);
    publish('chat:1', 'd'); // size 3: 'a' leaves
    expect(store.resume('chat:1', { offset: 0, epoch }).fields).toMatchObject({ recovered: false });
    at(1_000); // ttl 1 s: all gone
    expect(store.resume('chat:1', { offset: 3, epoch }).fields).toMatchObject({ recovered: false });
    expect(store.resume('chat:1', { offset: 4, epoch }).fields).toMatchObject({ recovered: true, replayed: 0 });
  });

  it('a latest-value topic with history sends its last message unless a recovery covered it', () => {
    const { store, publish } = storeOf();
    expect(store.resume('game:1', undefined).frames).toEqual([]);
    publish('game:1', 's1');
    const epoch = parsed(publish('game:1', 's2') as string).meta.epoch;
    expect(store.resume('game:1', undefined).frames.map((f) => parsed(f).content)).toEqual(['s2']);
    expect(store.resume('game:1', { offset: 1, epoch }).frames.map((f) => parsed(f).content)).toEqual(['s2']);
    expect(store.resume('game:1', { offset: 2, epoch }).frames).toEqual([]);
    expect(store.resume('game:1', { offset: 9, epoch }).frames.map((f) => parsed(f).content)).toEqual(['s2']);
  });

  it('history(): since, limit, oldest first; null without history', () => {
    const { store, publish } = storeOf({ topics: [{ pattern: 'log', history: { size: 10, ttlSeconds: 60 } }] });
    for (let i = 1; i <= 6; i++) publish('log', i);
    const all = store.history('log');
    expect(all?.offset).toBe(6);
    expect(all?.messages.map((m) => m.content)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(all?.messages[0]).toMatchObject({ type: 'msg', meta: { topic: 'log', offset: 1, epoch: all?.epoch } });
    expect(store.history('log', { limit: 2 })?.messages.map((m) => m.content)).toEqual([5, 6]);
    expect(store.history('log', { since: 2, limit: 2 })?.messages.map((m) => m.content)).toEqual([3, 4]);
    expect(store.history('log', { since: 6 })?.messages).toEqual([]);
    expect(store.history('other')).toBeNull();
  });

  it('a message that cannot be serialized uses no offset', () => {
    const { publish } = storeOf();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(publish('chat:1', cyclic)).toBeNull();
    expect(parsed(publish('chat:1', 'ok') as string).meta.offset).toBe(1);
  });

  it('sweep forgets histories with nothing kept: the topic comes back with a new epoch', () => {
    const { store, publish, at } = storeOf();
    const epoch = parsed(publish('chat:1', 'a') as string).meta.epoch;
    store.sweep();
    expect(store.resume('chat:1', undefined).fields).toMatchObject({ epoch, offset: 1 });
    at(5_000);
    store.sweep();
    expect(store.resume('chat:1', { offset: 1, epoch }).fields).toMatchObject({ offset: 0, recovered: false });
  });

  it('cluster settings without a shared history seam keep nothing: one warning, no positions, since never recovered', () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { store, publish } = storeOf({ topics: TOPICS, cluster: { redis: { url: 'redis://127.0.0.1:6379' } } });
    expect(store.enabled).toBe(false);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/no history is kept/);
    expect(publish('chat:1', 'a')).toBeNull(); // no rule applies: BroadcastService serializes it as any topic
    expect(store.resume('chat:1', { offset: 0, epoch: 'x' })).toEqual({ fields: { recovered: false }, frames: [] });
    expect(store.resume('chat:1', undefined)).toEqual({ fields: {}, frames: [] });
    expect(store.history('chat:1')).toBeNull();
  });

  it('on one node without a topics option, warns nothing and keeps nothing', () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { store } = storeOf({});
    expect(store.enabled).toBe(true);
    expect(store.rule('chat:1')).toBeNull();
    expect(warn).not.toHaveBeenCalled();
  });

  describe('in cluster mode (a shared history seam)', () => {
    const CLUSTER = { topics: TOPICS, cluster: { redis: { url: 'redis://127.0.0.1:6379' } } };

    /** A shared seam whose reads answer `read` (or fail when it is an Error) and which records publishes. */
    class FakeShared extends ClusterHistory {
      readonly shared = true;
      published: Array<{ topic: string; json: string }> = [];
      constructor(private readonly answer: ClusterHistoryRead | Error) {
        super();
      }
      publish(topic: string, frame: StampableFrame): boolean {
        this.published.push({ topic, json: `${frame.head}1${frame.mid}e${frame.tail}` });
        return true;
      }
      resume(): Promise<ClusterHistoryRead> {
        return this.answer instanceof Error ? Promise.reject(this.answer) : Promise.resolve(this.answer);
      }
      read(): Promise<ClusterHistoryRead> {
        return this.resume();
      }
      kept: Array<{ topic: string; json: string }> = [];
      keepLatest(topic: string, json: string): void {
        this.kept.push({ topic, json });
      }
      latest(): Promise<string | null> {
        return this.answer instanceof Error ? Promise.reject(this.answer) : Promise.resolve(this.kept.at(-1)?.json ?? null);
      }
      keptMessages(): Promise<number> {
        return Promise.resolve(this.published.length);
      }
      tops(): Promise<never[]> {
        return Promise.resolve([]);
      }
      subscribe(): () => void {
        return () => undefined;
      }
      watchLink(): () => void {
        return () => undefined;
      }
    }
    const sharedStore = (answer: ClusterHistoryRead | Error) => {
      const seam = new FakeShared(answer);
      return { seam, store: new TopicHistoryStore(resolveSettings(CLUSTER, {}), Date.now, seam) };
    };

    it('keeps the last value of a latest-value topic without history in the shared seam, and answers it to a subscriber', async () => {
      const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const { seam, store } = sharedStore({ epoch: 'e', offset: 0, recovered: false, frames: [] });
      expect(store.shared).toBe(true);
      expect(warn).not.toHaveBeenCalled();
      const rule = store.rule('prices') as NonNullable<ReturnType<typeof store.rule>>;
      expect(rule).toMatchObject({ latest: true, history: null });
      const json = store.record('prices', { type: 'price', content: 42 }, rule) as string;
      expect(seam.kept).toEqual([{ topic: 'prices', json }]);
      expect(await store.resumeShared('prices', undefined, rule)).toEqual({
        fields: {},
        frames: [json],
        epoch: null,
        offset: -1,
        latest: true,
      });
      expect((await store.resumeShared('prices', { offset: 1, epoch: 'x' }, rule)).fields).toEqual({ recovered: false });
      expect(store.rule('plain')).toBeNull();
    });

    it('answers a recovery from the read, recovered false for a malformed since, and without a position when the read fails', async () => {
      vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const read: ClusterHistoryRead = { epoch: 'abcdefgh', offset: 7, recovered: true, frames: ['f6', 'f7'] };
      const { store } = sharedStore(read);
      const rule = store.rule('game:1') as NonNullable<ReturnType<typeof store.rule>>;
      expect(await store.resumeShared('game:1', { offset: 5, epoch: 'abcdefgh' }, rule)).toEqual({
        fields: { offset: 7, epoch: 'abcdefgh', recovered: true, replayed: 2 },
        frames: ['f6', 'f7'],
        epoch: 'abcdefgh',
        offset: 7,
      });
      expect((await store.resumeShared('game:1', { offset: 'x', epoch: 'abcdefgh' }, rule)).fields).toMatchObject({
        recovered: false,
        replayed: 0,
      });
      expect((await store.resumeShared('game:1', undefined, rule)).fields).toEqual({ offset: 7, epoch: 'abcdefgh' });
      const failing = sharedStore(new Error('Redis is not reachable')).store;
      expect(await failing.resumeShared('game:1', { offset: 5, epoch: 'abcdefgh' }, rule)).toEqual({
        fields: { recovered: false, replayed: 0 },
        frames: [],
        epoch: null,
        offset: -1,
      });
      expect(await failing.resumeShared('game:1', undefined, rule)).toMatchObject({ fields: {}, frames: [] });
      await expect(failing.sharedHistory('game:1')).rejects.toThrow(/not reachable/);
    });

    it('history() pages the frames read: since keeps the first `limit`, without since the last `limit`', async () => {
      vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const frames = [1, 2, 3].map((n) => JSON.stringify({ type: 'm', content: n, meta: { topic: 'chat:1', offset: n, epoch: 'e' } }));
      const { store } = sharedStore({ epoch: 'e', offset: 3, recovered: true, frames });
      expect((await store.sharedHistory('chat:1', { limit: 2 }))?.messages.map((m) => m.content)).toEqual([2, 3]);
      expect((await store.sharedHistory('chat:1', { since: 0, limit: 2 }))?.messages.map((m) => m.content)).toEqual([1, 2]);
      expect(await store.sharedHistory('plain')).toBeNull();
    });
  });
});
