import { WebSocketToolClient, type ClientStateEvent } from '@websocket-tool/client';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { WebSocket, type ClientOptions } from 'ws';
import { freePort } from '../test/utils/free-port.js';
import { ServerProcess } from '../test/reliability/support/server-process.js';
import { waitFor } from '../test/reliability/support/wait-for.js';
import type { ErrorTally } from './support/error-tally.js';

/**
 * The per-IP admission limit of the restarted server: 300 handshakes per 5 s
 * with a burst of twice that, so 600 at once and then 60 a second. Every
 * storm client comes from 127.0.0.1, so this one bucket stands for a
 * production server's budget for new connections.
 */
export const STORM_ADMISSION = { perWindow: 300, windowSeconds: 5, burstMultiplier: 2 } as const;

/** Seconds the server needs at the least to admit `count` clients under `STORM_ADMISSION`. */
export function fastestAdmissionSeconds(count: number): number {
  const { perWindow, windowSeconds, burstMultiplier } = STORM_ADMISSION;
  return Math.max(0, count - perWindow * burstMultiplier) / (perWindow / windowSeconds);
}

/**
 * The time bar of a storm: the reliability spec wants all of 2,000 clients
 * back within 30 s of the restart; larger storms must all come back, and
 * their time is reported.
 */
export function stormTimeBar(count: number): number | null {
  return count === 2000 ? 30 : null;
}

/** How long a storm waits for its clients: any client could have come back several times over by then. */
export function stormWaitSeconds(count: number): number {
  return Math.max(90, Math.ceil(fastestAdmissionSeconds(count) * 2 + 30));
}

/** What one storm measured. */
export interface StormOutcome {
  /** Seconds from the restart until every client was open again; NaN if some never came back. */
  backSeconds: number;
  allBack: boolean;
  backMeasured: string;
  refusalsOk: boolean;
  refusalsMeasured: string;
  /** Uncaught exceptions and unhandled rejections of the restarted server. */
  serverFaults: number;
  figures: Record<string, unknown>;
}

/** A handshake refusal as the wire showed it: status and whether `Retry-After` came with it. */
interface Refusal {
  status: number;
  retryAfter: boolean;
}

/**
 * The `ws` class handed to the client SDK, noting every refused handshake
 * from the raw response (independently of the SDK, which adds its own
 * listener for the same event and ends the handshake itself).
 */
function recordingWebSocket(refusals: Refusal[]) {
  return class RecordingWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[], options?: ClientOptions) {
      super(address, protocols, options);
      this.once('unexpected-response', (_req: ClientRequest, res: IncomingMessage) => {
        refusals.push({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] !== undefined });
      });
    }
  };
}

const silent = { warn: () => undefined, error: () => undefined };
const round1 = (n: number) => Math.round(n * 10) / 10;

/** Seconds after the restart by which a share of the clients was back. */
function backBy(seconds: number[], share: number): number {
  const sorted = seconds.toSorted((a, b) => a - b);
  return round1(sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] ?? Number.NaN);
}

/**
 * A node crash under load: `count` client-SDK clients on a server that is
 * SIGKILLed and started again on the same port, now with a per-IP admission
 * limit (`STORM_ADMISSION`). The clients come back on their own: spread out
 * by the SDK's backoff jitter while the server is down, and, once it is up,
 * by the `Retry-After` of the 429s the ones over the limit meet.
 */
