import { describe, expect, it } from 'vitest';
import { serializeEnvelope } from '../protocol/serialize-envelope.js';
import { stampableFrame } from './stamp-frame.js';

describe('stampableFrame', () => {
  it('gives the same frame a single node stamps, with the message own topic/offset/epoch replaced', () => {
    const message = { type: 'chat', content: { text: 'hi "there"' }, meta: { id: 7, offset: 99, epoch: 'x', topic: 'other' } };
    const frame = stampableFrame('room:1', message);
    expect(frame).not.toBeNull();
    const json = `${frame!.head}12${frame!.mid}abcd1234${frame!.tail}`;
    const parsed = JSON.parse(json) as { timestamp: string };
    expect(parsed).toEqual({
      type: 'chat',
      content: { text: 'hi "there"' },
      meta: { id: 7, topic: 'room:1', offset: 12, epoch: 'abcd1234' },
      timestamp: parsed.timestamp,
    });
    expect(json).toBe(serializeEnvelope({ ...message, meta: { id: 7, topic: 'room:1', offset: 12, epoch: 'abcd1234' } }, parsed.timestamp));
  });

  it('is null for a message that cannot be serialized', () => {
    const content: Record<string, unknown> = {};
    content.self = content;
    expect(stampableFrame('t', { type: 'x', content })).toBeNull();
  });
});
