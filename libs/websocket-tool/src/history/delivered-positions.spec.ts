import { describe, expect, it } from 'vitest';
import { DeliveredPositions } from './delivered-positions.js';

describe('DeliveredPositions', () => {
  it('takes consecutive offsets, repeats and a new epoch on a link that stayed up as in order', () => {
    const positions = new DeliveredPositions();
    expect(positions.delivered('t', 5, 'a')).toBe('in_order');
    expect(positions.delivered('t', 6, 'a')).toBe('in_order');
    expect(positions.delivered('t', 6, 'a')).toBe('in_order');
    expect(positions.delivered('t', 1, 'b')).toBe('in_order');
    expect(positions.delivered('t', 2, 'b')).toBe('in_order');
  });

  it('reports a skipped offset as a gap, then follows on from the message that showed it', () => {
    const positions = new DeliveredPositions();
    positions.delivered('t', 5, 'a');
    expect(positions.delivered('t', 8, 'a')).toBe('gap');
    expect(positions.delivered('t', 9, 'a')).toBe('in_order');
  });

  it('after the link was lost, settles a topic by its next message: the next offset shows nothing was missed', () => {
    const positions = new DeliveredPositions();
    positions.delivered('t', 5, 'a');
    positions.delivered('u', 5, 'a');
    positions.lost(['t', 'u']);
    expect(positions.delivered('t', 6, 'a')).toBe('in_order');
    // A new epoch while the link was down: the history was lost meanwhile.
    expect(positions.delivered('u', 1, 'b')).toBe('gap');
    expect(positions.back([])).toEqual([]);
  });

  it('compares a topic that got nothing since the link was lost with its history when the link is back', () => {
    const positions = new DeliveredPositions();
    for (const topic of ['same', 'moved', 'gone', 'failed', 'epoch']) positions.delivered(topic, 3, 'a');
    positions.lost(['same', 'moved', 'gone', 'failed', 'epoch']);
    expect(positions.back([]).toSorted()).toEqual(['epoch', 'failed', 'gone', 'moved', 'same']);
    expect(positions.compare('same', { offset: 3, epoch: 'a' })).toBe(false);
    expect(positions.compare('moved', { offset: 4, epoch: 'a' })).toBe(true);
    expect(positions.compare('epoch', { offset: 3, epoch: 'b' })).toBe(true);
    expect(positions.compare('failed', null)).toBe(true);
    // A replica promoted without the master's last writes: behind what this node delivered.
    positions.delivered('behind', 9, 'a');
    positions.lost(['behind']);
    positions.back([]);
    expect(positions.compare('behind', { offset: 7, epoch: 'a' })).toBe(true);
    // Compared once: the position read is the new one.
    expect(positions.compare('moved', { offset: 9, epoch: 'a' })).toBe(false);
    expect(positions.delivered('moved', 5, 'a')).toBe('in_order');
  });

  it('leaves alone a topic that a message settled while its history was being read', () => {
    const positions = new DeliveredPositions();
    positions.delivered('t', 3, 'a');
    positions.lost(['t']);
    positions.back([]);
    expect(positions.delivered('t', 4, 'a')).toBe('in_order');
    expect(positions.compare('t', { offset: 5, epoch: 'a' })).toBe(false);
  });

  it('counts a subscribed topic with no known position when the link was lost as missed', () => {
    const positions = new DeliveredPositions();
    positions.lost(['quiet']);
    expect(positions.back([])).toEqual(['quiet']);
    expect(positions.compare('quiet', { offset: 2, epoch: 'a' })).toBe(true);
    const other = new DeliveredPositions();
    other.lost(['quiet']);
    expect(other.delivered('quiet', 1, 'a')).toBe('gap');
  });

  it('takes a position a subscribe read only for a topic without one, unsure while the link is lost', () => {
    const positions = new DeliveredPositions();
    positions.delivered('t', 7, 'a');
    positions.seed('t', { offset: 9, epoch: 'a' });
    expect(positions.delivered('t', 8, 'a')).toBe('in_order');
    positions.seed('u', { offset: 4, epoch: 'a' });
    expect(positions.delivered('u', 5, 'a')).toBe('in_order');
    positions.lost([]);
    positions.seed('v', { offset: 2, epoch: 'a' });
    expect(positions.back([])).toEqual(['v']);
    expect(positions.compare('v', { offset: 2, epoch: 'a' })).toBe(false);
  });

  it('counts a topic subscribed while the link was lost, with no position read, as missed when the link is back', () => {
    const positions = new DeliveredPositions();
    positions.delivered('known', 3, 'a');
    positions.lost(['known']);
    expect(positions.delivered('known', 4, 'a')).toBe('in_order');
    expect(positions.back(['known', 'late'])).toEqual(['late']);
    expect(positions.compare('late', { offset: 4, epoch: 'a' })).toBe(true);
  });

  it('forgets a topic left by its last subscriber', () => {
    const positions = new DeliveredPositions();
    positions.delivered('t', 7, 'a');
    positions.forget('t');
    expect(positions.size).toBe(0);
    expect(positions.delivered('t', 20, 'a')).toBe('in_order');
  });
});
