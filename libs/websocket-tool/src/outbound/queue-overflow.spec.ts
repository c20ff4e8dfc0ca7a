import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../config/resolve-settings.js';
import { serializeEnvelope } from '../protocol/serialize-envelope.js';
import { WsStatsService } from '../stats/ws-stats.service.js';
import type { ClientQueue } from './client-queue.js';
import { OutboundBudget } from './outbound-budget.js';
import { OutboundFrame } from './outbound-frame.js';
import { OverflowRules } from './overflow-rules.js';
import { QueueOverflow } from './queue-overflow.js';

const rules = OverflowRules.of([
  { type: 'price', policy: 'coalesce', key: ['k'] },
  { type: 'log', policy: 'drop-oldest', key: null },
  { type: 'sample', policy: 'drop-newest', key: null },
])!;

const frame = (type: string, content: unknown) => {
  const json = serializeEnvelope({ type, content });
  const f = new OutboundFrame(json, 0);
  rules.classify(f, json);
  return f;
};

function setUp(...initial: Array<[string, unknown]>) {
  const budget = new OutboundBudget(resolveSettings({}, {}));
  const stats = new WsStatsService();
  const queue = { frames: [] as OutboundFrame[], head: 0, queuedBytes: 0 } as unknown as ClientQueue;
  for (const [type, content] of initial) {
    const f = frame(type, content);
    queue.frames.push(f);
    queue.queuedBytes += f.bytes.length;
    budget.hold(f);
  }
  const contents = () => queue.frames.slice(queue.head).map((f) => JSON.parse(f!.payload.toString()).content);
  return { overflow: new QueueOverflow(budget, stats), stats, budget, queue, contents };
}

describe('QueueOverflow', () => {
  it('coalesce: the new value takes the place of its key, later duplicates go, the others keep their order', () => {
    const { overflow, stats, budget, queue, contents } = setUp(
      ['price', { k: 'a', v: 1 }],
      ['price', { k: 'b', v: 1 }],
      ['price', { k: 'a', v: 2 }],
      ['log', 'x'],
    );
    expect(overflow.makeRoom(queue, frame('price', { k: 'a', v: 3 }))).toBe('placed');
    expect(contents()).toEqual([{ k: 'a', v: 3 }, { k: 'b', v: 1 }, 'x']);
    expect(stats.overflowByPolicy.get('coalesce')?.get('price')).toBe(2);
    expect(budget.size).toBe(3);
    expect(queue.queuedBytes).toBe(queue.frames.reduce((sum, f) => sum + f!.bytes.length, 0));
    // A key with nothing queued: the oldest of the type makes room.
    expect(overflow.makeRoom(queue, frame('price', { k: 'c', v: 1 }))).toBe('queue');
    expect(contents()).toEqual([{ k: 'b', v: 1 }, 'x']);
  });

  it('drop-oldest drops the oldest of its type; drop-newest, or nothing of the type queued, drops the new one', () => {
    const { overflow, stats, queue, contents } = setUp(['price', { k: 'a' }], ['log', 1], ['log', 2]);
    expect(overflow.makeRoom(queue, frame('log', 3))).toBe('queue');
    expect(contents()).toEqual([{ k: 'a' }, 2]);
    expect(overflow.makeRoom(queue, frame('sample', 1))).toBe('drop');
    expect(stats.overflowByPolicy.get('drop-oldest')?.get('log')).toBe(1);
    expect(stats.overflowByPolicy.get('drop-newest')?.get('sample')).toBe(1);
  });

  it('while the socket is full: coalesce keeps one value per key, drop-oldest the newest of its type, drop-newest nothing new', () => {
    const { overflow, stats, queue, contents } = setUp(['price', { k: 'a', v: 1 }], ['log', 1], ['log', 2]);
    expect(overflow.whileStalled(queue, frame('price', { k: 'a', v: 2 }))).toBe('placed');
    expect(overflow.whileStalled(queue, frame('price', { k: 'b', v: 1 }))).toBe('queue');
    expect(overflow.whileStalled(queue, frame('log', 3))).toBe('queue');
    expect(overflow.whileStalled(queue, frame('sample', 1))).toBe('drop');
    expect(contents()).toEqual([{ k: 'a', v: 2 }, 2]);
    expect(stats.overflowByPolicy.get('coalesce')?.get('price')).toBe(1);
    expect(stats.overflowByPolicy.get('drop-oldest')?.get('log')).toBe(1);
    expect(stats.overflowByPolicy.get('drop-newest')?.get('sample')).toBe(1);
  });

  it('trim for the shared budget: oldest first, drop-newest from the end, only until it fits, each counted', () => {
    const { overflow, stats, budget, queue, contents } = setUp(
      ['sample', 1],
      ['log', 1],
      ['sample', 2],
      ['price', { k: 'a' }],
      ['sample', 3],
    );
    expect(QueueOverflow.lenient(queue)).toBe(true);
    expect(overflow.trim(queue, () => budget.size <= 3)).toBe(2);
    expect(contents()).toEqual([1, 2, 3]);
    expect(overflow.trim(queue, () => budget.size <= 1)).toBe(2);
    expect(contents()).toEqual([1]);
    expect(stats.overflowByPolicy.get('drop-newest')?.get('sample')).toBe(2);
    expect(stats.overflowByPolicy.get('coalesce')?.get('price')).toBe(1);
    expect(queue.queuedBytes).toBe(queue.frames.slice(queue.head).reduce((sum, f) => sum + f!.bytes.length, 0));
    queue.frames.push(frame('plain', 1));
    expect(QueueOverflow.lenient(queue)).toBe(false);
  });
});
