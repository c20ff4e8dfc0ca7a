import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Registry } from 'prom-client';
import type { WebSocketToolSettings } from '../../config/resolved-settings.interface.js';
import { ConnectionRegistry } from '../../connection/connection-registry.js';
import type { HandlerSettledListener } from '../../messaging/dispatch/handler-settled.listener.js';
import { WsHandlerRegistry } from '../../messaging/discovery/ws-handler-registry.js';
import type { FrameWrittenListener } from '../../outbound/frame-written.listener.js';
import { OutboundBudget } from '../../outbound/outbound-budget.js';
import { DISCONNECT_REASONS } from '../../protocol/close-codes.js';
import { WsStatsService } from '../../stats/ws-stats.service.js';
import { TopicHistoryStore } from '../../history/topic-history-store.js';
import { WEBSOCKET_TOOL_SETTINGS } from '../../config/config.constants.js';
import { metricNameTakenMessage, metricsOffWithoutPromClientMessage, metricsPackageMissingMessage } from './metrics.messages.js';
import { isPackageMissing } from '../../config/optional-peer.js';
import { loadPromClient, type PromClient } from './prom-client.loader.js';
import { BucketHistogram } from './bucket-histogram.js';
import {
  HANDLER_DURATION_BUCKETS,
  OTHER_HANDLER_TYPE,
  QUEUE_WAIT_BUCKETS,
  WS_METRICS,
  type WsMetricDefinition,
} from './metrics.constants.js';
import { ScrapedHistogram, type HistogramSeries } from './scraped-histogram.js';

type RegistryMetric = Parameters<Registry['registerMetric']>[0];

/** Every overflow policy has a series (at 0 until it drops something), so dashboards show it. */
const OVERFLOW_POLICIES = ['disconnect', 'drop-newest', 'drop-oldest', 'coalesce'] as const;

/**
 * Exports the module's numbers to Prometheus through prom-client's default
 * registry, the one `PrometheusModule`'s `/metrics` serves; the app owns
 * that endpoint.
 *
 * Nothing is counted twice: counters and gauges are read at scrape time
 * from the plain fields `WsStatsService`, `ConnectionRegistry` and
 * `OutboundBudget` keep anyway. Only the two histograms need a hook on the
 * hot path, and those hooks stay `null` (free) when metrics are off.
 *
 * Names are `metricsPrefix` + the bare name, independent of
 * `PrometheusModule`'s `customMetricPrefix`.
 *
 * @internal
 */
