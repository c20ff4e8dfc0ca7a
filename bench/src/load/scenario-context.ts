import type { LoadConfig } from '../shared/load-config.interface.js';
import type { BenchConnection, BenchSink } from './bench-connection.interface.js';
import { connectAll } from './connect-all.js';
import type { ServerProbe } from './server-probe.js';

/** Handshakes in flight when a scenario opens its clients (the connect scenario sets its own). */
export const SETUP_IN_FLIGHT = 200;

/** What a scenario gets from the load generator. */
export interface ScenarioContext {
  readonly config: LoadConfig;
  readonly server: ServerProbe;
  /** Latest `performance.now()` by which the scenario must be done. */
  readonly deadline: number;
  /** Opens one client, to `port` (another node of a clustered target) or else to the target's `config.port`. */
  open(sink: BenchSink, port?: number): Promise<BenchConnection>;
  log(text: string): void;
}

/** Opens `count` clients sharing `sink` (to `port`, or the target's port); shortfalls are written to `notes`. */
export async function openClients(
  ctx: ScenarioContext,
  count: number,
  inFlight: number,
  sink: BenchSink,
  notes: string[],
  port?: number,
): Promise<BenchConnection[]> {
  const outcome = await connectAll(count, inFlight, () => ctx.open(sink, port), ctx.deadline);
  if (outcome.failures > 0) notes.push(`${outcome.failures} of ${count} connections failed (first: ${outcome.firstError})`);
  if (outcome.timedOut) notes.push(`connecting stopped at the deadline after ${outcome.connections.length} of ${count}`);
  ctx.log(`${outcome.connections.length}/${count} connected`);
  return outcome.connections;
}

export const closeAll = (connections: Iterable<BenchConnection>): void => {
  for (const connection of connections) connection.close();
};
