import { Injectable } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { OnWsMessage, type WsInboundMessage } from '@websocket-tool/nestjs';
import { readFileSync } from 'node:fs';
import { register } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { WS_METRICS } from '../libs/websocket-tool/src/observability/metrics/metrics.constants.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { scrape } from './utils/prometheus-text.js';
import { WsTestClient } from './utils/ws-test-client.js';

interface Target {
  expr: string;
  datasource?: { type: string; uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: Target[];
  panels?: Panel[];
  fieldConfig?: { defaults: { thresholds?: { steps: Array<{ color: string; value: number | null }> } } };
}
interface Variable {
  name: string;
  type: string;
  query: string | { query: string };
  datasource?: { type: string; uid: string };
}
interface Dashboard {
  __inputs: Array<{ name: string; type: string; pluginId: string }>;
  __requires: Array<{ type: string; id: string; version: string }>;
  panels: Panel[];
  templating: { list: Variable[] };
  schemaVersion: number;
  title: string;
  uid: string;
}

const dashboard = JSON.parse(readFileSync(new URL('../grafana/websocket-tool.json', import.meta.url), 'utf8')) as Dashboard;
const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const graphs = panels.filter((p) => p.type !== 'row');
const variables = dashboard.templating.list;
const prefixVariable = variables.find((v) => v.name === 'metric_prefix');
const DEFAULT_PREFIX = 'fp_websocket_tool_';

const queryOf = (v: Variable) => (typeof v.query === 'string' ? v.query : v.query.query);
const expressions = [
  ...graphs.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
  ...variables.filter((v) => v.type === 'query').map(queryOf),
];

const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset']);

/**
 * The metric names a PromQL expression reads: with the prefix variable filled
 * in, strings, label matchers, ranges, grouping clauses and label_values'
 * label argument removed, every
 * remaining identifier that is not a function call or keyword.
 */
function metricNames(expr: string, prefix: string): string[] {
  const text = expr
    .replace(/\$\{metric_prefix\}|\$metric_prefix/g, prefix)
    // Grafana's label_values(metric, label): the second argument is a label name.
    .replace(/^label_values\((.*),\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)$/, '$1')
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names: string[] = [];
  for (const match of text.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const after = text.slice((match.index ?? 0) + match[0].length).trimStart();
    if (after.startsWith('(') || PROMQL_WORDS.has(match[0])) continue;
    names.push(match[0]);
  }
  return names;
}

@Injectable()
class EchoFixture {
  @OnWsMessage('echo')
  echo(message: WsInboundMessage) {
    return message.content;
  }
}

describe('grafana/websocket-tool.json', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
    register.clear();
  });

  it('imports into Grafana 10+: a ${DS_PROMETHEUS} input used by every query, job and instance variables', () => {
    expect(dashboard.__inputs).toEqual([expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' })]);
    const grafana = dashboard.__requires.find((r) => r.type === 'grafana');
    expect(Number(grafana?.version.split('.')[0])).toBeGreaterThanOrEqual(10);
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(38);
    const ds = { type: 'prometheus', uid: '${DS_PROMETHEUS}' };
    for (const p of graphs) {
      expect(p.datasource, p.title).toEqual(ds);
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      for (const target of p.targets ?? []) expect(target.datasource, p.title).toEqual(ds);
    }
    for (const name of ['job', 'instance']) {
      const v = variables.find((x) => x.name === name);
      expect(v?.type).toBe('query');
      expect(v?.datasource).toEqual(ds);
      expect(queryOf(v!)).toMatch(new RegExp(`label_values\\(.*, ${name}\\)`));
    }
    expect(prefixVariable).toMatchObject({ type: 'textbox', query: DEFAULT_PREFIX });
    // Every query is filtered by both variables.
    for (const p of graphs) {
      for (const target of p.targets ?? []) expect(target.expr, p.title).toContain('{job=~"$job", instance=~"$instance"}');
    }
  });

  it('has the promised panels, laid out on the 24-column grid with unique ids', () => {
    const titles = graphs.map((p) => p.title);
    for (const wanted of [
      /active connections \(named \/ anonymous\)/i,
      /connects and disconnects .* by reason/i,
      /^messages per second$/i,
      /^queue size$/i,
      /^queue utilization$/i,
      /queue overflows/i,
      /heartbeat timeouts/i,
      /rate-limit events/i,
      /handler latency p50 \/ p99 by type/i,
      /supervisor restarts/i,
    ]) {
      expect(
        titles.some((title) => wanted.test(title)),
        String(wanted),
      ).toBe(true);
    }
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const p of panels) expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
    const rateTargets = graphs.find((p) => /by reason/i.test(p.title))!.targets!.map((x) => x.expr);
    expect(rateTargets.some((e) => /sum by \(reason\)/.test(e))).toBe(true);
    const latency = graphs.find((p) => /handler latency/i.test(p.title))!.targets!.map((x) => x.expr);
    expect(latency.some((e) => e.startsWith('histogram_quantile(0.5,') && e.includes('by (le, type)'))).toBe(true);
    expect(latency.some((e) => e.startsWith('histogram_quantile(0.99,') && e.includes('by (le, type)'))).toBe(true);
  });

  it('marks queue utilization orange at 0.7 and red at 0.9', () => {
    const utilization = graphs.filter((p) => /queue utilization/i.test(p.title));
    expect(utilization.length).toBeGreaterThanOrEqual(1);
    for (const p of utilization) {
      const steps = p.fieldConfig?.defaults.thresholds?.steps ?? [];
      expect(steps.map((s) => s.value)).toEqual([null, 0.7, 0.9]);
      expect(p.targets!.every((x) => x.expr.includes('queue_utilization'))).toBe(true);
    }
  });

  it('reads only metrics that a running app exports, and shows every one of them', async () => {
    t = await createTestApp({}, { imports: [PrometheusModule.register()], providers: [EchoFixture] });
    const client = await WsTestClient.connect(`${t.ws}/ws/viewer`);
    await client.request({ type: 'echo', content: 1 });
    const s = await scrape(t.http);
    const exported = new Set(s.samples.map((x) => x.name));

    const used = new Set(expressions.flatMap((e) => metricNames(e, DEFAULT_PREFIX)));
    expect(used.size).toBeGreaterThan(15);
    for (const name of used) {
      expect(name.startsWith(DEFAULT_PREFIX), name).toBe(true);
      expect(exported.has(name), `${name} is used by the dashboard but not exported`).toBe(true);
    }
    // Histograms are read through their _bucket series; every family appears somewhere.
    const families = new Set([...used].map((n) => n.replace(/_bucket$/, '')));
    for (const m of Object.values(WS_METRICS)) expect(families.has(DEFAULT_PREFIX + m.name), `no panel shows ${m.name}`).toBe(true);
    client.close();
  });

  it('follows a changed metricsPrefix through its prefix variable', async () => {
    t = await createTestApp({ metricsPrefix: 'chat_ws_' }, { imports: [PrometheusModule.register()], providers: [EchoFixture] });
    const s = await scrape(t.http);
    const exported = new Set(s.samples.map((x) => x.name));
    for (const name of new Set(expressions.flatMap((e) => metricNames(e, 'chat_ws_')))) {
      expect(exported.has(name), name).toBe(true);
    }
  });

  it('extracts metric names from PromQL correctly', () => {
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (le, type) (rate(${metric_prefix}handler_duration_seconds_bucket{job=~"$job", type!="a b"}[$__rate_interval])))',
        'p_',
      ),
    ).toEqual(['p_handler_duration_seconds_bucket']);
    expect(metricNames('sum without (reason) (a_total) / on (instance) group_left b', '')).toEqual(['a_total', 'b']);
    expect(metricNames('label_values($metric_prefixactive_connections{job=~"$job"}, instance)', 'x_')).toEqual(['x_active_connections']);
  });
});
