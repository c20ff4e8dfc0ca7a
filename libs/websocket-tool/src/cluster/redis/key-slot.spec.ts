import { describe, expect, it } from 'vitest';
import { crc16, keySlot } from './key-slot.js';

describe('keySlot', () => {
  it('computes the slots Redis Cluster documents', () => {
    // The check value of CRC16-XMODEM and the examples of the Redis Cluster specification.
    expect(crc16('123456789')).toBe(0x31c3);
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('{user1000}.following')).toBe(keySlot('{user1000}.followers'));
  });

  it('hashes the whole name when the tag is empty or not closed', () => {
    expect(keySlot('foo{}{bar}')).toBe(crc16('foo{}{bar}') % 16384);
    expect(keySlot('foo{bar')).toBe(crc16('foo{bar') % 16384);
    expect(keySlot('foo{{bar}}zap')).toBe(crc16('{bar') % 16384);
  });
});
