import { describe, expect, it } from 'vitest';
import { RecoveryHolds } from './recovery-holds.js';

describe('RecoveryHolds', () => {
  it('holds a topic live messages for the subscribers being recovered only, and gives them back in order', () => {
    const holds = new RecoveryHolds();
    expect(holds.capture('room', 1, 'e', 'm1')).toBeNull();
    const alice = holds.hold('room', 'alice');
    const bob = holds.hold('room', 'bob');
    expect(holds.capture('other', 1, 'e', 'x')).toBeNull();
    expect([...(holds.capture('room', 2, 'e', 'm2') ?? [])]).toEqual(['alice', 'bob']);
    expect(holds.release(alice).map((m) => m.json)).toEqual(['m2']);
    expect([...(holds.capture('room', 3, 'e', 'm3') ?? [])]).toEqual(['bob']);
    expect(holds.release(bob)).toEqual([
      { offset: 2, epoch: 'e', json: 'm2' },
      { offset: 3, epoch: 'e', json: 'm3' },
    ]);
    expect(holds.capture('room', 4, 'e', 'm4')).toBeNull();
  });

  it('a second hold of the same subscriber replaces the first, whose release then leaves the second alone', () => {
    const holds = new RecoveryHolds();
    const first = holds.hold('room', 'alice');
    const second = holds.hold('room', 'alice');
    expect([first.superseded, second.superseded]).toEqual([true, false]);
    holds.release(first);
    expect([...(holds.capture('room', 1, 'e', 'm1') ?? [])]).toEqual(['alice']);
    expect(holds.release(second).map((m) => m.json)).toEqual(['m1']);
  });
});
