import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkGoals } from './bench-goals.js';
import { parseOptions, USAGE } from './bench-options.js';
import { presetFor, type BenchPreset, type ScenarioDefinition } from './bench-presets.js';
import { BASELINE_TARGET, TARGETS, targetById, type TargetDefinition } from './bench-targets.js';
import { installCleanupHandlers } from './child-processes.js';
import { clusterFindings } from './cluster-findings.js';
import { clockTicksPerSecond, machineInfo } from './machine-info.js';
import { formatValue, markdownReport } from './markdown-report.js';
import { runOnce, type RunEnvironment, type RunRecord } from './run-once.js';
import { summarize } from './summarize.js';

/**
 * `npm run bench`: runs every scenario against every target, each target in
 * its own fresh process and the load in another, targets alternated run by
 * run for several repetitions; writes `bench/results/<date>.json` and
 * `.md` and prints the Markdown.
 */
const write = (text: string): void => {
  process.stdout.write(text);
};

const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const distDir = join(benchDir, 'dist');
const resultsDir = join(benchDir, 'results');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface PlannedRun {
  scenario: ScenarioDefinition;
  target: TargetDefinition;
  repetition: number;
}

/** Scenario by scenario; within one, repetition by repetition, every target once, starting one further each time. */
function plan(preset: BenchPreset): PlannedRun[] {
  const runs: PlannedRun[] = [];
  for (const scenario of preset.scenarios) {
    for (let repetition = 1; repetition <= preset.repetitions; repetition++) {
      const ids = scenario.targets;
      for (let i = 0; i < ids.length; i++) {
        const id = ids[(i + repetition - 1) % ids.length];
        if (id) runs.push({ scenario, target: targetById(id), repetition });
      }
    }
  }
  return runs;
}

function applyFilters(preset: BenchPreset, options: ReturnType<typeof parseOptions>): BenchPreset {
  const known = new Set(preset.scenarios.map((s) => s.id));
  for (const id of options.scenarios ?? []) if (!known.has(id)) throw new Error(`unknown scenario ${id}\n\n${USAGE}`);
  for (const id of options.targets ?? []) if (!TARGETS.some((t) => t.id === id)) throw new Error(`unknown target ${id}\n\n${USAGE}`);
  const targets = options.targets;
  const scenarios = preset.scenarios
    .filter((s) => !options.scenarios || options.scenarios.includes(s.id))
    .map((s) => ({ ...s, targets: targets ? s.targets.filter((t) => targets.includes(t)) : s.targets }))
    .filter((s) => s.targets.length > 0);
  return { ...preset, repetitions: options.repetitions ?? preset.repetitions, scenarios };
}

/** Connections a scenario holds at once, to check against the open-file limit. */
function peakConnections(s: ScenarioDefinition): number {
  const c = s.config;
  switch (c.kind) {
    case 'fan-out':
    case 'echo':
    case 'cluster':
    case 'shards':
      return c.clients + 1;
    case 'connect':
    case 'memory':
    case 'many-connections':
      return c.connections;
    case 'topics':
      return c.topics + 1;
    case 'recovery':
      return c.subscribers + 3;
    case 'delta':
      return c.subscribers * 2 + 1;
    case 'presence':
      return c.members * 2 + 1;
  }
}

function progressLine(record: RunRecord, index: number, total: number, scenario: ScenarioDefinition): string {
  const head = `[${String(index).padStart(String(total).length)}/${total}] ${scenario.id.padEnd(13)} rep ${record.repetition} ${record.target.padEnd(14)}`;
  if (record.status !== 'ok' || !record.result) return `${head} ${record.status.toUpperCase()}: ${(record.error ?? '').split('\n')[0]}\n`;
  const figures = scenario.figures
    .slice(0, 3)
    .map((f) => {
      const v = record.result?.metrics[f.metric];
      return `${f.label} ${typeof v === 'number' ? formatValue(v) : '—'}`;
    })
    .join(' · ');
  const flag = record.result.complete ? '' : '  (incomplete)';
  return `${head} ${figures}  [${(record.wallMs / 1000).toFixed(1)} s]${flag}\n`;
}

