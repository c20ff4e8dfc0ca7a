import { createInterface } from 'node:readline';
import type { WebSocket } from 'ws';
import { envMs, exitWithParent } from '../shared/process-lifetime.js';
import { connectAll } from './connect-all.js';
import { openWebSocket } from './open-websocket.js';

/**
 * A process of the many-connections scenario that only holds connections:
 * `ws` clients bound to `BENCH_SOURCE_ADDRESS` (a loopback address of its
 * own, so its ephemeral ports are its own), idle apart from answering the
 * server's pings (`ws` does that by itself). Reads commands on stdin, one a
 * line: `open <n>` opens n more and answers with one JSON status line on
 * stdout; `status` answers with the same line. Exits when stdin closes.
 */
const maxLifetimeMs = envMs('BENCH_MAX_LIFETIME_MS', 10 * 60 * 1000);
exitWithParent(maxLifetimeMs);

const url = process.env.BENCH_HOLDER_URL ?? '';
const localAddress = process.env.BENCH_SOURCE_ADDRESS ?? '127.0.0.1';
const inFlight = Number(process.env.BENCH_HOLDER_IN_FLIGHT ?? '50');
const timeoutMs = envMs('BENCH_CONNECT_TIMEOUT_MS', 15_000);

/** What the parent reads back after each command. */
export interface HolderStatus {
  held: number;
  failed: number;
  closedByServer: number;
  firstError: string | null;
}

const held: WebSocket[] = [];
const status: HolderStatus = { held: 0, failed: 0, closedByServer: 0, firstError: null };

async function open(): Promise<WebSocket> {
  const ws = await openWebSocket(url, timeoutMs, localAddress);
  ws.once('close', () => status.closedByServer++);
  return ws;
}

const report = (): void => {
  status.held = held.length;
  process.stdout.write(JSON.stringify(status) + '\n');
};

createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, count] = line.trim().split(' ');
  if (command === 'open') {
    void connectAll(Number(count), inFlight, open, Number.POSITIVE_INFINITY).then((outcome) => {
      held.push(...outcome.connections);
      status.failed += outcome.failures;
      status.firstError ??= outcome.firstError;
      report();
    });
  } else report();
});
