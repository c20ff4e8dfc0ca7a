import { describe, expect, it } from 'vitest';
import { readPosition, TopicPositions } from './topic-positions.js';

const held = (topic: string) => topic === 'room:a';
const message = (meta: Record<string, unknown>) => ({ type: 'chat.message', content: null, meta });

describe('TopicPositions', () => {
  it('keeps the highest offset within an epoch and lets a new epoch replace it', () => {
    const positions = new TopicPositions();
    positions.observe('room:a', { offset: 3, epoch: 'e1' });
    positions.observe('room:a', { offset: 5, epoch: 'e1' });
    positions.observe('room:a', { offset: 4, epoch: 'e1' });
    expect(positions.get('room:a')).toEqual({ offset: 5, epoch: 'e1' });
    positions.observe('room:a', { offset: 1, epoch: 'e2' });
    expect(positions.get('room:a')).toEqual({ offset: 1, epoch: 'e2' });
    positions.reset('room:a', { offset: 0, epoch: 'e2' });
    expect(positions.get('room:a')).toEqual({ offset: 0, epoch: 'e2' });
    positions.forget('room:a');
    expect(positions.get('room:a')).toBeUndefined();
  });

  it('reads positions only from messages on held topics with a whole offset and a string epoch', () => {
    const positions = new TopicPositions();
    positions.observeMessage(message({ topic: 'room:b', offset: 1, epoch: 'e' }), held);
    positions.observeMessage(message({ topic: 'room:a', offset: '2', epoch: 'e' }), held);
    positions.observeMessage(message({ topic: 'room:a', offset: 1.5, epoch: 'e' }), held);
    positions.observeMessage(message({ topic: 'room:a', offset: 2, epoch: 7 }), held);
    positions.observeMessage(message({ offset: 2, epoch: 'e' }), held);
    expect(positions.get('room:a')).toBeUndefined();
    expect(positions.get('room:b')).toBeUndefined();
    positions.observeMessage(message({ topic: 'room:a', offset: 2, epoch: 'e' }), held);
    expect(positions.get('room:a')).toEqual({ offset: 2, epoch: 'e' });
  });

  it('hands out copies, and reads a subscribe answer only when both fields are sound', () => {
    const positions = new TopicPositions();
    positions.observe('t', { offset: 1, epoch: 'e' });
    positions.get('t')!.offset = 99;
    expect(positions.get('t')).toEqual({ offset: 1, epoch: 'e' });
    expect(readPosition({ topic: 't', offset: 0, epoch: 'e' })).toEqual({ offset: 0, epoch: 'e' });
    expect(readPosition({ topic: 't' })).toBeNull();
    expect(readPosition({ offset: -1, epoch: 'e' })).toBeNull();
    expect(readPosition({ offset: 1, epoch: '' })).toBeNull();
  });
});
