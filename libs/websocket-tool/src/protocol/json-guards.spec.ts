import { describe, expect, it } from 'vitest';
import { isPlainObject, stripDangerousKeys } from './json-guards.js';

const parseAndStrip = (text: string): unknown => {
  const value: unknown = JSON.parse(text);
  stripDangerousKeys(value, text);
  return value;
};

describe('stripDangerousKeys', () => {
  it('removes the keys however they are spelled in the text, at any depth, in arrays too', () => {
    for (const key of ['__proto__', '\\u005f_proto__', '\\u005F\\u005Fproto__', 'constr\\u0075ctor', 'prot\\u006Ftype']) {
      const value = parseAndStrip(`{"type":"t","content":{"${key}":1,"a":[{"${key}":{"x":1},"b":2}]},"meta":{"${key}":{}}}`);
      expect(value).toEqual({ type: 't', content: { a: [{ b: 2 }] }, meta: {} });
    }
  });

  it('leaves look-alikes and escaped text that spells no dangerous key alone', () => {
    const text = '{"type":"t","content":{"__proto":1,"Constructor":2,"\\u0041":3,"s":"\\\\u005f_proto__"}}';
    expect(parseAndStrip(text)).toEqual({ type: 't', content: { __proto: 1, Constructor: 2, A: 3, s: '\\u005f_proto__' } });
  });
});

describe('isPlainObject', () => {
  it('is true for objects with keys or none, false for null, arrays and primitives', () => {
    expect([{}, { a: 1 }, Object.create(null)].every((v) => isPlainObject(v))).toBe(true);
    expect([null, undefined, [], [1], 'x', 1, true].some((v) => isPlainObject(v))).toBe(false);
  });
});
