import type { BenchMode } from './bench-presets.js';
import type { TargetId } from './bench-targets.js';

export interface BenchOptions {
  mode: BenchMode;
  repetitions: number | null;
  scenarios: string[] | null;
  targets: TargetId[] | null;
  /** Connections of the many-connections scenario; null: as many as the open-file limit allows. */
  connections: number | null;
  verbose: boolean;
  help: boolean;
}

export const USAGE = `Usage: npm run bench -- [options]

  --quick             small sizes, one repetition (two to three minutes); also BENCH_MODE=quick
  --smoke             tiny sizes, to check that the harness works; also BENCH_MODE=smoke
  --reps <n>          repetitions per target (default: 3 in full mode, 1 otherwise)
  --scenarios <a,b>   only these scenarios (fan-out, fan-out-large, echo, echo-capacity, connect, memory, topics, cluster, shards, recovery,
                      delta, presence, many-connections)
  --targets <a,b>     only these targets (raw, raw-corked, websocket-tool, nest-ws, socket-io, cluster-1, cluster-2,
                      shards-1, shards-3, websocket-tool-history, websocket-tool-short-heartbeat);
                      raw is the baseline, cluster-1 in the cluster scenario, shards-1 in the shards scenario
                      (both need redis-server on the PATH; shards also redis-cli)
  --connections <n>   connections the many-connections scenario holds (default: as many as the
                      open-file limit of one process allows, less headroom, up to 100,000)
  --verbose           show the output of every child process
  --no-build          skip building the library and the benchmark first
`;

const list = (value: string | undefined): string[] | null =>
  value
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : null;

/** Reads the command line (and BENCH_MODE); unknown flags are an error. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const envMode = env.BENCH_MODE;
  const options: BenchOptions = {
    mode: envMode === 'quick' || envMode === 'smoke' ? envMode : 'full',
    repetitions: null,
    scenarios: null,
    targets: null,
    connections: null,
    verbose: false,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    switch (arg) {
      case '--quick':
        options.mode = 'quick';
        break;
      case '--smoke':
        options.mode = 'smoke';
        break;
      case '--full':
        options.mode = 'full';
        break;
      case '--reps': {
        const reps = Number(value());
        if (!Number.isInteger(reps) || reps < 1 || reps > 20) throw new Error('--reps takes an integer from 1 to 20');
        options.repetitions = reps;
        break;
      }
      case '--scenarios':
        options.scenarios = list(value());
        break;
      case '--targets':
        options.targets = list(value()) as TargetId[] | null;
        break;
      case '--connections': {
        const count = Number(value());
        if (!Number.isInteger(count) || count < 1 || count > 1_000_000)
          throw new Error('--connections takes an integer from 1 to 1,000,000');
        options.connections = count;
        break;
      }
      case '--verbose':
        options.verbose = true;
        break;
      case '--no-build':
        break;
      case '--help':
      case '-h':
        options.help = true;
        break;
      default:
        throw new Error(`unknown option ${arg}\n\n${USAGE}`);
    }
  }
  return options;
}