@Injectable()
export class WsMetricsService implements OnModuleInit, OnApplicationShutdown, HandlerSettledListener, FrameWrittenListener {
  private readonly logger = new Logger('WebSocketTool');
  private registry: Registry | null = null;
  private readonly installed: Array<{ name: string; metric: RegistryMetric }> = [];
  private readonly durations = new Map<string, BucketHistogram>();
  private readonly otherDurations = new BucketHistogram(HANDLER_DURATION_BUCKETS);
  private readonly queueWait = new BucketHistogram(QUEUE_WAIT_BUCKETS);

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) private readonly settings: WebSocketToolSettings,
    private readonly stats: WsStatsService,
    private readonly connections: ConnectionRegistry,
    private readonly queue: OutboundBudget,
    private readonly handlers: WsHandlerRegistry,
    private readonly topics: TopicHistoryStore,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.settings.enableMetrics) return;
    let prom: PromClient;
    try {
      // Loaded only when metrics are on: prom-client is an optional peer.
      prom = await loadPromClient();
    } catch (error) {
      if (!isPackageMissing(error, 'prom-client')) throw error;
      const source = this.settings.sources.enableMetrics;
      // On by default only: an app that never asked for metrics runs without them.
      if (source === 'default') {
        this.logger.log(metricsOffWithoutPromClientMessage());
        return;
      }
      throw new Error(metricsPackageMissingMessage(source === 'env' ? 'FP_WST_ENABLE_METRICS=true' : 'option "enableMetrics: true"'), {
        cause: error,
      });
    }
    this.install(prom, prom.register);
  }

  onApplicationShutdown(): void {
    this.uninstall();
  }

  /** True while this instance's metrics are in a registry. */
  get active(): boolean {
    return this.registry !== null;
  }

  /**
   * Registers every metric in `registry` and turns the timing hooks on. If
   * any of the names is taken, registers none of them and warns instead:
   * two instances must not overwrite each other's numbers.
   */
  install(prom: PromClient, registry: Registry): void {
    if (this.registry) return;
    const prefix = this.settings.metricsPrefix;
    const taken = Object.values(WS_METRICS).find((m) => registry.getSingleMetric(prefix + m.name) !== undefined);
    if (taken) {
      this.logger.warn(metricNameTakenMessage(prefix + taken.name));
      return;
    }
    for (const entry of this.build(prom, prefix)) {
      registry.registerMetric(entry.metric);
      this.installed.push(entry);
    }
    this.registry = registry;
  }

  /** Turns the hooks off and removes this instance's metrics (and only them) from the registry. */
  uninstall(): void {
    const registry = this.registry;
    if (!registry) return;
    for (const { name, metric } of this.installed) {
      if (registry.getSingleMetric(name) === metric) registry.removeSingleMetric(name);
    }
    this.installed.length = 0;
    this.registry = null;
  }

  /** Handler calls and frame waits are timed while the metrics are installed. */
  get listening(): boolean {
    return this.registry !== null;
  }

  handlerSettled(type: string, ms: number): void {
    this.durationOf(type).observe(ms / 1000);
  }

  frameWritten(waitMs: number): void {
    this.queueWait.observe(waitMs / 1000);
  }

  private durationOf(type: string): BucketHistogram {
    let histogram = this.durations.get(type);
    if (histogram) return histogram;
    // Only registered types get their own series, so the label set stays bounded.
    if (!this.handlers.handlers.has(type)) return this.otherDurations;
    histogram = new BucketHistogram(HANDLER_DURATION_BUCKETS);
    this.durations.set(type, histogram);
    return histogram;
  }

  private *durationSeries(): Iterable<HistogramSeries> {
    for (const type of this.handlers.handlers.keys()) yield { labels: { type }, histogram: this.durationOf(type) };
    if (this.otherDurations.count > 0) yield { labels: { type: OTHER_HANDLER_TYPE }, histogram: this.otherDurations };
  }

  private build(prom: PromClient, prefix: string): Array<{ name: string; metric: RegistryMetric }> {
    const stats = this.stats;
    const m = WS_METRICS;
    const entry = (def: WsMetricDefinition, metric: unknown) => ({ name: prefix + def.name, metric: metric as RegistryMetric });
    const counter = (def: WsMetricDefinition, read: () => number) =>
      entry(
        def,
        new prom.Counter({
          name: prefix + def.name,
          help: def.help,
          registers: [],
          collect() {
            this.reset();
            this.inc(read());
          },
        }),
      );
    // A figure read from Redis (cluster mode) comes as a promise: a failed read keeps the last figure rather than failing the scrape.
    const gauge = (def: WsMetricDefinition, read: () => number | Promise<number>, aggregator: 'sum' | 'max' | 'first' = 'sum') =>
      entry(
        def,
        new prom.Gauge({
          name: prefix + def.name,
          help: def.help,
          registers: [],
          aggregator,
          collect() {
            const value = read();
            if (typeof value === 'number') this.set(value);
            else
              return value.then(
                (v) => this.set(v),
                () => undefined,
              );
          },
        }),
      );
    // Not a prom-client class: see ScrapedHistogram for why and what the registry needs of it.
    const histogram = (def: WsMetricDefinition, series: () => Iterable<HistogramSeries>) =>
      entry(def, new ScrapedHistogram(prefix + def.name, def.help, series));

    return [
      counter(m.connectionsTotal, () => stats.totalConnections),
      entry(
        m.disconnectionsTotal,
        new prom.Counter({
          name: prefix + m.disconnectionsTotal.name,
          help: m.disconnectionsTotal.help,
          labelNames: m.disconnectionsTotal.labels,
          registers: [],
          collect() {
            this.reset();
            for (const reason of DISCONNECT_REASONS) this.inc({ reason }, stats.disconnectionsByReason[reason]);
          },
        }),
      ),
      counter(m.messagesReceivedTotal, () => stats.messagesReceived),
      counter(m.messagesSentTotal, () => stats.messagesSent),
      counter(m.messagesFailedTotal, () => stats.messagesFailed),
      counter(m.queueOverflowsTotal, () => stats.queueOverflows),
      entry(
        m.overflowPolicyMessagesTotal,
        new prom.Counter({
          name: prefix + m.overflowPolicyMessagesTotal.name,
          help: m.overflowPolicyMessagesTotal.help,
          labelNames: m.overflowPolicyMessagesTotal.labels,
          registers: [],
          collect() {
            this.reset();
            for (const policy of OVERFLOW_POLICIES) {
              const byType = stats.overflowByPolicy.get(policy);
              // A policy that never dropped anything still has a series, so dashboards show it at 0.
              if (!byType) this.inc({ policy, type: '' }, 0);
              else for (const [type, n] of byType) this.inc({ policy, type }, n);
            }
          },
        }),
      ),
      counter(m.heartbeatTimeoutsTotal, () => stats.heartbeatTimeouts),
      counter(m.rateLimitedMessagesTotal, () => stats.rateLimitedMessages),
      counter(m.rateLimitedConnectionsTotal, () => stats.rateLimitedConnections),
      counter(m.rateLimitDisconnectsTotal, () => stats.rateLimitDisconnects),
      counter(m.supervisorRestartsTotal, () => stats.supervisorRestarts),
      entry(
        m.recoveriesTotal,
        new prom.Counter({
          name: prefix + m.recoveriesTotal.name,
          help: m.recoveriesTotal.help,
          labelNames: m.recoveriesTotal.labels,
          registers: [],
          collect() {
            this.reset();
            this.inc({ outcome: 'recovered' }, stats.recoveries.recovered);
            this.inc({ outcome: 'not_recovered' }, stats.recoveries.not_recovered);
          },
        }),
      ),
      counter(m.replayedMessagesTotal, () => stats.replayedMessages),
      entry(
        m.missedMessageNoticesTotal,
        new prom.Counter({
          name: prefix + m.missedMessageNoticesTotal.name,
          help: m.missedMessageNoticesTotal.help,
          labelNames: m.missedMessageNoticesTotal.labels,
          registers: [],
          collect() {
            this.reset();
            for (const [notice, count] of Object.entries(stats.missedMessageNotices)) this.inc({ notice }, count);
          },
        }),
      ),
      gauge(m.activeConnections, () => this.connections.count()),
      gauge(m.activeNamedConnections, () => this.connections.countNamed()),
      gauge(m.activeAnonymousConnections, () => this.connections.countAnonymous()),
      gauge(m.queueSize, () => this.queue.size),
      gauge(m.queueBytes, () => this.queue.bytes),
      gauge(m.queueUtilization, () => this.queue.utilization, 'max'),
      gauge(m.historyMessages, () => this.topics.keptMessages(), this.topics.shared ? 'max' : 'sum'),
      gauge(m.activeUsers, () => this.connections.countUsers()),
      gauge(m.presenceMembers, () => stats.presenceMembers),
      gauge(m.presenceTopics, () => stats.presenceTopics),
      gauge(m.handlersRegistered, () => this.handlers.handlers.size, 'first'),
      gauge(m.receivedPerSec, () => stats.receivedWindow.perSecond(Date.now())),
      gauge(m.sentPerSec, () => stats.sentWindow.perSecond(Date.now())),
      gauge(m.failedPerSec, () => stats.failedWindow.perSecond(Date.now())),
      histogram(m.handlerDurationSeconds, () => this.durationSeries()),
      histogram(m.queueWaitSeconds, () => [{ labels: {}, histogram: this.queueWait }]),
    ];
  }
}
