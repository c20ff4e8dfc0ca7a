import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** The machine a run happened on; results are only comparable within one run on one machine. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  totalMemoryMb: number;
  node: string;
  v8: string;
  os: string;
  openFileLimit: string;
  clockTicksPerSecond: number;
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
  note: string;
}

/** `getconf CLK_TCK` (the unit of `/proc/<pid>/stat` CPU times); 100 on every common Linux. */
export function clockTicksPerSecond(): number {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5000 }).trim());
    return Number.isFinite(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
}

export function machineInfo(ticks: number): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    totalMemoryMb: Math.round(os.totalmem() / 1024 / 1024),
    node: process.version,
    v8: process.versions.v8,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    openFileLimit: process.env.BENCH_ULIMIT_N ?? 'unknown',
    clockTicksPerSecond: ticks,
    loadAverageAtStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
    note:
      'The load generator runs on the same machine as the server and shares its cores; ' +
      'every figure includes that contention, which is why only ratios within one run are compared.',
  };
}
