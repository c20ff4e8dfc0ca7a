import { describe, expect, it } from 'vitest';
import type { DeliverySettlement } from './pending-deliveries.js';
import { StampedAcks } from './stamped-acks.js';

const tally = (delivered: number): Promise<DeliverySettlement> =>
  Promise.resolve({ counts: { delivered, timeout: 0, offline: 0, dropped: 0 } });

describe('StampedAcks', () => {
  it('meets the message and the tally request in either order, and forgets the meeting', async () => {
    const acks = new StampedAcks();
    acks.arrived('a', tally(2), 1000);
    expect((await acks.tally('a', 1000)).counts.delivered).toBe(2);
    const waiting = acks.tally('b', 1000);
    acks.arrived('b', tally(3), 1000);
    expect((await waiting).counts.delivered).toBe(3);
    expect(acks.size).toBe(0);
  });

  it('a request whose message never comes answers with nothing counted at its deadline; a message nobody asks for is forgotten', async () => {
    const acks = new StampedAcks();
    acks.arrived('lonely', tally(1), 20);
    const started = Date.now();
    expect((await acks.tally('never', 30)).counts).toEqual({ delivered: 0, timeout: 0, offline: 0, dropped: 0 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(acks.size).toBe(0);
  });
});
