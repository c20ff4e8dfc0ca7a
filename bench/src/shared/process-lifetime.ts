const exit = (code: number) => () => process.exit(code);

/**
 * Ties a benchmark child process to the orchestrator: it exits when its stdin
 * closes (the orchestrator ended, however it ended), on SIGTERM/SIGINT, and
 * after `maxLifetimeMs`, so no benchmark process is ever left behind.
 */
export function exitWithParent(maxLifetimeMs: number): void {
  process.stdin.on('end', exit(0));
  process.stdin.on('close', exit(0));
  process.stdin.on('error', exit(0));
  process.stdin.resume();
  process.on('SIGTERM', exit(0));
  process.on('SIGINT', exit(0));
  setTimeout(() => {
    process.stderr.write(`exceeded its maximum lifetime of ${maxLifetimeMs} ms\n`);
    process.exit(3);
  }, maxLifetimeMs).unref();
}

/** Reads a positive number of milliseconds from the environment, or `fallback`. */
export function envMs(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
