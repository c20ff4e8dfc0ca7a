import { WebSocketToolClient } from '@websocket-tool/client';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { WebSocket, type ClientOptions } from 'ws';
import { freePort } from '../test/utils/free-port.js';
import { ServerProcess } from '../test/reliability/support/server-process.js';
import { waitFor } from '../test/reliability/support/wait-for.js';
import type { ErrorTally } from './support/error-tally.js';

/** What the storm measured. */
export interface StormOutcome {
  backWithin30s: boolean;
  backMeasured: string;
  refusalsOk: boolean;
  refusalsMeasured: string;
  figures: Record<string, unknown>;
}

/** Handshake refusals the clients met: status and whether `Retry-After` came with it. */
const refusals: Array<{ status: number; retryAfter: boolean }> = [];

/**
 * The `ws` class handed to the client SDK, noting every refused handshake
 * before the SDK sees the failure (a browser could not tell the status).
 */
class RecordingWebSocket extends WebSocket {
  constructor(address: string, protocols?: string | string[], options?: ClientOptions) {
    super(address, protocols, options);
    this.once('unexpected-response', (_req: ClientRequest, res: IncomingMessage) => {
      refusals.push({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] !== undefined });
      res.resume();
      // With a listener ws leaves the socket connecting; end it so the SDK's backoff takes over.
      this.terminate();
    });
  }
}

const silent = { warn: () => undefined, error: () => undefined };

/**
 * A node crash under load: `count` client-SDK clients on a server that is
 * SIGKILLed and started again on the same port, now with a per-IP admission
 * limit (300 per 5 s, burst ×2). The clients come back on their own, spread
 * out by the SDK's backoff jitter; the ones over the limit meet 429.
 */
export async function runStorm(count: number, env: Record<string, string>, errors: ErrorTally): Promise<StormOutcome> {
  const port = await freePort();
  let server = await ServerProcess.start({ port, env });
  const clients = Array.from(
    { length: count },
    () => new WebSocketToolClient(`ws://127.0.0.1:${port}/ws`, { WebSocket: RecordingWebSocket as never, logger: silent }),
  );
  try {
    await waitFor(() => clients.every((c) => c.state === 'open'), 'every SDK client is connected', 120_000, 100);
    server.kill();
    await server.exited;
    const crashedAt = Date.now();
    server = await ServerProcess.start({
      port,
      env: { ...env, FP_WST_RATE_LIMIT_CONNECTIONS_PER_WINDOW: '300', FP_WST_RATE_LIMIT_CONNECTION_WINDOW: '5' },
    });
    const restartedAt = Date.now();
    let backAt = 0;
    await waitFor(
      () => {
        if (clients.every((c) => c.state === 'open')) backAt = Date.now();
        return backAt > 0;
      },
      'every SDK client is back',
      90_000,
      100,
    ).catch(() => undefined);
    const open = clients.filter((c) => c.state === 'open').length;
    const statuses = refusals.reduce<Record<string, number>>((acc, r) => {
      acc[r.status] = (acc[r.status] ?? 0) + 1;
      return acc;
    }, {});
    const withoutRetryAfter = refusals.filter((r) => !r.retryAfter).length;
    for (const [status, n] of Object.entries(statuses)) errors.add(`storm:handshake_refused:${status}`, n);
    const backSeconds = backAt ? (backAt - restartedAt) / 1000 : Number.NaN;
    return {
      backWithin30s: backAt > 0 && backSeconds <= 30,
      backMeasured: backAt
        ? `all ${count} back ${backSeconds.toFixed(1)} s after the restart (${((restartedAt - crashedAt) / 1000).toFixed(1)} s to boot)`
        : `${open} of ${count} back after 90 s`,
      refusalsOk: Object.keys(statuses).every((s) => s === '429' || s === '503') && withoutRetryAfter === 0,
      refusalsMeasured: `${refusals.length} refusals ${JSON.stringify(statuses)}, ${withoutRetryAfter} without Retry-After`,
      figures: { 'storm: refusals by status': statuses, 'storm: seconds until all were back': backSeconds },
    };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
  }
}
