import { describe, expect, it } from 'vitest';
import { evaluateHealth, type WsHealthInput, type WsHealthWindowCounts } from './health-rules.js';

const quiet: WsHealthWindowCounts = {
  queueOverflows: 0,
  messagesSent: 0,
  messagesFailed: 0,
  heartbeatTimeouts: 0,
  disconnections: 0,
  rateLimitedMessages: 0,
  rateLimitedConnections: 0,
  rateLimitDisconnects: 0,
};
const input = (over: Partial<WsHealthInput> = {}, window: Partial<WsHealthWindowCounts> = {}): WsHealthInput => ({
  queueUtilization: 0,
  activeConnections: 10,
  windowSeconds: 300,
  shuttingDown: false,
  ...over,
  window: { ...quiet, ...window },
});

describe('evaluateHealth', () => {
  it('is healthy when nothing happened', () => {
    expect(evaluateHealth(input())).toEqual({ status: 'healthy', issues: [] });
  });

  it('applies the queue thresholds 0.7 and 0.9 strictly', () => {
    expect(evaluateHealth(input({ queueUtilization: 0.7 })).status).toBe('healthy');
    expect(evaluateHealth(input({ queueUtilization: 0.71 }))).toEqual({ status: 'warning', issues: ['Queue usage high (71% used)'] });
    expect(evaluateHealth(input({ queueUtilization: 0.9 })).status).toBe('warning');
    expect(evaluateHealth(input({ queueUtilization: 0.95 }))).toEqual({ status: 'critical', issues: ['Queue nearly full (95% used)'] });
  });

  it('keeps the most severe status: a later warning never downgrades a critical queue', () => {
    const verdict = evaluateHealth(input({ queueUtilization: 0.95 }, { messagesSent: 10, messagesFailed: 5, rateLimitedMessages: 2 }));
    expect(verdict.status).toBe('critical');
    expect(verdict.issues).toEqual([
      'Queue nearly full (95% used)',
      'High message failure rate: 5 failed, 10 sent in the last 5 min',
      'Messages are being rate-limited: 2 in the last 5 min',
    ]);
  });

  it('flags failures above 10 % of sends, overflows and rate-limit disconnects', () => {
    expect(evaluateHealth(input({}, { messagesSent: 100, messagesFailed: 10 })).status).toBe('healthy');
    expect(evaluateHealth(input({}, { messagesSent: 100, messagesFailed: 11 })).status).toBe('warning');
    expect(evaluateHealth(input({}, { queueOverflows: 1 })).status).toBe('critical');
    expect(evaluateHealth(input({}, { rateLimitedConnections: 3 })).issues).toEqual([
      'Connections are being rate-limited: 3 in the last 5 min',
    ]);
    expect(evaluateHealth(input({ windowSeconds: 2.5 }, { rateLimitDisconnects: 1 }))).toEqual({
      status: 'critical',
      issues: ['Clients disconnected for rate limiting: 1 in the last 2.5 s'],
    });
  });

  it('counts heartbeat timeouts against every connection seen in the window', () => {
    // 10 open + 10 closed in the window = 20 seen; 1 timeout is 5 %, not above it.
    expect(evaluateHealth(input({}, { heartbeatTimeouts: 1, disconnections: 10 })).status).toBe('healthy');
    expect(evaluateHealth(input({}, { heartbeatTimeouts: 2, disconnections: 10 })).issues).toEqual([
      'High heartbeat timeout rate: 2 of 20 connections in the last 5 min',
    ]);
  });

  it('warns while the cluster backplane is unreachable', () => {
    expect(evaluateHealth(input({ backplaneDown: true }))).toEqual({
      status: 'warning',
      issues: ["Cluster backplane (Redis) unreachable: messages reach this node's clients only"],
    });
    expect(evaluateHealth(input({ backplaneDown: false })).status).toBe('healthy');
  });

  it('is critical while shutting down', () => {
    expect(evaluateHealth(input({ shuttingDown: true }))).toEqual({ status: 'critical', issues: ['Server is shutting down'] });
  });
});
