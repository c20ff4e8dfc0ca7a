import type { BenchPreset } from './bench-presets.js';
import { BASELINE_TARGET } from './bench-targets.js';
import type { RunRecord } from './run-once.js';

/** One figure of one target over the repetitions of a scenario. */
export interface FigureSummary {
  median: number;
  min: number;
  max: number;
  /** Repetitions that produced the figure. */
  n: number;
  /**
   * Median over the baseline's median in the same run (the scenario's
   * baseline target, and the figure's `ratioTo` metric if it names one);
   * null without a baseline.
   */
  ratio: number | null;
  /** True if any repetition behind it was incomplete (lost messages or connections). */
  incomplete: boolean;
}

/** scenario id → target id → metric → summary. */
export type Summary = Record<string, Record<string, Record<string, FigureSummary>>>;

export function median(values: number[]): number {
  const sorted = values.toSorted((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Medians, spreads and ratios to each scenario's baseline, from the successful runs. */
export function summarize(preset: BenchPreset, runs: RunRecord[]): Summary {
  const summary: Summary = {};
  for (const scenario of preset.scenarios) {
    const byTarget: Record<string, Record<string, FigureSummary>> = {};
    for (const target of scenario.targets) {
      const ok = runs.filter((r) => r.scenario === scenario.id && r.target === target && r.status === 'ok' && r.result);
      const figures: Record<string, FigureSummary> = {};
      const metrics = new Set(ok.flatMap((r) => Object.keys(r.result?.metrics ?? {})));
      for (const metric of metrics) {
        const values = ok.map((r) => r.result?.metrics[metric]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
        if (values.length === 0) continue;
        figures[metric] = {
          median: median(values),
          min: Math.min(...values),
          max: Math.max(...values),
          n: values.length,
          ratio: null,
          incomplete: ok.some((r) => r.result?.complete === false),
        };
      }
      byTarget[target] = figures;
    }
    const baseline = byTarget[scenario.baseline ?? BASELINE_TARGET];
    const ratioTo = new Map(scenario.figures.map((f) => [f.metric, f.ratioTo ?? f.metric]));
    for (const figures of Object.values(byTarget)) {
      for (const [metric, figure] of Object.entries(figures)) {
        const base = baseline?.[ratioTo.get(metric) ?? metric]?.median;
        figure.ratio = base !== undefined && base !== 0 ? figure.median / base : null;
      }
    }
    summary[scenario.id] = byTarget;
  }
  return summary;
}
