import type { ConnectScenario } from '../../shared/load-config.interface.js';
import type { LoadResult } from '../../shared/load-result.interface.js';
import { IGNORING_SINK } from '../bench-connection.interface.js';
import { startWindow, usPer } from '../measure-window.js';
import { closeAll, openClients, type ScenarioContext } from '../scenario-context.js';

/**
 * Opens `connections` with `inFlight` handshakes pending. The load
 * generator's handshakes are usually the bottleneck of the rate, so the
 * comparable figure is the server's CPU per accepted connection.
 */
export async function runConnect(ctx: ScenarioContext, s: ConnectScenario): Promise<LoadResult> {
  const notes: string[] = [];
  const window = startWindow(ctx.server);
  const clients = await openClients(ctx, s.connections, s.inFlight, IGNORING_SINK, notes);
  const figures = window.finish();
  closeAll(clients);
  const n = clients.length;
  return {
    complete: n === s.connections,
    notes,
    metrics: {
      serverCpuUsPerConnection: usPer(figures.serverCpuMs, n),
      connectionsPerSec: n / (figures.wallMs / 1000),
      loadGenCpuUsPerConnection: usPer(figures.loadGenCpuMs, n),
      connections: n,
    },
  };
}
