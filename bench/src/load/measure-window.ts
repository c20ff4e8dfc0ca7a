import { nowUs } from './bench-clock.js';
import { delta, ownCpuMs, type ServerProbe } from './server-probe.js';

/** CPU time of the server and of the load generator over a stretch of wall time. */
export interface WindowFigures {
  wallMs: number;
  serverCpuMs: number | null;
  loadGenCpuMs: number;
}

/** Starts measuring now; `finish()` returns the figures since. */
export function startWindow(server: Pick<ServerProbe, 'cpuMs'>): { startUs: number; finish(endUs?: number): WindowFigures } {
  const startUs = nowUs();
  const server0 = server.cpuMs();
  const own0 = ownCpuMs();
  return {
    startUs,
    finish(endUs = nowUs()) {
      return {
        wallMs: (endUs - startUs) / 1000,
        serverCpuMs: delta(server0, server.cpuMs()),
        loadGenCpuMs: ownCpuMs() - own0,
      };
    },
  };
}

/** `part / whole × 100`, or null. */
export const percent = (part: number | null, whole: number): number | null => (part === null || whole <= 0 ? null : (part / whole) * 100);

/** CPU microseconds per unit of work, or null. */
export const usPer = (cpuMs: number | null, units: number): number | null => (cpuMs === null || units <= 0 ? null : (cpuMs * 1000) / units);
