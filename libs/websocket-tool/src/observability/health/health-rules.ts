/**
 * Health of the module: `healthy`, `warning` or `critical`.
 *
 * @publicApi
 */
export type WsHealthStatus = 'healthy' | 'warning' | 'critical';

/** Events counted over the health window (deltas of the cumulative counters). */
export interface WsHealthWindowCounts {
  queueOverflows: number;
  messagesSent: number;
  messagesFailed: number;
  heartbeatTimeouts: number;
  disconnections: number;
  rateLimitedMessages: number;
  rateLimitedConnections: number;
  rateLimitDisconnects: number;
}

/** What the health rules look at. */
export interface WsHealthInput {
  /** Queued messages over `maxQueueSize`, now. */
  queueUtilization: number;
  /** Connections open now. */
  activeConnections: number;
  /** Events of the last `windowSeconds`. */
  window: WsHealthWindowCounts;
  windowSeconds: number;
  shuttingDown: boolean;
  /** Cluster mode only: true while Redis is unreachable (this node serves its own clients only). */
  backplaneDown?: boolean;
}

/** The verdict: the most severe status of all rules that fired, and one line per rule. */
export interface WsHealthVerdict {
  status: WsHealthStatus;
  issues: string[];
}

/** Queue utilization above which health is `warning`. */
export const QUEUE_WARNING_UTILIZATION = 0.7;
/** Queue utilization above which health is `critical`. */
export const QUEUE_CRITICAL_UTILIZATION = 0.9;
/** Share of failed sends (of successful sends) above which health is `warning`. */
export const FAILURE_WARNING_RATIO = 0.1;
/** Share of heartbeat timeouts (of connections seen) above which health is `warning`. */
export const HEARTBEAT_TIMEOUT_WARNING_RATIO = 0.05;

const SEVERITY: Record<WsHealthStatus, number> = { healthy: 0, warning: 1, critical: 2 };

const percent = (ratio: number): string => `${Math.round(ratio * 100)}%`;

/**
 * Applies every health rule and keeps the most severe result (the original
 * plugin let a later rule overwrite an earlier one, so a critical queue could
 * be reported as a warning). Event rules count only the last `windowSeconds`,
 * so health recovers once a storm is over.
 */
export function evaluateHealth(input: WsHealthInput): WsHealthVerdict {
  const issues: string[] = [];
  let status: WsHealthStatus = 'healthy';
  const raise = (level: WsHealthStatus, issue: string) => {
    issues.push(issue);
    if (SEVERITY[level] > SEVERITY[status]) status = level;
  };
  const w = input.window;
  const during = `in the last ${formatSeconds(input.windowSeconds)}`;

  if (input.shuttingDown) raise('critical', 'Server is shutting down');
  if (input.queueUtilization > QUEUE_CRITICAL_UTILIZATION) raise('critical', `Queue nearly full (${percent(input.queueUtilization)} used)`);
  else if (input.queueUtilization > QUEUE_WARNING_UTILIZATION)
    raise('warning', `Queue usage high (${percent(input.queueUtilization)} used)`);
  if (w.queueOverflows > 0) raise('critical', `Queue overflows detected: ${w.queueOverflows} messages dropped ${during}`);
  if (w.messagesFailed > w.messagesSent * FAILURE_WARNING_RATIO) {
    raise('warning', `High message failure rate: ${w.messagesFailed} failed, ${w.messagesSent} sent ${during}`);
  }
  // Every connection alive during the window is either still open or closed within it.
  const seen = input.activeConnections + w.disconnections;
  if (w.heartbeatTimeouts > seen * HEARTBEAT_TIMEOUT_WARNING_RATIO) {
    raise('warning', `High heartbeat timeout rate: ${w.heartbeatTimeouts} of ${seen} connections ${during}`);
  }
  if (w.rateLimitedMessages > 0) raise('warning', `Messages are being rate-limited: ${w.rateLimitedMessages} ${during}`);
  if (w.rateLimitedConnections > 0) raise('warning', `Connections are being rate-limited: ${w.rateLimitedConnections} ${during}`);
  if (w.rateLimitDisconnects > 0) raise('critical', `Clients disconnected for rate limiting: ${w.rateLimitDisconnects} ${during}`);
  if (input.backplaneDown) raise('warning', "Cluster backplane (Redis) unreachable: messages reach this node's clients only");
  return { status, issues };
}

function formatSeconds(seconds: number): string {
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${Math.round(seconds * 10) / 10} s`;
}
