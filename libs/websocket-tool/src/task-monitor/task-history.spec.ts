import { describe, expect, it } from 'vitest';
import { TaskHistory, type TaskEventKind, type TaskEventRecord } from './task-history.js';

const record = (seq: number, kind: TaskEventKind = 'log'): TaskEventRecord => ({
  seq,
  kind,
  message: { type: kind, content: seq },
  timestamp: new Date(seq).toISOString(),
});

describe('TaskHistory', () => {
  it('keeps every event while under capacity, oldest first', () => {
    const history = new TaskHistory(5);
    [record(1, 'started'), record(2), record(3, 'progress')].forEach((r) => history.push(r));
    expect(history.replay().map((r) => r.seq)).toEqual([1, 2, 3]);
  });

  it('keeps the last N, plus the start and the latest progress once they have left the ring', () => {
    const history = new TaskHistory(3);
    history.push(record(1, 'started'));
    history.push(record(2, 'progress'));
    history.push(record(3, 'progress'));
    for (let seq = 4; seq <= 9; seq++) history.push(record(seq));
    expect(history.replay().map((r) => r.seq)).toEqual([1, 3, 7, 8, 9]);
    expect(history.length).toBe(3);
  });

  it('does not repeat the start or progress still in the ring', () => {
    const history = new TaskHistory(3);
    for (let seq = 1; seq <= 4; seq++) history.push(record(seq));
    history.push(record(5, 'progress'));
    expect(history.replay().map((r) => r.seq)).toEqual([3, 4, 5]);
  });

  it("a restart replaces the pinned start and drops the previous run's progress", () => {
    const history = new TaskHistory(2);
    history.push(record(1, 'started'));
    history.push(record(2, 'progress'));
    history.push(record(3, 'success'));
    history.push(record(4, 'started'));
    history.push(record(5));
    history.push(record(6));
    expect(history.replay().map((r) => r.seq)).toEqual([4, 5, 6]);
  });

  it('capacity 0 turns history off', () => {
    const history = new TaskHistory(0);
    history.push(record(1, 'started'));
    history.push(record(2));
    expect(history.replay()).toEqual([]);
  });
});
