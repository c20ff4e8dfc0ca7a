import type { GoalCheck } from './bench-goals.js';
import { clusterFindingsMarkdown, type ClusterFindings } from './cluster-findings.js';
import type { BenchPreset } from './bench-presets.js';
import { BASELINE_TARGET, targetById, type TargetId } from './bench-targets.js';
import type { MachineInfo } from './machine-info.js';
import type { RunRecord } from './run-once.js';
import type { FigureSummary, Summary } from './summarize.js';

/** Compact number: 412k, 41.2k, 412, 41.2, 4.12. */
export function formatValue(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function cell(figure: FigureSummary | undefined, baseline: boolean): string {
  if (!figure) return '—';
  const ratio = baseline || figure.ratio === null ? '' : ` ×${figure.ratio.toFixed(2)}`;
  const spread = figure.n > 1 ? ` (${formatValue(figure.min)}–${formatValue(figure.max)})` : '';
  return `${formatValue(figure.median)}${ratio}${spread}${figure.incomplete ? ' †' : ''}`;
}

export interface ReportInput {
  preset: BenchPreset;
  machine: MachineInfo;
  startedAt: string;
  wallSeconds: number;
  runs: RunRecord[];
  summary: Summary;
  goals: GoalCheck[];
  /** The cluster scenario's answers, when it ran. */
  cluster: ClusterFindings | null;
}

/** The results as Markdown: machine, goals, one table per scenario, and every run that had a problem. */
export function markdownReport(input: ReportInput): string {
  const { preset, machine, summary } = input;
  const out: string[] = [];
  const m = machine;
  out.push(`# Benchmark results, ${input.startedAt} (${preset.mode} mode)`, '');
  out.push(
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.totalMemoryMb.toLocaleString('en-US')} MB RAM, Node ${m.node}, ${m.os}. ` +
      `Load average at start ${m.loadAverageAtStart.join(' / ')}` +
      (m.loadAverageAtEnd ? `, at end ${m.loadAverageAtEnd.join(' / ')}` : '') +
      `. Open-file limit ${m.openFileLimit}.`,
    '',
    `**The load generator runs on the same machine and shares its ${m.cores} cores with the server.** ` +
      'Every figure includes that contention; compare medians and ratios within this run, not absolute figures across runs or machines.',
    '',
    `${preset.repetitions} repetition(s) per target, targets alternated run by run; a fresh server process for every run. ` +
      `Cells: median ×ratio to raw ws, or to the baseline a table names (min–max over the repetitions); † = some deliveries or connections missing. ` +
      `Whole run: ${Math.round(input.wallSeconds)} s.`,
    '',
  );
  if (preset.mode !== 'full') out.push(`> ${preset.mode} mode uses small sizes: these figures do not answer the performance goals.`, '');

  // A run limited to scenarios no goal is about (--scenarios cluster) has no goals table.
  if (input.goals.some((g) => g.met !== null)) {
    out.push('## Goals', '', '| Goal | Measured (median) | Met |', '|---|---|---|');
    for (const g of input.goals) out.push(`| ${g.goal} | ${g.measured} | ${g.met === null ? 'n/a' : g.met ? 'yes' : '**no**'} |`);
    out.push('');
  }

  for (const scenario of preset.scenarios) {
    const byTarget = summary[scenario.id];
    if (!byTarget) continue;
    const targets = scenario.targets.filter((t) => byTarget[t] !== undefined) as TargetId[];
    if (targets.length === 0) continue;
    const baseline = scenario.baseline ?? BASELINE_TARGET;
    out.push(`## ${scenario.title}`, '');
    if (scenario.baseline) out.push(`Ratios in this table are to **${targetById(scenario.baseline).label}** of this run.`, '');
    out.push(`| Figure | ${targets.map((t) => targetById(t).label).join(' | ')} |`, `|---|${targets.map(() => '---').join('|')}|`);
    for (const f of scenario.figures) {
      const arrow = f.better === 'higher' ? '↑' : '↓';
      out.push(`| ${f.label} ${arrow} | ${targets.map((t) => cell(byTarget[t]?.[f.metric], t === baseline)).join(' | ')} |`);
    }
    out.push('');
    if (scenario.config.kind === 'cluster' && input.cluster) out.push(...clusterFindingsMarkdown(input.cluster), '');
  }

  const problems = input.runs.filter((r) => r.status !== 'ok' || (r.result && (r.result.notes.length > 0 || !r.result.complete)));
  if (problems.length > 0) {
    out.push('## Runs with problems', '');
    for (const r of problems) {
      const what = r.status === 'ok' ? (r.result?.notes.join('; ') ?? '') : `${r.status}: ${(r.error ?? '').split('\n')[0]}`;
      out.push(`- ${r.scenario}, repetition ${r.repetition}, ${r.target}: ${what}`);
    }
    out.push('');
  }

  out.push('## Targets', '');
  const used = new Set(preset.scenarios.flatMap((s) => s.targets));
  for (const id of used) out.push(`- **${targetById(id).label}**: ${targetById(id).description}`);
  out.push('');
  return out.join('\n');
}