async function main(): Promise<void> {
  installCleanupHandlers(write);
  const options = parseOptions(process.argv.slice(2), process.env);
  if (options.help) {
    write(USAGE);
    return;
  }
  if (!existsSync(join(distDir, 'load/load-generator.main.js'))) {
    throw new Error('bench/dist is missing: run `npm run bench` (it builds first) or `tsc -b bench/tsconfig.json`.');
  }
  if (!existsSync(`/proc/${process.pid}/stat`)) {
    write('Warning: /proc is not readable here; server CPU and memory figures will be empty.\n');
  }
  const ticks = clockTicksPerSecond();
  const machine = machineInfo(ticks);
  const limit = Number(machine.openFileLimit);
  const preset = applyFilters(
    presetFor(options.mode, { openFileLimit: Number.isFinite(limit) ? limit : null, connections: options.connections }),
    options,
  );
  for (const s of preset.scenarios) {
    if (Number.isFinite(limit) && peakConnections(s) + 200 > limit) {
      write(`Warning: ${s.id} holds ${peakConnections(s)} connections but the open-file limit is ${limit}; connections will fail.\n`);
    }
  }
  const runs = plan(preset);
  const started = new Date();
  const startedAt = started.toISOString().replace(/\.\d+Z$/, 'Z');
  write(
    `Benchmark, ${preset.mode} mode: ${preset.scenarios.length} scenario(s), ${runs.length} runs, ` +
      `${preset.repetitions} repetition(s), baseline ${BASELINE_TARGET}.\n` +
      `${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, load average ${machine.loadAverageAtStart.join(' ')}. ` +
      'The load generator shares these cores with the server.\n\n',
  );

  const env: RunEnvironment = { distDir, preset, clockTicksPerSecond: ticks, verbose: options.verbose, write };
  const records: RunRecord[] = [];
  const deadline = performance.now() + preset.maxTotalMs;
  for (const [i, planned] of runs.entries()) {
    if (performance.now() > deadline) {
      records.push({
        scenario: planned.scenario.id,
        target: planned.target.id,
        repetition: planned.repetition,
        order: i + 1,
        status: 'skipped',
        error: `the whole benchmark passed its ${preset.maxTotalMs / 60_000} min limit`,
        wallMs: 0,
        loadAverage1m: os.loadavg()[0] ?? 0,
      });
      continue;
    }
    const record = await runOnce(env, planned.scenario, planned.target, planned.repetition, i + 1, () => os.loadavg()[0] ?? 0);
    records.push(record);
    write(progressLine(record, i + 1, runs.length, planned.scenario));
    await sleep(preset.cooldownMs);
  }

  machine.loadAverageAtEnd = os.loadavg().map((v) => Math.round(v * 100) / 100);
  const summary = summarize(preset, records);
  const goals = checkGoals(summary);
  const cluster = clusterFindings(summary);
  const wallSeconds = (Date.now() - started.getTime()) / 1000;
  const markdown = markdownReport({ preset, machine, startedAt, wallSeconds, runs: records, summary, goals, cluster });
  mkdirSync(resultsDir, { recursive: true });
  const base = join(resultsDir, `${startedAt.replace(/:/g, '-')}${preset.mode === 'full' ? '' : `-${preset.mode}`}`);
  const json = {
    schema: 1,
    mode: preset.mode,
    startedAt,
    wallSeconds,
    machine,
    preset,
    targets: TARGETS,
    baseline: BASELINE_TARGET,
    runs: records,
    summary,
    goals,
    cluster,
  };
  writeFileSync(`${base}.json`, JSON.stringify(json, null, 2) + '\n');
  writeFileSync(`${base}.md`, markdown);
  write(`\n${markdown}\nWrote ${relative(process.cwd(), base)}.json and .md\n`);
  const failed = records.filter((r) => r.status !== 'ok').length;
  if (failed > 0) {
    write(`${failed} run(s) failed or were skipped; see "Runs with problems".\n`);
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
