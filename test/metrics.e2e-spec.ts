import { Injectable, Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectMetric, makeCounterProvider, PrometheusModule } from '@willsoto/nestjs-prometheus';
import {
  BroadcastService,
  ConnectionRegistry,
  OnWsMessage,
  type WsInboundMessage,
  type WsMessageContext,
  type WebSocketToolOptions,
} from '@websocket-tool/nestjs';
import type { Socket } from 'node:net';
import { register, type Counter } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HEARTBEAT_INTERVAL_NAME } from '../libs/websocket-tool/src/heartbeat/heartbeat.service.js';
import { HandlerSettledListener } from '../libs/websocket-tool/src/messaging/dispatch/handler-settled.listener.js';
import { WS_METRICS } from '../libs/websocket-tool/src/observability/metrics/metrics.constants.js';
import { FrameWrittenListener } from '../libs/websocket-tool/src/outbound/frame-written.listener.js';
import { SupervisorService } from '../libs/websocket-tool/src/supervisor/supervisor.service.js';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import { WsHandlerRegistry } from '../libs/websocket-tool/src/messaging/discovery/ws-handler-registry.js';
import { WebSocketToolAdapter } from '@websocket-tool/nestjs';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { scrape, type PromScrape } from './utils/prometheus-text.js';
import { WsTestClient, handshakeStatus, sleep } from './utils/ws-test-client.js';

const PREFIX = 'fp_websocket_tool_';
const OUR_METRIC_NAMES = Object.values(WS_METRICS).map((m) => PREFIX + m.name);

@Injectable()
class MetricsFixture {
  constructor(private readonly broadcast: BroadcastService) {}

  @OnWsMessage('echo')
  echo(message: WsInboundMessage) {
    return message.content;
  }

