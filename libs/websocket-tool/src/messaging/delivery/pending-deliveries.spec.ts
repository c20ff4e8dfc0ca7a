import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClientConnection } from '../../connection/client-connection.js';
import { PendingDeliveries, type DeliverySettlement } from './pending-deliveries.js';

const connection = (clientId: string) => ({ clientId }) as unknown as ClientConnection;

describe('PendingDeliveries', () => {
  afterEach(() => vi.useRealTimers());

  it('tallies each recipient once: answered, left, or timed out at the deadline', () => {
    vi.useFakeTimers();
    const pending = new PendingDeliveries();
    const [a, b, c] = [connection('a'), connection('b'), connection('c')];
    let result: DeliverySettlement | null = null;
    const delivery = pending.open(1000, (s) => (result = s));
    for (const x of [a, b, c]) pending.expect(delivery, x);
    delivery.seal();
    expect(pending.settle(a, delivery.id)).toBe(true);
    expect(pending.settle(a, delivery.id)).toBe(false);
    pending.connectionLeft(b);
    vi.advanceTimersByTime(999);
    expect(result).toBeNull();
    vi.advanceTimersByTime(1);
    expect(result).toEqual({ counts: { delivered: 1, timeout: 1, offline: 1, dropped: 0 } });
    expect(pending.size).toBe(0);
    expect(pending.settle(c, delivery.id)).toBe(false);
  });

  it('resolves as soon as the last recipient answers, and keeps the reply of a request', () => {
    const pending = new PendingDeliveries();
    const a = connection('a');
    let result: DeliverySettlement | null = null;
    const delivery = pending.open(60_000, (s) => (result = s));
    pending.expect(delivery, a);
    delivery.seal();
    expect(pending.settle(connection('a'), delivery.id)).toBe(false);
    pending.settle(a, delivery.id, { content: 42 });
    expect(result).toEqual({ counts: { delivered: 1, timeout: 0, offline: 0, dropped: 0 }, reply: { content: 42 } });
  });

  it('with no recipient queued, resolves at the seal', () => {
    const pending = new PendingDeliveries();
    let result: DeliverySettlement | null = null;
    pending.open(60_000, (s) => (result = s)).seal();
    expect(result).toEqual({ counts: { delivered: 0, timeout: 0, offline: 0, dropped: 0 } });
  });
});