export async function runStorm(count: number, env: Record<string, string>, errors: ErrorTally): Promise<StormOutcome> {
  const refusals: Refusal[] = [];
  const port = await freePort();
  let server = await ServerProcess.start({ port, env });
  const RecordingWebSocket = recordingWebSocket(refusals);
  const clients = Array.from(
    { length: count },
    () => new WebSocketToolClient(`ws://127.0.0.1:${port}/ws`, { WebSocket: RecordingWebSocket as never, logger: silent }),
  );
  // What the SDK made of the refusals: the status it saw, and whether it waited at least Retry-After.
  let sdkRefusals = 0;
  let sdkWaitedLess = 0;
  let attempts = 0;
  let restartedAt = Number.POSITIVE_INFINITY;
  const openedAt = new Map<WebSocketToolClient, number>();
  const watch = (client: WebSocketToolClient) => (event: ClientStateEvent) => {
    if (event.state === 'connecting' && Date.now() >= restartedAt) attempts++;
    if (event.state === 'open') openedAt.set(client, Date.now());
    if (event.state === 'reconnecting' && event.handshakeStatus !== undefined) {
      sdkRefusals++;
      if (event.delayMs < (event.retryAfterMs ?? Number.POSITIVE_INFINITY)) sdkWaitedLess++;
    }
  };
  const unwatch = clients.map((c) => c.onState(watch(c)));
  try {
    await waitFor(() => clients.every((c) => c.state === 'open'), 'every SDK client is connected', 120_000, 100);
    server.kill();
    await server.exited;
    const crashedAt = Date.now();
    openedAt.clear();
    const { perWindow, windowSeconds, burstMultiplier } = STORM_ADMISSION;
    server = await ServerProcess.start({
      port,
      env: {
        ...env,
        FP_WST_RATE_LIMIT_CONNECTIONS_PER_WINDOW: String(perWindow),
        FP_WST_RATE_LIMIT_CONNECTION_WINDOW: String(windowSeconds),
        FP_WST_RATE_LIMIT_BURST_MULTIPLIER: String(burstMultiplier),
      },
    });
    restartedAt = Date.now();
    const fastest = fastestAdmissionSeconds(count);
    const waitSeconds = stormWaitSeconds(count);
    let backAt = 0;
    await waitFor(
      () => {
        if (clients.every((c) => c.state === 'open')) backAt = Date.now();
        return backAt > 0;
      },
      'every SDK client is back',
      waitSeconds * 1000,
      100,
    ).catch(() => undefined);
    const open = clients.filter((c) => c.state === 'open').length;
    const statuses = refusals.reduce<Record<string, number>>((acc, r) => {
      acc[r.status] = (acc[r.status] ?? 0) + 1;
      return acc;
    }, {});
    const withoutRetryAfter = refusals.filter((r) => !r.retryAfter).length;
    for (const [status, n] of Object.entries(statuses)) errors.add(`storm ${count}:handshake_refused:${status}`, n);
    const backSeconds = backAt ? (backAt - restartedAt) / 1000 : Number.NaN;
    const backTimes = [...openedAt.values()].map((at) => (at - restartedAt) / 1000);
    const bootSeconds = (restartedAt - crashedAt) / 1000;
    const label = `storm ${count}`;
    return {
      backSeconds,
      allBack: backAt > 0,
      backMeasured: backAt
        ? `all ${count} back ${backSeconds.toFixed(1)} s after the restart (${bootSeconds.toFixed(1)} s to boot; ` +
          `the admission limit allows ${fastest.toFixed(1)} s at the fastest)`
        : `${open} of ${count} back after ${waitSeconds} s`,
      refusalsOk: refusals.length > 0 && Object.keys(statuses).every((s) => s === '429' || s === '503') && withoutRetryAfter === 0,
      refusalsMeasured:
        `${refusals.length} refusals ${JSON.stringify(statuses)}, ${withoutRetryAfter} without Retry-After; ` +
        `the SDK saw ${sdkRefusals} and came back earlier than Retry-After ${sdkWaitedLess} times`,
      serverFaults: server.faults.length,
      figures: {
        [`${label}: refusals by status`]: statuses,
        [`${label}: seconds until all were back`]: round1(backSeconds),
        [`${label}: seconds until 50 % / 90 % / 99 % were back`]: [0.5, 0.9, 0.99].map((q) => backBy(backTimes, q)),
        [`${label}: fastest the admission limit allows (s)`]: round1(fastest),
        [`${label}: handshake attempts after the restart`]: attempts,
        [`${label}: seconds from the crash until the server listened again`]: round1(bootSeconds),
      },
    };
  } finally {
    for (const off of unwatch) off();
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
  }
}
