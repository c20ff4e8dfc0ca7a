import type { Summary } from './summarize.js';

/** A target the module is measured against, checked on a run's summary. */
export interface GoalCheck {
  goal: string;
  measured: string;
  /** null when the run has no figure for it. */
  met: boolean | null;
}

const MODULE = 'websocket-tool';

const fmt = (value: number, digits = 2): string => value.toFixed(digits);

function figure(summary: Summary, scenario: string, target: string, metric: string) {
  return summary[scenario]?.[target]?.[metric];
}

function ratioGoal(summary: Summary, scenario: string, metric: string, goal: string, test: (ratio: number) => boolean): GoalCheck {
  const f = figure(summary, scenario, MODULE, metric);
  if (!f || f.ratio === null) return { goal, measured: 'n/a', met: null };
  return { goal, measured: `×${fmt(f.ratio)} of raw ws`, met: test(f.ratio) };
}

function valueGoal(
  summary: Summary,
  scenario: string,
  metric: string,
  goal: string,
  unit: string,
  test: (value: number) => boolean,
  target = MODULE,
): GoalCheck {
  const f = figure(summary, scenario, target, metric);
  if (!f) return { goal, measured: 'n/a', met: null };
  return { goal, measured: `${fmt(f.median)} ${unit}`, met: test(f.median) };
}

function overRawGoal(summary: Summary, metric: string, goal: string): GoalCheck {
  const ours = figure(summary, 'memory', MODULE, metric);
  const raw = figure(summary, 'memory', 'raw', metric);
  if (!ours || !raw) return { goal, measured: 'n/a', met: null };
  const diff = ours.median - raw.median;
  return { goal, measured: `raw ws ${diff >= 0 ? '+' : '−'} ${fmt(Math.abs(diff))} KiB`, met: diff <= 2 };
}

/** The module's performance goals, each checked against the medians of this run. */
export function checkGoals(summary: Summary): GoalCheck[] {
  const checks: GoalCheck[] = [];
  for (const scenario of ['fan-out', 'fan-out-large']) {
    checks.push(ratioGoal(summary, scenario, 'deliveriesPerSec', `${scenario}: deliveries/s at least 2.5× raw ws`, (r) => r >= 2.5));
    const ours = figure(summary, scenario, MODULE, 'deliveriesPerSec');
    const io = figure(summary, scenario, 'socket-io', 'deliveriesPerSec');
    checks.push({
      goal: `${scenario}: deliveries/s ahead of Socket.IO`,
      measured: ours && io ? `×${fmt(ours.median / io.median)} of Socket.IO` : 'n/a',
      met: ours && io ? ours.median > io.median : null,
    });
  }
  checks.push(ratioGoal(summary, 'echo-capacity', 'achievedPerSec', 'echo capacity at least 0.8× raw ws', (r) => r >= 0.8));
  checks.push(valueGoal(summary, 'echo', 'rttP99Ms', 'echo round trip p99 at most 2 ms', 'ms', (v) => v <= 2));
  checks.push(ratioGoal(summary, 'connect', 'serverCpuUsPerConnection', 'server CPU per connection at most 1.3× raw ws', (r) => r <= 1.3));
  checks.push(valueGoal(summary, 'memory', 'rssKbPerConnection', 'RSS per idle connection at most 8 KiB', 'KiB', (v) => v <= 8));
  checks.push(overRawGoal(summary, 'rssKbPerConnection', 'RSS per idle connection at most raw ws + 2 KiB'));
  checks.push(overRawGoal(summary, 'heapKbPerConnection', 'JS heap + external per idle connection at most raw ws + 2 KiB'));
  checks.push(valueGoal(summary, 'memory', 'idleCpuPctOfCore', 'idle connections (heartbeat on) under 5 % of one core', '%', (v) => v < 5));
  for (const target of ['websocket-tool-short-heartbeat', MODULE]) {
    const at = `many-connections, ${target === MODULE ? 'default heartbeat' : 'heartbeat every 5 s'}`;
    checks.push(
      valueGoal(summary, 'many-connections', 'rssKbPerConnection', `${at}: RSS per connection at most 8 KiB`, 'KiB', (v) => v <= 8, target),
    );
    checks.push(
      valueGoal(summary, 'many-connections', 'idleCpuPctOfCore', `${at}: idle CPU at most 10 % of one core`, '%', (v) => v <= 10, target),
    );
    checks.push(
      valueGoal(
        summary,
        'many-connections',
        'loopDelayMaxMs',
        `${at}: longest event-loop delay at most 20 ms`,
        'ms',
        (v) => v <= 20,
        target,
      ),
    );
  }
  for (const target of ['websocket-tool-presence', 'websocket-tool-presence-redis']) {
    checks.push(
      valueGoal(summary, 'presence', 'presenceStatsP99Ms', `${target}: presenceStats p99 under 10 ms`, 'ms', (v) => v < 10, target),
    );
  }
  return checks;
}
