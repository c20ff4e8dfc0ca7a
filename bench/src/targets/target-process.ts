import { renameSync, writeFileSync } from 'node:fs';
import { READY_LINE_KEY } from '../shared/bench-protocol.constants.js';
import { envMs, exitWithParent } from '../shared/process-lifetime.js';
import { LoopDelayProbe } from './loop-delay-probe.js';

/**
 * Starts the lifetime guard every target runs under (see `exitWithParent`),
 * and answers SIGUSR2 from the load generator: a full garbage collection
 * (targets run with `--expose-gc`), so memory readings compare retained
 * memory rather than garbage not yet collected, then `process.memoryUsage()`
 * written to `BENCH_MEMORY_FILE`. With `BENCH_LOOP_PROBE=1` it also runs a
 * probe of its event loop's delay, whose timeline goes into the same file.
 */
export function guardTargetLifetime(): void {
  exitWithParent(envMs('BENCH_MAX_LIFETIME_MS', 30 * 60 * 1000));
  const file = process.env.BENCH_MEMORY_FILE;
  const loop = process.env.BENCH_LOOP_PROBE === '1' ? new LoopDelayProbe() : null;
  process.on('SIGUSR2', () => {
    // The timeline is taken before the collection, whose pause shows up only after it.
    const loopDelay = loop?.timeline();
    (globalThis as { gc?: () => void }).gc?.();
    if (!file) return;
    // Written whole under another name first: the reader waits for the file to exist.
    writeFileSync(`${file}.tmp`, JSON.stringify({ ...process.memoryUsage(), loopDelay }));
    renameSync(`${file}.tmp`, file);
  });
  // A profiled target (BENCH_TARGET_NODE_FLAGS=--cpu-prof) writes its profile only on a normal exit.
  if (process.execArgv.includes('--cpu-prof')) process.on('SIGTERM', () => process.exit(0));
}

/** Tells the orchestrator the target listens, on its stdout. */
export function announceReady(port: number): void {
  process.stdout.write(JSON.stringify({ [READY_LINE_KEY]: { port, pid: process.pid } }) + '\n');
}

/** Reports a start-up failure on stderr and exits, so the orchestrator sees it at once. */
export function failStart(err: unknown): never {
  process.stderr.write(`target failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}
