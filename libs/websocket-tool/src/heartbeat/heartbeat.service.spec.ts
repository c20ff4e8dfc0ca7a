import type { SchedulerRegistry } from '@nestjs/schedule';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { settingsOf } from '../../../../test/utils/dispatch-fakes.js';
import type { ClientConnection } from '../connection/client-connection.js';
import type { ConnectionRegistry } from '../connection/connection-registry.js';
import type { OutboundSender } from '../outbound/outbound-sender.js';
import { WsStatsService } from '../stats/ws-stats.service.js';
import { HEARTBEAT_SLICE_BUDGET_MS, HEARTBEAT_SLICE_EVERY_MS, HEARTBEAT_SLICE_MIN, HeartbeatService } from './heartbeat.service.js';

/** A connection as the heartbeat sees it: its id, when it was last heard from, and the pings it got. */
interface Peer {
  clientId: string;
  lastSeen: number;
  lastPing: number | null;
  pings: number;
  socket: { ping(): void; readyState: number };
  /** The TCP socket, when the server writes frames to it directly (null: through `ws`). */
  rawSocket: { cork(): void; write(bytes: Buffer): void; uncork(): void } | null;
}

function peers(count: number, lastSeen: number): Peer[] {
  return Array.from({ length: count }, (_, i) => {
    const peer: Peer = {
      clientId: `c${i}`,
      lastSeen,
      lastPing: null,
      pings: 0,
      socket: { ping: () => peer.pings++, readyState: 1 },
      rawSocket: null,
    };
    return peer;
  });
}

/** A heartbeat over fakes that record what it does; `onSend` runs on each `system.ping` sent. */
const setUp = (connections: Peer[], heartbeatInterval = 1, onSend: (c: Peer) => void = () => undefined) => {
  const live = new Map(connections.map((c) => [c.clientId, c]));
  const closed: string[] = [];
  const registry = {
    values: () => live.values(),
    isCurrent: (c: Peer) => live.get(c.clientId) === c,
    close: (c: Peer) => {
      closed.push(c.clientId);
      live.delete(c.clientId);
    },
  } as unknown as ConnectionRegistry;
  const sent: string[] = [];
  const sender = {
    frame: (json: string) => ({ json }),
    sendNow: (c: ClientConnection) => {
      sent.push(c.clientId);
      onSend(c as unknown as Peer);
    },
  } as unknown as OutboundSender;
  const settings = settingsOf({ heartbeatInterval, heartbeatTimeout: 10 });
  const stats = new WsStatsService();
  const scheduler = { doesExist: () => false } as unknown as SchedulerRegistry;
  const heartbeat = new HeartbeatService(settings, scheduler, registry, sender, stats);
  return { heartbeat, live, closed, sent, stats };
};

describe('HeartbeatService rounds', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it(`pings up to ${HEARTBEAT_SLICE_MIN} connections at once, as one sweep`, () => {
    const connections = peers(HEARTBEAT_SLICE_MIN, Date.now());
    const { heartbeat, sent } = setUp(connections);
    heartbeat.sweep();
    expect(sent).toHaveLength(HEARTBEAT_SLICE_MIN);
    expect(connections.every((c) => c.pings === 1)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('spreads a round over many connections across the first half of the interval, each pinged once, in order', () => {
    const connections = peers(10_000, Date.now());
    const { heartbeat, sent } = setUp(connections, 1);
    // 1 s interval: slices every 50 ms over 500 ms, 10 slices of 1,000.
    heartbeat.sweep();
    expect(sent).toHaveLength(1_000);
    vi.advanceTimersByTime(HEARTBEAT_SLICE_EVERY_MS);
    expect(sent).toHaveLength(2_000);
    vi.advanceTimersByTime(HEARTBEAT_SLICE_EVERY_MS * 8);
    expect(sent).toHaveLength(10_000);
    expect(sent).toEqual(connections.map((c) => c.clientId));
    expect(connections.every((c) => c.pings === 1)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('skips connections gone since the round started and closes the silent ones when their slice comes', () => {
    const now = Date.now();
    const connections = peers(2_000, now);
    const { heartbeat, live, closed, sent, stats } = setUp(connections, 1);
    heartbeat.sweep(now);
    live.delete('c1500');
    connections[1999].lastSeen = now - 60_000;
    vi.advanceTimersByTime(HEARTBEAT_SLICE_EVERY_MS * 10);
    expect(sent).toHaveLength(2_000 - 2);
    expect(sent).not.toContain('c1500');
    expect(closed).toEqual(['c1999']);
    expect(stats.heartbeatTimeouts).toBe(1);
  });

  it('writes the system.ping message and a protocol ping frame in one corked write to a socket written directly', () => {
    const writes: string[] = [];
    const [peer] = peers(1, Date.now()) as [Peer];
    peer.rawSocket = {
      cork: () => writes.push('cork'),
      write: (bytes) => writes.push(bytes.toString('hex')),
      uncork: () => writes.push('uncork'),
    };
    const { heartbeat } = setUp([peer], 1, () => writes.push('system.ping'));
    heartbeat.sweep();
    expect(writes).toEqual(['cork', 'system.ping', '8900', 'uncork']);
    expect(peer.pings).toBe(0);
  });

  it(`stops a slice after ${HEARTBEAT_SLICE_BUDGET_MS} ms of work; a round behind its schedule goes on in the next turn`, () => {
    let clock = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => clock);
    const connections = peers(1_000, Date.now());
    // Each ping costs 1 ms of this clock: a slice of 250 would hold the loop for 250 ms.
    const { heartbeat, sent } = setUp(connections, 1, () => (clock += 1));
    heartbeat.sweep();
    const first = sent.length;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(HEARTBEAT_SLICE_BUDGET_MS + 16);
    // Behind schedule (the round has 500 ms for 1,000 connections): the next slice runs in the next turn, not 50 ms later.
    vi.advanceTimersByTime(0);
    expect(sent.length).toBeGreaterThan(first);
    expect(sent.length).toBeLessThanOrEqual(2 * (HEARTBEAT_SLICE_BUDGET_MS + 16));
    for (let turn = 0; turn < 200 && sent.length < 1_000; turn++) vi.advanceTimersByTime(HEARTBEAT_SLICE_EVERY_MS);
    expect(sent).toEqual(connections.map((c) => c.clientId));
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops a round in progress on shutdown', () => {
    const { heartbeat, sent } = setUp(peers(10_000, Date.now()), 1);
    heartbeat.sweep();
    heartbeat.beforeApplicationShutdown();
    vi.advanceTimersByTime(1_000);
    expect(sent).toHaveLength(1_000);
    expect(vi.getTimerCount()).toBe(0);
  });
});
