import { describe, expect, it } from 'vitest';
import { parseUpgradeTarget } from './client-id.js';

describe('parseUpgradeTarget', () => {
  it('reads named ids from the path or the query, anonymous otherwise', () => {
    expect(parseUpgradeTarget('/ws', '/ws')).toEqual({ match: true, clientId: null });
    expect(parseUpgradeTarget('/ws/', '/ws')).toEqual({ match: true, clientId: null, error: 'the client id is empty' });
    expect(parseUpgradeTarget('/ws/alice', '/ws')).toEqual({ match: true, clientId: 'alice' });
    expect(parseUpgradeTarget('/ws/a%40b.c', '/ws')).toEqual({ match: true, clientId: 'a@b.c' });
    expect(parseUpgradeTarget('/ws?clientId=bob', '/ws')).toEqual({ match: true, clientId: 'bob' });
    expect(parseUpgradeTarget('/ws/alice?token=x', '/ws')).toEqual({ match: true, clientId: 'alice' });
  });

  it('does not match other paths', () => {
    expect(parseUpgradeTarget('/wss', '/ws').match).toBe(false);
    expect(parseUpgradeTarget('/api/ws', '/ws').match).toBe(false);
    expect(parseUpgradeTarget('/ws/a/b', '/ws')).toMatchObject({ match: true, error: expect.any(String) });
  });

  it('refuses ids outside the allowed characters or length', () => {
    for (const bad of ['/ws/%3Cimg%3E', '/ws/' + 'x'.repeat(129), '/ws/%ZZ', '/ws?clientId=a%20b']) {
      expect(parseUpgradeTarget(bad, '/ws')).toMatchObject({ match: true, error: expect.any(String) });
    }
  });
});
