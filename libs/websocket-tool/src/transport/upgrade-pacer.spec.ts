import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UPGRADE_BUDGET_MS, UpgradePacer } from './upgrade-pacer.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** An upgrade whose request carries its name and what it costs the turn; its socket and head name it too. */
const admit = (pacer: UpgradePacer, name: string, ms: number) =>
  pacer.admit({ name, ms } as unknown as IncomingMessage, { of: name } as unknown as Duplex, Buffer.from(name));

describe('UpgradePacer', () => {
  /** A clock that moves only when a handshake says so. */
  const clock = { at: 0, now: () => clock.at };
  /** A pacer whose handshakes record their name and cost the turn the `ms` their request carries. */
  const pacerRecording = (done: string[]) =>
    new UpgradePacer((request, socket, head) => {
      const { name, ms } = request as unknown as { name: string; ms: number };
      expect([socket, head]).toEqual([{ of: name }, Buffer.from(name)]);
      done.push(name);
      clock.at += ms;
    }, clock);

  it('handles upgrades at once while the turn has budget left', () => {
    const done: string[] = [];
    const pacer = pacerRecording(done);
    for (let i = 0; i < 10; i++) admit(pacer, `h${i}`, UPGRADE_BUDGET_MS / 20);
    expect(done).toHaveLength(10);
    expect(pacer.waiting).toBe(0);
  });

  it(`past ${UPGRADE_BUDGET_MS} ms in a turn, queues the rest and drains a budget's worth per turn, in order, with their own arguments`, async () => {
    const done: string[] = [];
    const pacer = pacerRecording(done);
    const names = Array.from({ length: 12 }, (_, i) => `h${i}`);
    // Each costs half the budget: two and a bit fit in a turn.
    for (const name of names) admit(pacer, name, UPGRADE_BUDGET_MS / 2);
    expect(done).toEqual(['h0', 'h1', 'h2']);
    expect(pacer.waiting).toBe(9);
    await nextTurn();
    expect(done).toEqual(names.slice(0, 6));
    // An upgrade arriving while others wait goes behind them.
    admit(pacer, 'late', 0);
    for (let turn = 0; turn < 5; turn++) await nextTurn();
    expect(done).toEqual([...names, 'late']);
    expect(pacer.waiting).toBe(0);
  });

  it('handles what still waits at once when flushed, for an answer on shutdown', () => {
    const done: string[] = [];
    const pacer = pacerRecording(done);
    admit(pacer, 'first', UPGRADE_BUDGET_MS + 1);
    admit(pacer, 'second', 0);
    expect(pacer.waiting).toBe(1);
    pacer.flushWaiting();
    expect(pacer.waiting).toBe(0);
    expect(done).toEqual(['first', 'second']);
  });
});
