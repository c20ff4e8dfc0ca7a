import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Logger } from '@nestjs/common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeConnection } from '../../../../test/utils/dispatch-fakes.js';
import { InMemoryClusterAdmission } from '../cluster/admission/in-memory-cluster-admission.js';
import { resolveSettings } from '../config/resolve-settings.js';
import type { WebSocketToolConfigOptions } from '../config/websocket-tool-module-options.interface.js';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import { HandshakeAdmission } from '../rate-limit/handshake-admission.js';
import { HandshakeRefusal } from '../security/handshake-refusal.js';
import { WsStatsService } from '../stats/ws-stats.service.js';
import type { ConnectionLifecycle } from './connection-lifecycle.service.js';
import { HandshakeService, type HandshakeDecision } from './handshake.service.js';

/** The service over real collaborators; the lifecycle is only asked whether it is shutting down. */
function handshakes(options: WebSocketToolConfigOptions = {}) {
  const settings = resolveSettings(options, {});
  const stats = new WsStatsService();
  const registry = new ConnectionRegistry(settings, stats);
  const lifecycle = { shuttingDown: false };
  const service = new HandshakeService(
    settings,
    options,
    registry,
    stats,
    lifecycle as ConnectionLifecycle,
    new HandshakeAdmission(settings, stats),
    new InMemoryClusterAdmission(),
  );
  return { service, settings, stats, registry, lifecycle };
}

/** An upgrade request as `http` hands it over. */
const upgrade = (url: string, headers: IncomingHttpHeaders = {}, remoteAddress = '10.0.0.1') =>
  ({ url, headers: { host: 'app.example.com', ...headers }, socket: { remoteAddress } }) as unknown as IncomingMessage;

const refusal = (status: number, reason: string, headers?: Record<string, string>): HandshakeDecision => ({
  accept: false,
  status,
  reason,
  headers,
});

