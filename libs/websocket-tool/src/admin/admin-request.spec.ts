import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, isLoopbackHost } from '../security/loopback.js';
import { digestSecret, isCrossSiteRequest, isLocalRequest, readCredential, secretMatches } from './admin-request.js';

describe('admin request rules', () => {
  it('knows loopback addresses and hosts', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of ['10.0.0.1', '::ffff:10.0.0.1', '1127.0.0.1', '', undefined]) expect(isLoopbackAddress(a), String(a)).toBe(false);
    for (const h of ['localhost', 'localhost:3000', 'app.localhost:80', '127.0.0.1:3000', '[::1]:3000', undefined]) {
      expect(isLoopbackHost(h), String(h)).toBe(true);
    }
    for (const h of ['example.com', 'localhost.example.com', '10.0.0.1:80', '[::2]:80']) expect(isLoopbackHost(h), h).toBe(false);
  });

  it('a local request has a loopback peer, no proxy headers and a loopback Host', () => {
    const base = { socket: { remoteAddress: '127.0.0.1' }, headers: { host: 'localhost:3000' } };
    expect(isLocalRequest(base)).toBe(true);
    expect(isLocalRequest({ ...base, socket: { remoteAddress: '192.168.1.5' } })).toBe(false);
    expect(isLocalRequest({ ...base, headers: { ...base.headers, forwarded: 'for=1.2.3.4' } })).toBe(false);
    expect(isLocalRequest({ ...base, headers: { host: 'attacker.example' } })).toBe(false);
    expect(isLocalRequest({ raw: { socket: { remoteAddress: '::1' } }, headers: {} })).toBe(true);
  });

  it('spots requests made by other sites', () => {
    expect(isCrossSiteRequest({ method: 'POST', headers: { 'sec-fetch-site': 'cross-site' } })).toBe(true);
    expect(isCrossSiteRequest({ method: 'GET', headers: { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'cors' } })).toBe(true);
    expect(isCrossSiteRequest({ method: 'GET', headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' } })).toBe(false);
    expect(isCrossSiteRequest({ method: 'POST', headers: { 'sec-fetch-site': 'same-origin' } })).toBe(false);
    expect(isCrossSiteRequest({ method: 'DELETE', headers: { origin: 'http://evil.example', host: 'localhost:3000' } })).toBe(true);
    expect(isCrossSiteRequest({ method: 'DELETE', headers: { origin: 'http://localhost:3000', host: 'localhost:3000' } })).toBe(false);
    expect(isCrossSiteRequest({ method: 'POST', headers: { origin: 'null', host: 'localhost:3000' } })).toBe(true);
    expect(isCrossSiteRequest({ method: 'POST', headers: {} })).toBe(false);
  });

  it('reads Bearer and Basic credentials', () => {
    expect(readCredential('Bearer abc')).toBe('abc');
    expect(readCredential('bearer  abc ')).toBe('abc');
    expect(readCredential('Basic ' + Buffer.from('user:s3cret:with:colons').toString('base64'))).toBe('s3cret:with:colons');
    expect(readCredential('Basic ' + Buffer.from('tokenonly:').toString('base64'))).toBe('tokenonly');
    expect(readCredential('Basic ' + Buffer.from('nocolon').toString('base64'))).toBeNull();
    expect(readCredential('Digest x')).toBeNull();
    expect(readCredential('Bearer')).toBeNull();
    expect(readCredential(undefined)).toBeNull();
  });

  it('compares secrets by digest', () => {
    const digest = digestSecret('correct horse battery staple');
    expect(secretMatches('correct horse battery staple', digest)).toBe(true);
    expect(secretMatches('correct horse battery stapl', digest)).toBe(false);
    expect(secretMatches('', digest)).toBe(false);
  });
});
