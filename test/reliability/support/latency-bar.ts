import { cpus, loadavg } from 'node:os';

/** Load (1-minute average, runnable tasks per core) above which the machine counts as overloaded. */
const OVERLOADED_PER_CORE = 2;
/** How much wider latency bars are on an overloaded machine. */
const OVERLOAD_FACTOR = 4;

/** True when other work on this machine keeps every core busy twice over. */
export function machineOverloaded(): boolean {
  return loadavg()[0] / Math.max(1, cpus().length) > OVERLOADED_PER_CORE;
}

/**
 * A latency bar of the reliability spec, as a test applies it: exact on a
 * machine with capacity to spare, 4× wider when the machine is overloaded by
 * other work (a shared machine), where an unrelated process can hold
 * a core for tens of milliseconds. Counts, close codes and memory bars are
 * never widened.
 */
export function latencyBar(ms: number): number {
  return machineOverloaded() ? ms * OVERLOAD_FACTOR : ms;
}
