import { Inject, Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import type { HandshakeResult } from '../connection/client-connection.js';
import { ConnectionLifecycle } from '../connection/connection-lifecycle.service.js';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import { IpConnectionLimiter } from '../rate-limit/ip-connection-limiter.js';
import { WsStatsService } from '../stats/ws-stats.service.js';
import { WEBSOCKET_TOOL_SETTINGS } from '../websocket-tool.constants.js';
import { anonymousClientId, parseUpgradeTarget } from './client-id.js';
import { clientIp } from './client-ip.js';

/** The answer to an upgrade request. */
export type HandshakeDecision =
  { accept: true; result: HandshakeResult } | { accept: false; status: number; reason: string; headers?: Record<string, string> };

/**
 * Decides at the HTTP upgrade, before any WebSocket exists, whether a client
 * may connect: path and client id (400), shutdown and capacity (503), and the
 * per-IP connection rate (429 with `Retry-After`).
 *
 * @internal
 */
@Injectable()
export class HandshakeService {
  readonly ipLimiter: IpConnectionLimiter;

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) private readonly settings: WebSocketToolSettings,
    private readonly registry: ConnectionRegistry,
    private readonly stats: WsStatsService,
    private readonly lifecycle: ConnectionLifecycle,
  ) {
    this.ipLimiter = new IpConnectionLimiter(
      settings.rateLimitConnectionsPerWindow,
      settings.rateLimitConnectionWindow,
      settings.rateLimitBurstMultiplier,
    );
  }

  /** True if the URL is one of ours (`<path>` or `<path>/<id>`). */
  matches(url: string): boolean {
    return parseUpgradeTarget(url, this.settings.path).match;
  }

  check(request: IncomingMessage): HandshakeDecision {
    const target = parseUpgradeTarget(request.url ?? '/', this.settings.path);
    if (!target.match) return this.refuse(404, 'Not Found');
    if (this.lifecycle.shuttingDown) return this.refuse(503, 'Server is shutting down', { 'Retry-After': '1' });
    if (target.error) return this.refuse(400, 'Invalid client id: ' + target.error);
    if (this.settings.maxConnections > 0 && this.registry.count() >= this.settings.maxConnections) {
      return this.refuse(503, 'Server is at its connection limit', { 'Retry-After': '5' });
    }
    const ip = clientIp(request, this.settings.trustProxy);
    const admission = this.ipLimiter.admit(ip, Date.now());
    if (!admission.allowed) {
      this.stats.rateLimitedConnections++;
      this.stats.topRateLimitedIps.add(ip);
      return this.refuse(429, 'Too many connections from this address', {
        'Retry-After': String(Math.max(1, Math.ceil(admission.retryAfterSeconds))),
      });
    }
    const ua = request.headers['user-agent'];
    return {
      accept: true,
      result: {
        clientId: target.clientId ?? anonymousClientId(),
        named: target.clientId !== null,
        ip,
        userAgent: typeof ua === 'string' ? ua.slice(0, 512) : '',
      },
    };
  }

  private refuse(status: number, reason: string, headers?: Record<string, string>): HandshakeDecision {
    this.stats.rejectedHandshakes++;
    return { accept: false, status, reason, headers };
  }
}
