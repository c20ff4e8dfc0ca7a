import { Inject, Injectable } from '@nestjs/common';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import { WsStatsService } from '../stats/ws-stats.service.js';
import { WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import { IpConnectionLimiter, type IpAdmission } from './ip-connection-limiter.js';

/**
 * The per-IP connection rate at the handshake: `rateLimitConnectionsPerWindow`
 * per `rateLimitConnectionWindow`, burst × `rateLimitBurstMultiplier`, counted
 * on this node. A cluster-wide count uses the same bucket size and refill
 * rate (`capacity`, `ratePerMs`) and falls back to `admit` when it cannot answer.
 *
 * @internal
 */
@Injectable()
export class HandshakeAdmission {
  private readonly limiter: IpConnectionLimiter;
  /** Size of one IP's bucket, as `TokenBucket.forWindow` computes it. */
  readonly capacity: number;
  /** Tokens an IP's bucket regains per millisecond. */
  readonly ratePerMs: number;

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) settings: WebSocketToolSettings,
    private readonly stats: WsStatsService,
  ) {
    const limit = settings.rateLimitConnectionsPerWindow;
    this.limiter = new IpConnectionLimiter(limit, settings.rateLimitConnectionWindowMs, settings.rateLimitBurstMultiplier);
    this.capacity = Math.max(1, limit * settings.rateLimitBurstMultiplier);
    this.ratePerMs = limit / settings.rateLimitConnectionWindowMs;
  }

  /** Charges one handshake from `ip` to this node's table. */
  admit(ip: string, now: number): IpAdmission {
    return this.limiter.admit(ip, now);
  }

  /** Counts a handshake refused for its IP's rate. */
  refused(ip: string): void {
    this.stats.rateLimitedConnections++;
    this.stats.topRateLimitedIps.add(ip);
  }

  /** Forgets every IP whose bucket is full again (called periodically). */
  sweep(now: number): void {
    this.limiter.sweep(now);
  }

  /** IPs remembered now. */
  get size(): number {
    return this.limiter.size;
  }
}
