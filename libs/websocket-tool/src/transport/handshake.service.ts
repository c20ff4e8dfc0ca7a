import { Inject, Injectable, Logger } from '@nestjs/common';
import { ClusterAdmission, type ClusterIpAdmission } from '../cluster/admission/cluster-admission.js';
import type { IncomingMessage } from 'node:http';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import type { WebSocketToolModuleOptions } from '../config/websocket-tool-module-options.interface.js';
import type { HandshakeResult } from '../connection/client-connection.js';
import { ConnectionLifecycle } from './connection-lifecycle.service.js';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import { HandshakeAdmission } from '../rate-limit/handshake-admission.js';
import type { IpAdmission } from '../rate-limit/ip-connection-limiter.js';
import { HandshakeRefusal } from '../security/handshake-refusal.js';
import { resolveAuthenticate } from '../security/resolve-authenticate.js';
import { isHostAllowed, parseAllowedHosts, type HostRule } from '../security/host-policy.js';
import { isOriginAllowed } from '../security/origin-policy.js';
import type { WsAuthenticate, WsIdentity } from '../security/ws-identity.interface.js';
import { WsStatsService } from '../stats/ws-stats.service.js';
import { WEBSOCKET_TOOL_MODULE_OPTIONS, WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import { anonymousClientId, parseUpgradeTarget, type UpgradeTarget } from './client-id.js';
import { clientIp } from './client-ip.js';

/** The answer to an upgrade request. */
export type HandshakeDecision =
  { accept: true; result: HandshakeResult } | { accept: false; status: number; reason: string; headers?: Record<string, string> };

/**
 * Decides at the HTTP upgrade, before any WebSocket exists, whether a client
 * may connect, in this order: path (404), shutdown (503), client id (400),
 * origin (403), host (403, DNS rebinding), capacity (503), per-IP connection rate (429 with
 * `Retry-After`), authentication (401) and client-id ownership (403).
 *
 * Returns synchronously unless authentication is configured or, in cluster
 * mode, the per-IP rate is counted in Redis (one bucket per IP for all nodes).
 *
 * @internal
 */
@Injectable()
export class HandshakeService {
  private readonly logger = new Logger('WebSocketTool');
  private readonly authenticate: WsAuthenticate | null;
  /** `allowedHosts`, parsed once. */
  private readonly hostRules: readonly HostRule[];

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) private readonly settings: WebSocketToolSettings,
    @Inject(WEBSOCKET_TOOL_MODULE_OPTIONS) private readonly options: WebSocketToolModuleOptions,
    private readonly registry: ConnectionRegistry,
    private readonly stats: WsStatsService,
    private readonly lifecycle: ConnectionLifecycle,
    private readonly ipAdmission: HandshakeAdmission,
    /** The per-IP bucket shared by the nodes; in memory (never answers) on a single node. */
    private readonly admission: ClusterAdmission,
  ) {
    this.hostRules = parseAllowedHosts(settings.allowedHosts);
    this.authenticate = resolveAuthenticate(options);
  }

  /** True when upgrades are authenticated (and so `check` is async). */
  get authenticates(): boolean {
    return this.authenticate !== null;
  }

  /** Where an upgrade URL points: one of ours (`<path>` or `<path>/<id>`) or not. */
  target(url: string): UpgradeTarget {
    return parseUpgradeTarget(url, this.settings.path);
  }

  /** `target`: the request URL as `target()` read it, when the caller has it already. */
  check(request: IncomingMessage, target = this.target(request.url ?? '/')): HandshakeDecision | Promise<HandshakeDecision> {
    if (!target.match) return this.refuse(404, 'Not Found');
    if (this.lifecycle.shuttingDown) return this.refuse(503, 'Server is shutting down', { 'Retry-After': '1' });
    if (target.error) return this.refuse(400, 'Invalid client id: ' + target.error);
    const origin = request.headers.origin;
    if (!isOriginAllowed(typeof origin === 'string' ? origin : undefined, request.headers.host, this.options?.allowedOrigins)) {
      return this.refuse(403, 'Origin not allowed');
    }
    if (!isHostAllowed({ headers: request.headers, peerAddress: request.socket.remoteAddress }, this.hostRules, this.settings.trustProxy)) {
      return this.refuse(
        403,
        this.hostRules.length > 0
          ? 'Host not allowed: not in allowedHosts'
          : 'Host not allowed: a local browser reached this server by a non-local name',
      );
    }
    if (this.settings.maxConnections > 0 && this.registry.count() >= this.settings.maxConnections) {
      return this.refuse(503, 'Server is at its connection limit', { 'Retry-After': '5' });
    }
    const ip = clientIp(request, this.settings.trustProxy);
    const shared = this.admission.admit(ip, this.ipAdmission.capacity, this.ipAdmission.ratePerMs);
    if (shared !== null) return this.admitShared(shared, request, target.clientId, ip);
    return this.admitted(request, target.clientId, ip, this.ipAdmission.admit(ip, Date.now()));
  }

  /** Cluster mode: one bucket per IP in Redis for all nodes; the local bucket stands in when Redis cannot answer. */
  private async admitShared(
    shared: Promise<ClusterIpAdmission | null>,
    request: IncomingMessage,
    clientId: string | null,
    ip: string,
  ): Promise<HandshakeDecision> {
    const admission = (await shared) ?? this.ipAdmission.admit(ip, Date.now());
    return this.admitted(request, clientId, ip, admission);
  }

  /** The checks after the per-IP rate: refusal with 429, else authentication when configured. */
  private admitted(
    request: IncomingMessage,
    clientId: string | null,
    ip: string,
    admission: IpAdmission,
  ): HandshakeDecision | Promise<HandshakeDecision> {
    if (!admission.allowed) {
      this.ipAdmission.refused(ip);
      return this.refuse(429, 'Too many connections from this address', {
        'Retry-After': String(Math.max(1, Math.ceil(admission.retryAfterSeconds))),
      });
    }
    const ua = request.headers['user-agent'];
    const result: HandshakeResult = {
      clientId: clientId ?? anonymousClientId(),
      named: clientId !== null,
      ip,
      userAgent: typeof ua === 'string' ? ua.slice(0, 512) : '',
    };
    if (!this.authenticate) return { accept: true, result };
    return this.authenticateUpgrade(request, result);
  }

  private async authenticateUpgrade(request: IncomingMessage, result: HandshakeResult): Promise<HandshakeDecision> {
    let identity: WsIdentity | null | undefined;
    try {
      identity = await (this.authenticate as WsAuthenticate)(request);
    } catch (err) {
      if (err instanceof HandshakeRefusal) return this.refuse(err.status, err.reason);
      this.logger.warn(`Authentication threw (${err instanceof Error ? err.name : 'error'}); the upgrade was refused with 401.`);
      return this.refuse(401, 'authentication failed');
    }
    if (!identity) return this.refuse(401, 'authentication failed');
    if (result.named) {
      let allowed = false;
      try {
        allowed = this.options.canUseClientId
          ? await this.options.canUseClientId(identity, result.clientId)
          : identity.userId !== undefined && identity.userId === result.clientId;
      } catch {
        allowed = false;
      }
      if (!allowed) return this.refuse(403, 'This identity may not use that client id');
    }
    return { accept: true, result: { ...result, identity } };
  }

  private refuse(status: number, reason: string, headers?: Record<string, string>): HandshakeDecision {
    this.stats.rejectedHandshakes++;
    return { accept: false, status, reason, headers };
  }
}
