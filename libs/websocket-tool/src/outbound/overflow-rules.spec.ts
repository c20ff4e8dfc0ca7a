import { describe, expect, it } from 'vitest';
import { serializeEnvelope } from '../protocol/serialize-envelope.js';
import { OutboundFrame } from './outbound-frame.js';
import { messageTypeOf, OverflowRules } from './overflow-rules.js';

const frameOf = (rules: OverflowRules, type: string, content: unknown) => {
  const json = serializeEnvelope({ type, content });
  const frame = new OutboundFrame(json, 0);
  rules.classify(frame, json);
  return frame;
};

describe('OverflowRules', () => {
  it('reads the type of any serialized message, escapes included', () => {
    for (const type of ['price', 'a"b', 'x\\y', 'é.ü', '","content":']) expect(messageTypeOf(serializeEnvelope({ type }))).toBe(type);
    expect(messageTypeOf('{"content":1}')).toBeNull();
  });

  it('is not built when every entry is disconnect: frames then carry no policy', () => {
    expect(OverflowRules.of([])).toBeNull();
    expect(OverflowRules.of([{ type: '*', policy: 'disconnect', key: null }])).toBeNull();
  });

  it('stamps the first matching entry, and the coalesce key from the content', () => {
    const rules = OverflowRules.of([
      { type: 'price.special', policy: 'disconnect', key: null },
      { type: 'price.*', policy: 'coalesce', key: ['item', 'id'] },
      { type: 'log', policy: 'drop-oldest', key: null },
    ])!;
    const a = frameOf(rules, 'price.eur', { item: { id: 7 } });
    expect(a.overflow).toMatchObject({ policy: 'coalesce', type: 'price.eur' });
    expect(a.coalesceKey).toBe(frameOf(rules, 'price.eur', { item: { id: 7 }, other: 1 }).coalesceKey);
    expect(a.coalesceKey).not.toBe(frameOf(rules, 'price.usd', { item: { id: 7 } }).coalesceKey);
    expect(frameOf(rules, 'price.eur', { item: {} }).coalesceKey).toBeNull();
    expect(frameOf(rules, 'price.special', {}).overflow).toBeNull();
    expect(frameOf(rules, 'log', 'x').overflow).toMatchObject({ policy: 'drop-oldest', type: 'log' });
    expect(frameOf(rules, 'chat', 'x').overflow).toBeNull();
  });
});
