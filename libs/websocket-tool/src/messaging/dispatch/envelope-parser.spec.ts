import { describe, expect, it } from 'vitest';
import { WsErrorCode } from '../../protocol/error-codes.js';
import { EnvelopeParser, MAX_ECHOED_LENGTH, MAX_TYPE_LENGTH, ParseFailure, type ParsedEnvelope } from './envelope-parser.js';

const parser = new EnvelopeParser(4);
const text = (value: string) => Buffer.from(value);
const failure = (result: unknown): ParseFailure => {
  expect(result).toBeInstanceOf(ParseFailure);
  return result as ParseFailure;
};

describe('EnvelopeParser', () => {
  it('parses an envelope from a Buffer, an ArrayBuffer or fragments, and keeps a usable meta.id', () => {
    const json = '{"type":"echo","content":{"a":1},"meta":{"id":"r1"}}';
    for (const data of [text(json), new Uint8Array(text(json)).buffer, [text(json.slice(0, 10)), text(json.slice(10))]]) {
      const parsed = parser.parse(data as Buffer, false) as ParsedEnvelope;
      expect(parsed).toEqual({ type: 'echo', content: { a: 1 }, meta: { id: 'r1' } });
      expect(parser.id).toBe('r1');
    }
    parser.parse(text('{"type":"echo","meta":{"id":7}}'), false);
    expect(parser.id).toBe(7);
    parser.parse(text('{"type":"echo","meta":{"id":true}}'), false);
    expect(parser.id).toBeUndefined();
  });

  it('refuses, in order: binary, too deep, not JSON, an over-long meta.id, a bad shape', () => {
    expect(failure(parser.parse(text('{"type":"x"}'), true))).toMatchObject({
      code: WsErrorCode.UnsupportedBinary,
      text: 'Binary frames are not supported: send JSON text frames.',
    });
    expect(failure(parser.parse(text('{"type":"x","content":[[[[[1]]]]]}'), false))).toMatchObject({
      code: WsErrorCode.InvalidMessage,
      text: 'The message nests deeper than 4 levels.',
    });
    expect(failure(parser.parse(text('{"type":'), false))).toMatchObject({
      code: WsErrorCode.InvalidJson,
      text: 'The frame is not valid JSON.',
    });
    const longId = 'i'.repeat(MAX_ECHOED_LENGTH + 1);
    expect(failure(parser.parse(text(`{"meta":{"id":"${longId}"}}`), false))).toMatchObject({
      code: WsErrorCode.InvalidMessage,
      text: `"meta.id" must be a number or a string of at most ${MAX_ECHOED_LENGTH} characters.`,
    });
    expect(parser.id).toBeUndefined();
    const shape = `A message must be a JSON object with a string "type" of 1 to ${MAX_TYPE_LENGTH} characters and an object "meta" if any.`;
    for (const bad of [
      '[1]',
      '"x"',
      '{"content":1}',
      '{"type":""}',
      `{"type":"${'t'.repeat(MAX_TYPE_LENGTH + 1)}"}`,
      '{"type":"x","meta":[1]}',
    ]) {
      expect(failure(parser.parse(text(bad), false)).text, bad).toBe(shape);
    }
  });

  it('keeps the meta.id of a frame refused for its shape, so the error can echo it', () => {
    failure(parser.parse(text('{"type":5,"meta":{"id":"r9"}}'), false));
    expect(parser.id).toBe('r9');
    failure(parser.parse(text('nope'), false));
    expect(parser.id).toBeUndefined();
  });

  it('drops __proto__, constructor and prototype keys', () => {
    const parsed = parser.parse(text('{"type":"x","content":{"__proto__":{"polluted":1},"ok":1}}'), false) as ParsedEnvelope;
    expect(Object.keys(parsed.content as object)).toEqual(['ok']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('builds its failures once: a bad frame allocates no new one', () => {
    expect(parser.parse(text('x'), false)).toBe(parser.parse(text('y'), false));
  });
});
