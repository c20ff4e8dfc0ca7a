import { describe, expect, it } from 'vitest';
import { settingsOf } from '../../../../test/utils/dispatch-fakes.js';
import { WsStatsService } from '../stats/ws-stats.service.js';
import { HandshakeAdmission } from './handshake-admission.js';

const NOW = 5_000_000;

describe('HandshakeAdmission', () => {
  const settings = settingsOf({ rateLimitConnectionsPerWindow: 10, rateLimitConnectionWindow: 10, rateLimitBurstMultiplier: 2 });

  it('admits a burst of limit × burst handshakes per IP, then says when to retry', () => {
    const admission = new HandshakeAdmission(settings, new WsStatsService());
    for (let i = 0; i < 20; i++) expect(admission.admit('10.0.0.1', NOW)).toEqual({ allowed: true });
    expect(admission.admit('10.0.0.1', NOW)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(admission.admit('10.0.0.2', NOW)).toEqual({ allowed: true });
  });

  it('gives a cluster-wide count the same bucket size and refill rate', () => {
    const admission = new HandshakeAdmission(settings, new WsStatsService());
    expect(admission.capacity).toBe(20);
    expect(admission.ratePerMs).toBe(10 / 10_000);
  });

  it('counts refusals per IP in the stats', () => {
    const stats = new WsStatsService();
    const admission = new HandshakeAdmission(settings, stats);
    admission.refused('10.0.0.9');
    admission.refused('10.0.0.9');
    expect(stats.rateLimitedConnections).toBe(2);
    expect(stats.topRateLimitedIps.top(1)).toEqual([{ key: '10.0.0.9', count: 2 }]);
  });

  it('forgets the IPs whose bucket refilled', () => {
    const admission = new HandshakeAdmission(settings, new WsStatsService());
    admission.admit('10.0.0.1', NOW);
    admission.admit('10.0.0.2', NOW + 9_000);
    expect(admission.size).toBe(2);
    // One token back per second: the first IP's bucket is full again after 1 s.
    admission.sweep(NOW + 500);
    expect(admission.size).toBe(2);
    admission.sweep(NOW + 1_000);
    expect(admission.size).toBe(1);
  });
});
