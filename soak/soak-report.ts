import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import type { ServerSample } from '../test/reliability/support/server-process.js';
import type { SoakProfile } from './soak-profile.js';

/** One pass bar of the reliability spec and what this run measured for it. */
export interface BarResult {
  bar: string;
  measured: string;
  /** null: not measured in this run (say why in `measured`). */
  pass: boolean | null;
}

/** One memory reading of the server, with the phase it was taken in. */
export interface MemoryPoint {
  phase: string;
  /** Seconds since the run started. */
  t: number;
  heapMiB: number;
  externalMiB: number;
  rssMiB: number;
  fds: number;
  connections: number;
  loopDelayP99Ms: number;
}

/** Everything a soak run reports. */
export interface SoakReport {
  profile: SoakProfile;
  startedAt: string;
  durationSeconds: number;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; loadAverage: number[] };
  figures: Record<string, unknown>;
  bars: BarResult[];
  errors: Record<string, number>;
  serverFaults: Array<{ origin: string; message: string }>;
  serverWarnings: Array<{ name: string; message: string }>;
  memory: MemoryPoint[];
  notes: string[];
}

const MiB = 1024 * 1024;
const round1 = (n: number) => Math.round(n * 10) / 10;

/** A memory point from a server sample. */
export function memoryPoint(phase: string, startedAt: number, sample: ServerSample, connections: number): MemoryPoint {
  return {
    phase,
    t: round1((sample.at - startedAt) / 1000),
    heapMiB: round1(sample.memory.heapUsed / MiB),
    externalMiB: round1(sample.memory.external / MiB),
    rssMiB: round1(sample.memory.rss / MiB),
    fds: sample.fds,
    connections,
    loopDelayP99Ms: round1(sample.loopDelayMs.p99),
  };
}

/** The machine the run happened on (figures from a loaded 2-core box read differently). */
export function machineInfo(): SoakReport['machine'] {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model ?? 'unknown',
    memoryGiB: round1(totalmem() / 1024 ** 3),
    node: process.version,
    loadAverage: loadavg().map(round1),
  };
}

const verdict = (b: BarResult) => (b.pass === null ? '—' : b.pass ? 'pass' : '**FAIL**');

function markdown(report: SoakReport): string {
  const lines = [
    `# Soak run ${report.startedAt} (${report.profile.name}${report.profile.only ? `, only "${report.profile.only}"` : ''})`,
    '',
    `${report.durationSeconds} s on ${report.machine.cpus} × ${report.machine.cpuModel}, ${report.machine.memoryGiB} GiB, Node ${report.machine.node}; ` +
      `load average at the end ${report.machine.loadAverage.join(' / ')}.`,
    '',
    '## Pass bars',
    '',
    '| Bar | Measured | Verdict |',
    '| --- | --- | --- |',
    ...report.bars.map((b) => `| ${b.bar} | ${b.measured} | ${verdict(b)} |`),
    '',
    '## Figures',
    '',
    '| Figure | Value |',
    '| --- | --- |',
    ...Object.entries(report.figures).map(([k, v]) => `| ${k} | ${typeof v === 'object' ? '`' + JSON.stringify(v) + '`' : String(v)} |`),
    '',
    '## Errors by kind',
    '',
    ...(Object.keys(report.errors).length === 0
      ? ['None.']
      : ['| Kind | Count |', '| --- | --- |', ...Object.entries(report.errors).map(([k, v]) => `| ${k} | ${v} |`)]),
    '',
    `Server faults (uncaught exceptions, unhandled rejections): ${report.serverFaults.length}. Warnings: ${report.serverWarnings.length}.`,
    '',
    '## Server memory over time (after a forced GC)',
    '',
    '| t (s) | Phase | Connections | Heap MiB | External MiB | RSS MiB | FDs | Loop delay p99 ms |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...report.memory.map(
      (m) => `| ${m.t} | ${m.phase} | ${m.connections} | ${m.heapMiB} | ${m.externalMiB} | ${m.rssMiB} | ${m.fds} | ${m.loopDelayP99Ms} |`,
    ),
    '',
    ...(report.notes.length ? ['## Notes', '', ...report.notes.map((n) => `- ${n}`), ''] : []),
  ];
  return lines.join('\n');
}

/** Writes `soak/results/<date>[-<profile>].json` and `.md`; returns the paths. */
export function writeReport(report: SoakReport, dir = new URL('./results/', import.meta.url)): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const only = report.profile.only ? '-only-' + report.profile.only.replace(/[^A-Za-z0-9]+/g, '-') : '';
  const base = `${stamp}${report.profile.name === 'default' ? '' : '-' + report.profile.name}${only}`;
  const json = new URL(`${base}.json`, dir);
  const md = new URL(`${base}.md`, dir);
  writeFileSync(json, JSON.stringify(report, null, 2) + '\n');
  writeFileSync(md, markdown(report));
  return { json: json.pathname, md: md.pathname };
}
