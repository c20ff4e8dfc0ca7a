import { Injectable, Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import * as prom from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HandlerSettledListener } from '../../messaging/dispatch/handler-settled.listener.js';
import { OnWsMessage } from '../../messaging/discovery/on-ws-message.decorator.js';
import { FrameWrittenListener } from '../../outbound/frame-written.listener.js';
import { WsStatsService } from '../../stats/ws-stats.service.js';
import { WebSocketToolModule } from '../../websocket-tool.module.js';
import { OTHER_HANDLER_TYPE, WS_METRICS } from './metrics.constants.js';
import { WsMetricsService } from './ws-metrics.service.js';

@Injectable()
class Handlers {
  @OnWsMessage('known')
  known() {
    return 'ok';
  }
}

const line = (text: string, start: string) => text.split('\n').find((l) => l.startsWith(start + ' '));

describe('WsMetricsService', () => {
  let moduleRef: TestingModule;
  let registry: prom.Registry;
  let service: WsMetricsService;

  beforeEach(async () => {
    // Metrics off at boot, so nothing touches the global registry; each test installs into its own.
    moduleRef = await Test.createTestingModule({
      imports: [WebSocketToolModule.forRoot({ enableMetrics: false, metricsPrefix: 'unit_' })],
      providers: [Handlers],
    }).compile();
    await moduleRef.init();
    registry = new prom.Registry();
    service = moduleRef.get(WsMetricsService);
  });

  afterEach(async () => {
    await moduleRef.close();
    vi.restoreAllMocks();
  });

  it('registers every metric with its prefix, read live at scrape time', async () => {
    service.install(prom, registry);
    expect(service.active).toBe(true);
    const names = registry.getMetricsAsArray().map((m) => (m as unknown as { name: string }).name);
    expect(new Set(names)).toEqual(new Set(Object.values(WS_METRICS).map((m) => 'unit_' + m.name)));
    expect(names).toHaveLength(Object.keys(WS_METRICS).length);

    const stats = moduleRef.get(WsStatsService);
    stats.totalConnections = 7;
    stats.recordDisconnect('heartbeat_timeout');
    stats.recordDisconnect('heartbeat_timeout');
    let text = await registry.metrics();
    expect(line(text, 'unit_connections_total')).toBe('unit_connections_total 7');
    expect(line(text, 'unit_disconnections_total{reason="heartbeat_timeout"}')).toBe(
      'unit_disconnections_total{reason="heartbeat_timeout"} 2',
    );
    expect(line(text, 'unit_disconnections_total{reason="client"}')).toBe('unit_disconnections_total{reason="client"} 0');
    expect(text).toContain('# TYPE unit_handler_duration_seconds histogram');
    expect(text).toContain('# HELP unit_queue_utilization How full the shared outbound budget is, from 0 to 1');

    stats.totalConnections = 8;
    text = await registry.metrics();
    expect(line(text, 'unit_connections_total')).toBe('unit_connections_total 8');
  });

  it('times handlers by registered type only: every unknown type shares one series', async () => {
    service.install(prom, registry);
    const listener = moduleRef.get(HandlerSettledListener);
    expect(listener.listening).toBe(true);
    const settled = (type: string, ms: number) => listener.handlerSettled(type, ms);
    settled('known', 2);
    for (let i = 0; i < 1000; i++) settled(`made-up-${i}`, 1);
    const text = await registry.metrics();
    const types = new Set(
      text
        .split('\n')
        .filter((l) => l.startsWith('unit_handler_duration_seconds_count'))
        .map((l) => /type="([^"]*)"/.exec(l)?.[1]),
    );
    expect(types).toEqual(new Set(['known', OTHER_HANDLER_TYPE]));
    expect(line(text, `unit_handler_duration_seconds_count{type="${OTHER_HANDLER_TYPE}"}`)).toMatch(/ 1000$/);
    expect(line(text, 'unit_handler_duration_seconds_bucket{type="known",le="0.0025"}')).toMatch(/ 1$/);
    expect(line(text, 'unit_handler_duration_seconds_bucket{type="known",le="0.001"}')).toMatch(/ 0$/);
    expect(line(text, 'unit_handler_duration_seconds_sum{type="known"}')).toBe('unit_handler_duration_seconds_sum{type="known"} 0.002');
  });

  it('serves the OpenMetrics format too', async () => {
    const openMetrics = new prom.Registry();
    // The typings fix the content type at construction; the runtime switches it.
    (openMetrics as prom.Registry<prom.RegistryContentType>).setContentType(prom.openMetricsContentType as never);
    service.install(prom, openMetrics);
    const text = await openMetrics.metrics();
    expect(text).toContain('# TYPE unit_connections counter');
    expect(text).toContain('unit_connections_total 0');
    expect(text).toContain('unit_queue_wait_seconds_bucket{le="+Inf"} 0');
    expect(text.endsWith('# EOF\n')).toBe(true);
    service.uninstall();
    expect(openMetrics.getMetricsAsArray()).toEqual([]);
  });

  it('registers nothing and warns when a name is taken, leaving the other metric alone', () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const theirs = new prom.Gauge({ name: 'unit_queue_size', help: 'Someone else.', registers: [registry] });
    service.install(prom, registry);
    expect(service.active).toBe(false);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('Metric "unit_queue_size" is already registered'));
    expect(registry.getMetricsAsArray()).toEqual([theirs]);
    expect(moduleRef.get(FrameWrittenListener).listening).toBe(false);
    expect(moduleRef.get(HandlerSettledListener).listening).toBe(false);
  });

  it('on shutdown turns the hooks off and removes only its own metrics', async () => {
    service.install(prom, registry);
    expect(moduleRef.get(FrameWrittenListener).listening).toBe(true);
    const other = new prom.Counter({ name: 'app_orders_total', help: 'Orders.', registers: [registry] });
    await moduleRef.close();
    expect(registry.getMetricsAsArray()).toEqual([other]);
    expect(moduleRef.get(FrameWrittenListener).listening).toBe(false);
    expect(moduleRef.get(HandlerSettledListener).listening).toBe(false);
  });
});
