import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientIp } from './client-ip.js';

const request = (remoteAddress: string, xff?: string) =>
  ({ socket: { remoteAddress }, headers: xff === undefined ? {} : { 'x-forwarded-for': xff } }) as unknown as IncomingMessage;

describe('clientIp', () => {
  it('uses the socket address when no proxy is trusted, ignoring X-Forwarded-For', () => {
    expect(clientIp(request('::ffff:10.1.1.1', '6.6.6.6'), 0)).toBe('10.1.1.1');
  });

  it('counts trusted hops from the right like Express', () => {
    expect(clientIp(request('10.0.0.1', '1.1.1.1, 2.2.2.2'), 1)).toBe('2.2.2.2');
    expect(clientIp(request('10.0.0.1', '1.1.1.1, 2.2.2.2'), 2)).toBe('1.1.1.1');
    expect(clientIp(request('10.0.0.1', '1.1.1.1'), 5)).toBe('1.1.1.1');
    expect(clientIp(request('10.0.0.1'), 1)).toBe('10.0.0.1');
  });
});
