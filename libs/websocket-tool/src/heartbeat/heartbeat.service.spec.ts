import type { SchedulerRegistry } from '@nestjs/schedule';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { settingsOf } from '../../../../test/utils/dispatch-fakes.js';
import type { ClientConnection } from '../connection/client-connection.js';
import type { ConnectionRegistry } from '../connection/connection-registry.js';
import type { OutboundSender } from '../outbound/outbound-sender.js';
import { WsStatsService } from '../stats/ws-stats.service.js';
import { HEARTBEAT_SLICE_EVERY_MS, HEARTBEAT_SLICE_MIN, HeartbeatService } from './heartbeat.service.js';

/** A connection as the heartbeat sees it: its id, when it was last heard from, and the pings it got. */
interface Peer {
  clientId: string;
  lastSeen: number;
  lastPing: number | null;
  pings: number;
  socket: { ping(): void };
}

function peers(count: number, lastSeen: number): Peer[] {
  return Array.from({ length: count }, (_, i) => {
    const peer: Peer = { clientId: `c${i}`, lastSeen, lastPing: null, pings: 0, socket: { ping: () => peer.pings++ } };
    return peer;
  });
}

/** A heartbeat over fakes that record what it does. */
const setUp = (connections: Peer[], heartbeatInterval = 1) => {
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
    sendNow: (c: ClientConnection) => sent.push(c.clientId),
  } as unknown as OutboundSender;
  const settings = settingsOf({ heartbeatInterval, heartbeatTimeout: 10 });
  const stats = new WsStatsService();
  const scheduler = { doesExist: () => false } as unknown as SchedulerRegistry;
  const heartbeat = new HeartbeatService(settings, scheduler, registry, sender, stats);
  return { heartbeat, live, closed, sent, stats };
};

describe('HeartbeatService rounds', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

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

  it('stops a round in progress on shutdown', () => {
    const { heartbeat, sent } = setUp(peers(10_000, Date.now()), 1);
    heartbeat.sweep();
    heartbeat.beforeApplicationShutdown();
    vi.advanceTimersByTime(1_000);
    expect(sent).toHaveLength(1_000);
    expect(vi.getTimerCount()).toBe(0);
  });
});