  @OnWsMessage('chat')
  chat(message: WsInboundMessage, context: WsMessageContext) {
    this.broadcast.broadcast({ type: 'chat', content: message.content, meta: { from: context.clientId } });
  }
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const rawSocket = (c: WsTestClient) => (c.socket as unknown as { _socket: Socket })._socket;

/** Samples of our metric families (histogram series carry _bucket/_sum/_count suffixes). */
const ours = (s: PromScrape) => s.samples.filter((x) => x.name.startsWith(PREFIX));

/** A test app with the app-owned PrometheusModule (serving /metrics) next to WebSocketToolModule. */
const metricsApp = (options: WebSocketToolOptions = {}, providers: unknown[] = [MetricsFixture], prometheus = {}) =>
  createTestApp(options, { imports: [PrometheusModule.register(prometheus)], providers: providers as never[] });

describe('Prometheus metrics', () => {
  let t: TestApp | undefined;
  let extra: TestApp | undefined;
  const clients: WsTestClient[] = [];
  const open = async (url: string, options = {}) => {
    const c = await WsTestClient.connect(url, options);
    clients.push(c);
    return c;
  };

  afterEach(async () => {
    for (const c of clients.splice(0)) {
      rawSocket(c)?.resume();
      c.close();
    }
    await extra?.close();
    await t?.close();
    t = extra = undefined;
    // prom-client's default registry is process-wide, and PrometheusModule.register() adds the default metrics to it.
    register.clear();
    vi.restoreAllMocks();
  });

  it('reports a scripted session exactly: connections, messages, broadcast, rate limits, heartbeat timeout, overflow', async () => {
    t = await metricsApp({
      heartbeatInterval: 0.25,
      heartbeatTimeout: 2,
      rateLimitMessagesPerWindow: 5,
      rateLimitMessageWindow: 600,
      rateLimitBurstMultiplier: 1,
      rateLimitDisconnectAfter: 2,
      rateLimitConnectionsPerWindow: 8,
      rateLimitConnectionWindow: 600,
      maxClientQueueSize: 4,
      sendHighWaterMarkBytes: 1024,
      taskRestartInterval: 600,
    });
    const registry = t.app.get(ConnectionRegistry);
    const broadcast = t.app.get(BroadcastService);

    // 3 named + 2 anonymous clients that stay, and 3 that will be closed by the server.
    const named = [await open(`${t.ws}/ws/alice`), await open(`${t.ws}/ws/bob`), await open(`${t.ws}/ws/carol`)];
    const anonymous = [await open(`${t.ws}/ws`), await open(`${t.ws}/ws`)];
    const stay = [...named, ...anonymous];
    const silent = await open(`${t.ws}/ws/silent`, { autoPong: false });
    const flood = await open(`${t.ws}/ws/flood`);
    const slow = await open(`${t.ws}/ws/slow`);
    // The 9th handshake from this IP is over rateLimitConnectionsPerWindow (8, burst ×1).
    expect((await handshakeStatus(`${t.ws}/ws/one-too-many`)).status).toBe(429);

    // Messages: one echo each, a chat that the handler broadcasts, an unknown type, a server broadcast.
    let received = 0;
    for (const c of stay) {
      expect((await c.request({ type: 'echo', content: 'hi' })).content).toBe('hi');
      received++;
    }
    named[0]!.send({ type: 'chat', content: 'hello all' });
    received++;
    await waitFor(() => stay.every((c) => c.ofType('chat').length === 1), 'the chat broadcast');
    anonymous[1]!.send({ type: 'no.such.type' });
    received++;
    expect((await anonymous[1]!.next('system.error')).meta.code).toBe('unknown_type');
    expect(broadcast.broadcast({ type: 'news', content: 'from the server' }).queued).toBe(8);
    await waitFor(() => stay.every((c) => c.ofType('news').length === 1), 'the server broadcast');

    // Rate limit: 5 accepted, the 6th refused with system.rate_limited, the 7th closes with 1008.
    for (let i = 0; i < 5; i++) expect((await flood.request({ type: 'echo', content: i })).content).toBe(i);
    flood.send({ type: 'echo', content: 5 });
    flood.send({ type: 'echo', content: 6 });
    received += 7;
    expect(await flood.closed).toEqual({ code: 1008, reason: 'rate_limited' });
    expect(flood.ofType('system.rate_limited')).toHaveLength(1);

    // Heartbeat: the client that never answers pings is closed after heartbeatTimeout.
    expect(await silent.closed).toEqual({ code: 4001, reason: 'heartbeat_timeout' });

    // Overflow: a client that stops reading fills its socket buffers, then its queue (4), and is closed.
    rawSocket(slow).pause();
    // It keeps writing, so the heartbeat does not take it first; system.* frames are not rate limited.
    let keepalives = 0;
    const keepalive = setInterval(() => {
      slow.send({ type: 'system.pong' });
      keepalives++;
    }, 100);
    try {
      const big = 'x'.repeat(256 * 1024);
      for (let i = 0; i < 500 && registry.has('slow'); i++) {
        broadcast.broadcast({ type: 'bulk', content: big, meta: { seq: i } });
        await waitFor(() => stay.every((c) => c.ofType('bulk').length === i + 1), `bulk message ${i}`);
      }
    } finally {
      clearInterval(keepalive);
    }
    received += keepalives;
    expect(registry.has('slow')).toBe(false);
    rawSocket(slow).resume();
    expect(await slow.closed).toEqual({ code: 4003, reason: 'slow_consumer' });

    // A stopped heartbeat loop, found and restarted by the supervisor; then no more pings, so the numbers settle.
    const scheduler = t.app.get(SchedulerRegistry);
    scheduler.deleteInterval(HEARTBEAT_INTERVAL_NAME);
    const logged = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    t.app.get(SupervisorService).check();
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('Background loop "heartbeat" had stopped'));
    expect(scheduler.doesExist('interval', HEARTBEAT_INTERVAL_NAME)).toBe(true);
    scheduler.deleteInterval(HEARTBEAT_INTERVAL_NAME);

    const everyone = [...stay, silent, flood, slow];
    const delivered = () => everyone.reduce((n, c) => n + c.messages.length, 0);
    let s = await scrape(t.http);
    await waitFor(async () => {
      s = await scrape(t!.http);
      return s.value(`${PREFIX}messages_sent_total`) === delivered() && s.value(`${PREFIX}queue_size`) === 0;
    }, 'every written message to be read by its client');
    const sent = delivered();

    expect(s.value(`${PREFIX}connections_total`)).toBe(8);
    expect(s.value(`${PREFIX}active_connections`)).toBe(5);
    expect(s.value(`${PREFIX}active_named_connections`)).toBe(3);
    expect(s.value(`${PREFIX}active_anonymous_connections`)).toBe(2);
    const byReason = Object.fromEntries(s.all(`${PREFIX}disconnections_total`).map((x) => [x.labels.reason, x.value]));
    expect(byReason).toEqual({
      client: 0,
      server: 0,
      heartbeat_timeout: 1,
      send_error: 0,
      rate_limited: 1,
      duplicate_client: 0,
      slow_consumer: 1,
      shutdown: 0,
      token_expired: 0,
    });
    expect(s.value(`${PREFIX}messages_received_total`)).toBe(received);
    expect(s.value(`${PREFIX}messages_sent_total`)).toBe(sent);
    expect(s.value(`${PREFIX}messages_failed_total`)).toBe(0);
    expect(s.value(`${PREFIX}queue_overflows_total`)).toBe(1);
    expect(s.value(`${PREFIX}overflow_policy_messages_total`, { policy: 'disconnect', type: 'bulk' })).toBe(1);
    expect(s.value(`${PREFIX}overflow_policy_messages_total`, { policy: 'coalesce', type: '' })).toBe(0);
    expect(s.value(`${PREFIX}heartbeat_timeouts_total`)).toBe(1);
    expect(s.value(`${PREFIX}rate_limited_messages_total`)).toBe(2);
    expect(s.value(`${PREFIX}rate_limit_disconnects_total`)).toBe(1);
    expect(s.value(`${PREFIX}rate_limited_connections_total`)).toBe(1);
    expect(s.value(`${PREFIX}supervisor_restarts_total`)).toBe(1);
    expect(s.value(`${PREFIX}queue_size`)).toBe(0);
    expect(s.value(`${PREFIX}queue_utilization`)).toBe(0);
    expect(s.value(`${PREFIX}handlers_registered`)).toBe(2);
    // The session is far shorter than the 60 s window, so each rate is its total / 60.
    expect(s.value(`${PREFIX}received_per_sec`)).toBeCloseTo(received / 60, 9);
    expect(s.value(`${PREFIX}sent_per_sec`)).toBeCloseTo(sent / 60, 9);
    expect(s.value(`${PREFIX}failed_per_sec`)).toBe(0);

    // Handler durations: 5 + 5 echo calls (the flood client's accepted ones too) and one chat.
    expect(s.value(`${PREFIX}handler_duration_seconds_count`, { type: 'echo' })).toBe(10);
    expect(s.value(`${PREFIX}handler_duration_seconds_count`, { type: 'chat' })).toBe(1);
    expect(s.value(`${PREFIX}handler_duration_seconds_bucket`, { type: 'echo', le: '+Inf' })).toBe(10);
    expect(s.value(`${PREFIX}handler_duration_seconds_sum`, { type: 'echo' })).toBeGreaterThan(0);
    expect(s.value(`${PREFIX}handler_duration_seconds_sum`, { type: 'echo' })).toBeLessThan(10);
    expect(new Set(s.all(`${PREFIX}handler_duration_seconds_count`).map((x) => x.labels.type))).toEqual(new Set(['echo', 'chat']));
    // Every written frame waited in the queue once.
    expect(s.value(`${PREFIX}queue_wait_seconds_count`)).toBe(sent);
    for (const family of ['handler_duration_seconds', 'queue_wait_seconds']) {
      const series = new Map<string, number[]>();
      for (const b of s.all(`${PREFIX}${family}_bucket`)) {
        const key = b.labels.type ?? '';
        series.set(key, [...(series.get(key) ?? []), b.value]);
      }
      for (const values of series.values()) expect(values).toEqual(values.toSorted((a, b) => a - b));
    }

    // Types as declared; labels only from the fixed, bounded sets.
    for (const m of Object.values(WS_METRICS)) expect(s.types.get(PREFIX + m.name), m.name).toBe(m.type);
    const identities = ['alice', 'bob', 'carol', 'silent', 'flood', 'slow', '127.0.0.1', ...registry.list().map((c) => c.clientId)];
    for (const sample of ours(s)) {
      for (const [key, value] of Object.entries(sample.labels)) {
        expect(['reason', 'outcome', 'type', 'policy', 'notice', 'le']).toContain(key);
        expect(identities).not.toContain(value);
      }
    }
  }, 60_000);

  it.each<[string, WebSocketToolOptions, Record<string, string>]>([
    ['metrics: false', { metrics: false }, {}],
    ['enableMetrics: false', { enableMetrics: false }, {}],
    ['FP_WST_ENABLE_METRICS=false', {}, { FP_WST_ENABLE_METRICS: 'false' }],
  ])('%s exposes none of ours, times nothing, and everything else keeps working', async (_name, options, env) => {
    for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
    try {
      t = await metricsApp(options);
    } finally {
      vi.unstubAllEnvs();
    }
    const c = await open(`${t.ws}/ws/user`);
    expect((await c.request({ type: 'echo', content: 'still here' })).content).toBe('still here');
    const s = await scrape(t.http);
    expect(s.samples.filter((x) => x.name.includes('websocket_tool'))).toEqual([]);
    // The app's own /metrics is untouched: prom-client's default metrics are there.
    expect(s.all('process_cpu_user_seconds_total')).toHaveLength(1);
    expect(t.app.get(FrameWrittenListener).listening).toBe(false);
    expect(t.app.get(HandlerSettledListener).listening).toBe(false);
  });

  it('keeps its own names when the app sets customMetricPrefix; metricsPrefix renames them', async () => {
    @Injectable()
    class Orders {
      constructor(@InjectMetric('orders_total') readonly orders: Counter<string>) {
        orders.inc(3);
      }
    }
    t = await metricsApp({}, [MetricsFixture, Orders, makeCounterProvider({ name: 'orders_total', help: 'Orders placed.' })], {
      customMetricPrefix: 'shop',
    });
    await open(`${t.ws}/ws/buyer`);
    let s = await scrape(t.http);
    // The app's metric made through make*Provider gets the app's prefix; ours do not.
    expect(s.value('shop_orders_total')).toBe(3);
    expect(s.value(`${PREFIX}connections_total`)).toBe(1);
    for (const name of OUR_METRIC_NAMES) expect(s.types.has(name), name).toBe(true);
    expect(s.samples.filter((x) => x.name.startsWith('shop_fp_'))).toEqual([]);
    await t.close();
    register.clear();

    t = await metricsApp({ metricsPrefix: 'shop_ws_' }, [MetricsFixture], { customMetricPrefix: 'shop' });
    await open(`${t.ws}/ws/buyer-2`);
    s = await scrape(t.http);
    expect(s.value('shop_ws_connections_total')).toBe(1);
    expect(s.value('shop_ws_active_named_connections')).toBe(1);
    for (const m of Object.values(WS_METRICS)) expect(s.types.get('shop_ws_' + m.name), m.name).toBe(m.type);
    expect(s.samples.filter((x) => x.name.startsWith(PREFIX))).toEqual([]);
  });

  it('leaves the registry on close, so the next app starts from zero; a second live app warns instead of clobbering the first', async () => {
    t = await metricsApp();
    await open(`${t.ws}/ws/first`);
    expect((await scrape(t.http)).value(`${PREFIX}connections_total`)).toBe(1);
    await t.close();
    t = undefined;
    // Only the app's default metrics stay behind.
    expect(register.getMetricsAsArray().filter((m) => (m as { name: string }).name.startsWith(PREFIX))).toEqual([]);
    register.clear();

    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    t = await createTestApp({}, { providers: [MetricsFixture] });
    extra = await createTestApp({}, { imports: [PrometheusModule.register()], providers: [MetricsFixture] });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(`Metric "${PREFIX}connections_total" is already registered`));

    await open(`${t.ws}/ws/a`);
    await open(`${t.ws}/ws/b`);
    await open(`${extra.ws}/ws/c`);
    // /metrics of the second app serves the shared registry: the first app's numbers, untouched by the second.
    const s = await scrape(extra.http);
    expect(s.value(`${PREFIX}connections_total`)).toBe(2);
    expect(s.value(`${PREFIX}active_connections`)).toBe(2);
    expect(extra.app.get(FrameWrittenListener).listening).toBe(false);
  });

  it('is served by the sample app at /metrics', async () => {
    // Imported here: evaluating the module calls PrometheusModule.register(), which fills the global registry.
    const { AppModule } = await import('../apps/sample/src/app.module.js');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app = moduleRef.createNestApplication({ logger: ['error'] });
    app.useWebSocketAdapter(new WebSocketToolAdapter(app));
    await app.listen(0, '127.0.0.1');
    try {
      const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
      const c = await open(base.replace('http', 'ws') + '/ws/visitor');
      expect((await c.request({ type: 'echo', content: 'hi' })).content).toBe('hi');
      const s = await scrape(base);
      expect(s.value(`${PREFIX}active_named_connections`)).toBe(1);
      expect(s.value(`${PREFIX}handler_duration_seconds_count`, { type: 'echo' })).toBe(1);
      expect(s.value(`${PREFIX}handlers_registered`)).toBe(app.get(WsHandlerRegistry).handlers.size);
      for (const name of OUR_METRIC_NAMES) expect(s.types.has(name), name).toBe(true);
    } finally {
      await app.close();
    }
  });
});
