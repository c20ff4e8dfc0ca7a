import { describe, expect, it } from 'vitest';
import { isHostAllowed, parseAllowedHosts } from './host-policy.js';

const local = (host: string | undefined, extra: Record<string, string> = {}) => ({
  headers: { ...(host === undefined ? {} : { host }), origin: `http://${host}`, ...extra },
  peerAddress: '::ffff:127.0.0.1',
});

const remote = (host: string | undefined) => ({ headers: host === undefined ? {} : { host }, peerAddress: '192.0.2.1' });

describe('isHostAllowed', () => {
  it('without a list, refuses only a loopback browser handshake by a non-local name with no proxy in between', () => {
    expect(isHostAllowed(local('attacker.example:3000'), [], 0)).toBe(false);
    expect(isHostAllowed(local('ATTACKER.example.'), [], 0)).toBe(false);
    for (const host of ['localhost:3000', 'a.localhost', '127.0.0.1:3000', '[::1]:3000', '10.0.0.5', '[2001:db8::1]:80']) {
      expect(isHostAllowed(local(host), [], 0), host).toBe(true);
    }
    expect(isHostAllowed(local('attacker.example', { via: '1.1 nginx' }), [], 0)).toBe(true);
    expect(isHostAllowed(local('attacker.example'), [], 1)).toBe(true);
    expect(isHostAllowed({ headers: { host: 'attacker.example' }, peerAddress: '127.0.0.1' }, [], 0)).toBe(true);
    expect(
      isHostAllowed({ headers: { host: 'attacker.example', origin: 'http://attacker.example' }, peerAddress: '192.0.2.1' }, [], 0),
    ).toBe(true);
  });

  it('with a list, the Host name must match an entry exactly or below a *. entry; loopback names pass from loopback peers', () => {
    const rules = parseAllowedHosts(' App.Example.com ,*.example.org,, [::1] ');
    for (const host of ['app.example.com', 'app.example.com:443', 'a.example.org', 'a.b.example.org.', '[::1]:80']) {
      expect(isHostAllowed(remote(host), rules, 0), host).toBe(true);
    }
    for (const host of ['example.org', 'evilexample.org', 'app.example.com.evil.test', 'localhost', undefined]) {
      expect(isHostAllowed(remote(host), rules, 3), String(host)).toBe(false);
    }
    expect(isHostAllowed(local('localhost:3000'), rules, 0)).toBe(true);
    expect(isHostAllowed(local('attacker.example'), rules, 0)).toBe(false);
  });
});
