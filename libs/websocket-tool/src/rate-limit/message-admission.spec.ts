import { describe, expect, it } from 'vitest';
import { fakeConnection, settingsOf } from '../../../../test/utils/dispatch-fakes.js';
import { WsStatsService } from '../stats/ws-stats.service.js';
import { MessageAdmission } from './message-admission.js';
import { RateLimitViolation } from './rate-limit-violation.js';

const NOW = 1_000_000;
const settings = settingsOf({
  rateLimitMessagesPerWindow: 5,
  rateLimitMessageWindow: 1,
  rateLimitBurstMultiplier: 2,
  rateLimitDisconnectAfter: 3,
  rateLimitControlPerSecond: 2,
});

function setUp() {
  const stats = new WsStatsService();
  const admission = new MessageAdmission(settings, stats);
  const c = fakeConnection('flooder', settings, NOW);
  return { stats, admission, c };
}

describe('MessageAdmission', () => {
  it('admits the burst of the connection bucket, then refuses with retry_after, limit, window and the streak', () => {
    const { admission, c, stats } = setUp();
    for (let i = 0; i < 10; i++) expect(admission.admit(c, undefined, 'echo', NOW)).toBeNull();
    const refused = admission.admit(c, undefined, 'echo', NOW);
    expect(refused).toEqual(new RateLimitViolation(false, 0.2, 5, 1, 1));
    expect(c.violations).toBe(1);
    expect(c.violationsTotal).toBe(1);
    expect(stats.rateLimitedMessages).toBe(1);
    expect(stats.topRateLimitedClients.top(1)).toEqual([{ key: 'flooder', count: 1 }]);
    expect(stats.topRateLimitedIps.top(1)).toEqual([{ key: '10.0.0.1', count: 1 }]);
  });

  it('answers with a disconnect at rateLimitDisconnectAfter violations in a row, and counts it', () => {
    const { admission, c, stats } = setUp();
    for (let i = 0; i < 10; i++) admission.admit(c, undefined, 'echo', NOW);
    expect(admission.admit(c, undefined, 'echo', NOW)?.disconnect).toBe(false);
    expect(admission.admit(c, undefined, 'echo', NOW)?.disconnect).toBe(false);
    expect(admission.admit(c, undefined, 'echo', NOW)).toMatchObject({ disconnect: true, violations: 3 });
    expect(stats.rateLimitDisconnects).toBe(1);
  });

  it('does not end the streak when a message is admitted, only when one succeeds', () => {
    const { admission, c } = setUp();
    for (let i = 0; i < 10; i++) admission.admit(c, undefined, 'echo', NOW);
    admission.admit(c, undefined, 'echo', NOW);
    admission.admit(c, undefined, 'echo', NOW);
    expect(c.violations).toBe(2);
    // A token again after 200 ms: the message is admitted, the streak stays.
    expect(admission.admit(c, undefined, 'echo', NOW + 200)).toBeNull();
    expect(c.violations).toBe(2);
    admission.succeeded(c);
    expect(c.violations).toBe(0);
    expect(admission.admit(c, undefined, 'echo', NOW + 200)).toMatchObject({ disconnect: false, violations: 1 });
    expect(c.violationsTotal).toBe(3);
  });

  it("charges a handler's own limit to a bucket per type, leaving the connection's whole; false charges nothing", () => {
    const { admission, c } = setUp();
    const strict = { limit: 1, window: 10, burstMultiplier: 1 };
    expect(admission.admit(c, strict, 'strict', NOW)).toBeNull();
    expect(admission.admit(c, strict, 'strict', NOW)).toMatchObject({ limit: 1, window: 10, retryAfter: 10 });
    expect(admission.admit(c, strict, 'other.strict', NOW)).toBeNull();
    expect(c.bucket.remaining(NOW)).toBe(10);
    for (let i = 0; i < 100; i++) expect(admission.admit(c, false, 'free', NOW)).toBeNull();
    expect(c.violations).toBe(1);
  });

  it('charges keep-alive messages to a control bucket of their own; refusals join the same streak', () => {
    const { admission, c } = setUp();
    for (let i = 0; i < 4; i++) expect(admission.admitControl(c, NOW)).toBeNull();
    expect(admission.admitControl(c, NOW)).toMatchObject({ limit: 2, window: 1, violations: 1 });
    expect(c.bucket.remaining(NOW)).toBe(10);
    for (let i = 0; i < 10; i++) admission.admit(c, undefined, 'echo', NOW);
    expect(admission.admit(c, undefined, 'echo', NOW)).toMatchObject({ violations: 2 });
  });
});