/** A handshake relayed by two proxies, reaching us from 10.0.0.1. */
const forwarded = (service: HandshakeService) =>
  service.check(upgrade('/ws', { 'x-forwarded-for': '203.0.113.9, 198.51.100.4' }, '10.0.0.1')) as HandshakeDecision;

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('HandshakeService', () => {
  describe('refusals, in order', () => {
    it('refuses a path that is not the endpoint with 404, even while shutting down', () => {
      const { service, lifecycle, stats } = handshakes();
      expect(service.check(upgrade('/api/ws'))).toEqual(refusal(404, 'Not Found'));
      lifecycle.shuttingDown = true;
      expect(service.check(upgrade('/wss/alice'))).toEqual(refusal(404, 'Not Found'));
      expect(stats.rejectedHandshakes).toBe(2);
    });

    it('refuses with 503 and Retry-After 1 while shutting down, before reading the client id', () => {
      const { service, lifecycle } = handshakes();
      lifecycle.shuttingDown = true;
      expect(service.check(upgrade('/ws/%ZZ'))).toEqual(refusal(503, 'Server is shutting down', { 'Retry-After': '1' }));
    });

    it('refuses a malformed client id with 400, before the origin check', () => {
      const { service } = handshakes();
      expect(service.check(upgrade('/ws/%3Cimg%3E', { origin: 'https://evil.example' }))).toEqual(
        refusal(400, 'Invalid client id: a client id is 1 to 128 characters of letters, digits and ._:@-'),
      );
      expect(service.check(upgrade('/ws/'))).toEqual(refusal(400, 'Invalid client id: the client id is empty'));
    });

    it('refuses a foreign origin with 403, and Origin: null', () => {
      const { service } = handshakes();
      expect(service.check(upgrade('/ws', { origin: 'https://evil.example' }))).toEqual(refusal(403, 'Origin not allowed'));
      expect(service.check(upgrade('/ws', { origin: 'null' }))).toEqual(refusal(403, 'Origin not allowed'));
      expect(service.check(upgrade('/ws', { origin: 'https://app.example.com' }))).toMatchObject({ accept: true });
    });

    it('accepts the origins of allowedOrigins only', () => {
      const { service } = handshakes({ allowedOrigins: ['https://front.example.com', /^https:\/\/.*\.preview\.dev$/] });
      expect(service.check(upgrade('/ws', { origin: 'https://front.example.com' }))).toMatchObject({ accept: true });
      expect(service.check(upgrade('/ws', { origin: 'https://pr-1.preview.dev' }))).toMatchObject({ accept: true });
      expect(service.check(upgrade('/ws', { origin: 'https://app.example.com' }))).toEqual(refusal(403, 'Origin not allowed'));
    });

    it('refuses the DNS-rebinding shape with 403: a local browser reaching the server by a non-local name', () => {
      const { service } = handshakes();
      const rebound = upgrade('/ws', { host: 'attacker.example', origin: 'http://attacker.example' }, '127.0.0.1');
      expect(service.check(rebound)).toEqual(refusal(403, 'Host not allowed: a local browser reached this server by a non-local name'));
      const local = upgrade('/ws', { host: 'localhost:3000', origin: 'http://localhost:3000' }, '127.0.0.1');
      expect(service.check(local)).toMatchObject({ accept: true });
    });

    it('refuses a Host outside allowedHosts with 403', () => {
      const { service } = handshakes({ allowedHosts: 'app.example.com, *.example.org' });
      expect(service.check(upgrade('/ws', { host: 'other.example.net' }))).toEqual(refusal(403, 'Host not allowed: not in allowedHosts'));
      expect(service.check(upgrade('/ws', { host: 'a.example.org' }))).toMatchObject({ accept: true });
    });

    it('refuses with 503 and Retry-After 5 at maxConnections', () => {
      const { service, registry, settings } = handshakes({ maxConnections: 2 });
      registry.add(fakeConnection('c1', settings));
      expect(service.check(upgrade('/ws'))).toMatchObject({ accept: true });
      registry.add(fakeConnection('c2', settings));
      expect(service.check(upgrade('/ws'))).toEqual(refusal(503, 'Server is at its connection limit', { 'Retry-After': '5' }));
    });
  });

  describe('accepted handshakes', () => {
    it('returns the named client id, the IP and the user agent', () => {
      const { service } = handshakes();
      const request = upgrade('/ws/alice', { 'user-agent': 'spec-agent/1.0' }, '::ffff:10.0.0.7');
      expect(service.check(request)).toEqual({
        accept: true,
        result: { clientId: 'alice', named: true, ip: '10.0.0.7', userAgent: 'spec-agent/1.0' },
      });
    });

    it('generates an anonymous id when the path has none', () => {
      const { service } = handshakes();
      const decision = service.check(upgrade('/ws')) as HandshakeDecision;
      expect(decision).toEqual({
        accept: true,
        result: { clientId: expect.stringMatching(/^anon-[0-9a-f-]{36}$/), named: false, ip: '10.0.0.1', userAgent: '' },
      });
      expect(service.authenticates).toBe(false);
    });
  });

  describe('per-IP connection rate', () => {
    it('refuses the (n+1)-th handshake from one IP with 429 and Retry-After, counts it, and still admits another IP', () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(1_000_000);
      const { service, stats } = handshakes({
        rateLimitConnectionsPerWindow: 3,
        rateLimitConnectionWindow: 60,
        rateLimitBurstMultiplier: 1,
      });
      for (let i = 0; i < 3; i++) expect(service.check(upgrade('/ws', {}, '10.0.0.1'))).toMatchObject({ accept: true });
      expect(service.check(upgrade('/ws', {}, '10.0.0.1'))).toEqual(
        refusal(429, 'Too many connections from this address', { 'Retry-After': '20' }),
      );
      expect(service.check(upgrade('/ws', {}, '10.0.0.2'))).toMatchObject({ accept: true, result: { ip: '10.0.0.2' } });
      expect(stats.rateLimitedConnections).toBe(1);
      expect(stats.rejectedHandshakes).toBe(1);
      expect(stats.topRateLimitedIps.top(1)).toEqual([{ key: '10.0.0.1', count: 1 }]);
    });
  });

  describe('authentication', () => {
    it('refuses with 401 when authenticate returns null, and answers with a promise', async () => {
      const { service } = handshakes({ authenticate: () => null });
      const decision = service.check(upgrade('/ws'));
      expect(decision).toBeInstanceOf(Promise);
      expect(service.authenticates).toBe(true);
      await expect(decision).resolves.toEqual(refusal(401, 'authentication failed'));
    });

    it('accepts with the identity an async authenticate resolves to', async () => {
      const { service } = handshakes({ authenticate: async (request) => ({ userId: 'u1', agent: request.headers['user-agent'] }) });
      await expect(service.check(upgrade('/ws', { 'user-agent': 'ua' }))).resolves.toEqual({
        accept: true,
        result: {
          clientId: expect.stringMatching(/^anon-/),
          named: false,
          ip: '10.0.0.1',
          userAgent: 'ua',
          identity: { userId: 'u1', agent: 'ua' },
        },
      });
    });

    it('refuses with 401 when authenticate throws, without leaking the error text', async () => {
      const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const { service } = handshakes({
        authenticate: () => {
          throw new Error('db password is hunter2');
        },
      });
      const decision = await service.check(upgrade('/ws'));
      expect(decision).toEqual(refusal(401, 'authentication failed'));
      expect(JSON.stringify(decision)).not.toContain('hunter2');
      expect(warn).toHaveBeenCalledWith('Authentication threw (Error); the upgrade was refused with 401.');
    });

    it('uses the status and reason of a HandshakeRefusal', async () => {
      const { service } = handshakes({
        authenticate: () => {
          throw new HandshakeRefusal(403, 'account suspended');
        },
      });
      await expect(service.check(upgrade('/ws'))).resolves.toEqual(refusal(403, 'account suspended'));
    });

    it('checks client-id ownership: by default the id must be the userId, else canUseClientId decides (403)', async () => {
      const byDefault = handshakes({ authenticate: () => ({ userId: 'alice' }) }).service;
      await expect(byDefault.check(upgrade('/ws/alice'))).resolves.toMatchObject({
        accept: true,
        result: { clientId: 'alice', named: true },
      });
      await expect(byDefault.check(upgrade('/ws/bob'))).resolves.toEqual(refusal(403, 'This identity may not use that client id'));
      const custom = handshakes({
        authenticate: () => ({ userId: 'alice' }),
        canUseClientId: async (identity, clientId) => clientId.startsWith(identity.userId + ':'),
      }).service;
      await expect(custom.check(upgrade('/ws/alice:tab1'))).resolves.toMatchObject({ accept: true });
      await expect(custom.check(upgrade('/ws/alice'))).resolves.toEqual(refusal(403, 'This identity may not use that client id'));
    });

    it('does not authenticate a request the rate limit already refused', async () => {
      const authenticate = vi.fn(() => ({ userId: 'u1' }));
      const { service } = handshakes({ authenticate, rateLimitConnectionsPerWindow: 1, rateLimitBurstMultiplier: 1 });
      await expect(service.check(upgrade('/ws'))).resolves.toMatchObject({ accept: true });
      expect(service.check(upgrade('/ws'))).toMatchObject({ accept: false, status: 429 });
      expect(authenticate).toHaveBeenCalledTimes(1);
    });
  });

  describe('client IP behind a proxy', () => {
    it('ignores X-Forwarded-For with trustProxy off', () => {
      expect(forwarded(handshakes().service)).toMatchObject({ accept: true, result: { ip: '10.0.0.1' } });
    });

    it('reads X-Forwarded-For from the right, one entry per trusted hop', () => {
      expect(forwarded(handshakes({ trustProxy: 1 }).service)).toMatchObject({ accept: true, result: { ip: '198.51.100.4' } });
      expect(forwarded(handshakes({ trustProxy: 2 }).service)).toMatchObject({ accept: true, result: { ip: '203.0.113.9' } });
    });

    it('rate-limits the forwarded client, not the proxy', () => {
      const { service } = handshakes({ trustProxy: 1, rateLimitConnectionsPerWindow: 1, rateLimitBurstMultiplier: 1 });
      const via = (ip: string) => service.check(upgrade('/ws', { 'x-forwarded-for': ip }, '10.0.0.1')) as HandshakeDecision;
      expect(via('203.0.113.1')).toMatchObject({ accept: true });
      expect(via('203.0.113.2')).toMatchObject({ accept: true });
      expect(via('203.0.113.1')).toMatchObject({ accept: false, status: 429 });
    });
  });
});
