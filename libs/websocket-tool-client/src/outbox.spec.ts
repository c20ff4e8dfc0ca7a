import { describe, expect, it } from 'vitest';
import type { ClientClock } from './clock.interface.js';
import type { WsOutgoingMessage } from './message.interface.js';
import type { DropReason } from './offline-queue.js';
import { Outbox, type QueuedMessage } from './outbox.js';
import { PendingRequests, type PendingRequest } from './pending-requests.js';
import { WsRequestFailedError } from './request-errors.js';
import { resolveClientOptions } from './resolve-client-options.js';
import type { WebSocketLike } from './websocket-like.interface.js';

/** Timers that run only when the test advances time. */
class ManualClock implements ClientClock {
  time = 0;
  private timers: Array<{ id: number; at: number; fn: () => void }> = [];
  private nextId = 1;
  now(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ id, at: this.time + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }
  advance(ms: number): void {
    this.time += ms;
    for (const due of this.timers.filter((t) => t.at <= this.time)) {
      this.timers = this.timers.filter((t) => t !== due);
      due.fn();
    }
  }
}

function item(content: string): QueuedMessage {
  const message: WsOutgoingMessage = { type: 'note', content, meta: {} };
  return { json: JSON.stringify(message), message };
}

function setup(offlineQueueSize = 2) {
  const clock = new ManualClock();
  const written: string[] = [];
  const dropped: Array<[unknown, DropReason]> = [];
  const socket = { send: (data: string) => written.push(data) } as unknown as WebSocketLike;
  let open = false;
  const pending = new PendingRequests(clock);
  const options = resolveClientOptions({ clock, offlineQueueSize, onDrop: (m, reason) => dropped.push([m.content, reason]) });
  const outbox = new Outbox(options, () => (open ? socket : null), pending);
  const contents = (): unknown[] => written.map((json) => (JSON.parse(json) as WsOutgoingMessage).content);
  return { clock, pending, outbox, contents, dropped, setOpen: (value: boolean) => (open = value) };
}

describe('Outbox', () => {
  it('writes at once while open, queues while not, and drains in order once open', () => {
    const t = setup(5);
    expect(t.outbox.send(item('a'))).toBe('queued');
    expect(t.outbox.send(item('b'))).toBe('queued');
    t.setOpen(true);
    t.outbox.drain();
    expect(t.outbox.send(item('c'))).toBe('sent');
    expect(t.contents()).toEqual(['a', 'b', 'c']);
    expect(t.outbox.size).toBe(0);
  });

  it('holds sends while rate-limited and sends them once the limit allows', () => {
    const t = setup(5);
    t.setOpen(true);
    t.outbox.onRateLimited(t.clock.now(), { retryAfter: 2 });
    expect(t.outbox.send(item('held'))).toBe('queued');
    const until = t.outbox.heldUntil(t.clock.now());
    expect(until).toBeGreaterThanOrEqual(2000);
    t.clock.advance(until - 1);
    expect(t.contents()).toEqual([]);
    t.clock.advance(1);
    expect(t.contents()).toEqual(['held']);
  });

  it('reports what the full queue drops and rejects a dropped request', async () => {
    const t = setup(1);
    const request: PendingRequest = { id: 'r1', json: '', message: { type: 'ask', meta: {} }, sent: false, queued: true };
    const reply = t.pending.add(request, 10_000, () => new Error('timeout'));
    t.outbox.send({ ...item('first'), request });
    expect(t.outbox.send(item('second'))).toBe('queued');
    expect(t.dropped).toEqual([['first', 'queue_full']]);
    expect(t.outbox.dropped).toBe(1);
    await expect(reply).rejects.toBeInstanceOf(WsRequestFailedError);
  });

  it('writes protocol messages only while open', () => {
    const t = setup();
    expect(t.outbox.writeDirect({ type: 'system.pong', content: 'pong', meta: {} })).toBe(false);
    t.setOpen(true);
    expect(t.outbox.writeDirect({ type: 'system.pong', content: 'pong', meta: {} })).toBe(true);
    expect(t.contents()).toEqual(['pong']);
  });
});
