import { describe, expect, it } from 'vitest';
import { decodeWire, encodeWire, type WireHeader } from './cluster-wire.js';

describe('cluster wire format', () => {
  it('carries the serialized envelope untouched after a one-line header', () => {
    const envelope = '{"type":"news","content":"line 1\\nline 2","meta":{},"timestamp":"2026-01-01T00:00:00.000Z"}';
    const message = encodeWire({ k: 't', o: 'web-1', t: 'room-1' }, envelope);
    expect(message.split('\n')).toHaveLength(2);
    expect(decodeWire(message)).toEqual({ header: { k: 't', o: 'web-1', t: 'room-1' }, body: envelope });
  });

  it('round-trips every kind of header', () => {
    const headers: WireHeader[] = [
      { k: 'b', o: 'a' },
      { k: 'b', o: 'a', x: ['alice', 'bob'] },
      { k: 'c', o: 'a', c: 'alice' },
      { k: 'j', o: 'a', c: 'alice', s: 3, at: 1767268800000, n: true },
      { k: 'l', o: 'a', c: 'alice' },
      { k: 's', o: 'a', s: 7 },
      { k: 'y', o: 'a' },
      { k: 'q', o: 'a', id: 'r1', op: 'stats' },
      { k: 'r', o: 'b', id: 'r1', ok: false, e: 'boom' },
    ];
    for (const header of headers) expect(decodeWire(encodeWire(header, 'x'))?.header).toEqual(header);
  });

  it('ignores what is not one of its messages', () => {
    for (const message of ['', 'hello', '\n{}', 'not json\nbody', '{"k":"b"}\n', '{"k":"z","o":"a"}\n', '{"k":"t","o":"a"}\n', '[1]\nx']) {
      expect(decodeWire(message)).toBeNull();
    }
    expect(decodeWire('{"k":"b","o":"a","x":[1]}\nx')).toBeNull();
    expect(decodeWire('{"k":"j","o":"a","c":"x","s":1,"at":2}\n')).toBeNull();
  });
});
