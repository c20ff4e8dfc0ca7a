import { describe, expect, it } from 'vitest';
import { UPGRADE_BUDGET_MS, UpgradePacer } from './upgrade-pacer.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('UpgradePacer', () => {
  /** A clock that moves only when a handshake says so. */
  const clock = { at: 0, now: () => clock.at };
  /** A handshake that records its name and costs `ms` of the turn. */
  const handshake = (done: string[], name: string, ms: number) => () => {
    done.push(name);
    clock.at += ms;
  };

  it('handles upgrades at once while the turn has budget left', () => {
    const pacer = new UpgradePacer(clock);
    const done: string[] = [];
    for (let i = 0; i < 10; i++) pacer.admit(handshake(done, `h${i}`, UPGRADE_BUDGET_MS / 20));
    expect(done).toHaveLength(10);
    expect(pacer.waiting).toBe(0);
  });

  it(`past ${UPGRADE_BUDGET_MS} ms in a turn, queues the rest and drains a budget's worth per turn, in order`, async () => {
    const pacer = new UpgradePacer(clock);
    const done: string[] = [];
    const names = Array.from({ length: 12 }, (_, i) => `h${i}`);
    // Each costs half the budget: two and a bit fit in a turn.
    for (const name of names) pacer.admit(handshake(done, name, UPGRADE_BUDGET_MS / 2));
    expect(done).toEqual(['h0', 'h1', 'h2']);
    expect(pacer.waiting).toBe(9);
    await nextTurn();
    expect(done).toEqual(names.slice(0, 6));
    // An upgrade arriving while others wait goes behind them.
    pacer.admit(handshake(done, 'late', 0));
    for (let turn = 0; turn < 5; turn++) await nextTurn();
    expect(done).toEqual([...names, 'late']);
    expect(pacer.waiting).toBe(0);
  });

  it('hands back what still waits, for an answer on shutdown', () => {
    const pacer = new UpgradePacer(clock);
    const done: string[] = [];
    pacer.admit(handshake(done, 'first', UPGRADE_BUDGET_MS + 1));
    pacer.admit(handshake(done, 'second', 0));
    const waiting = pacer.takeWaiting();
    expect(waiting).toHaveLength(1);
    expect(pacer.waiting).toBe(0);
    waiting[0]();
    expect(done).toEqual(['first', 'second']);
  });
});
