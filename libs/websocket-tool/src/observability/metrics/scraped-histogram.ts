import type { BucketHistogram } from './bucket-histogram.js';

/** One labelled series of a histogram. */
export interface HistogramSeries {
  labels: Record<string, string>;
  histogram: BucketHistogram;
}

/** One sample line, in the shape prom-client's registry prints. */
export interface ScrapedSample {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

/**
 * A histogram whose numbers live in `BucketHistogram`s and are turned into
 * samples only when the registry is scraped. It offers what prom-client's
 * `Registry` calls on a metric (`name`, `help`, `type`, `aggregator`,
 * `get()`, `reset()`), so it registers beside ordinary prom-client metrics
 * without paying prom-client's per-observation label hashing.
 */
export class ScrapedHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly series: () => Iterable<HistogramSeries>,
  ) {}

  get(): Promise<{ name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: ScrapedSample[] }> {
    const values: ScrapedSample[] = [];
    for (const { labels, histogram } of this.series()) {
      const cumulative = histogram.cumulative();
      histogram.bounds.forEach((bound, i) => {
        values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: bound }, value: cumulative[i] as number });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: '+Inf' }, value: histogram.count });
      values.push({ metricName: `${this.name}_sum`, labels, value: histogram.sum });
      values.push({ metricName: `${this.name}_count`, labels, value: histogram.count });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }

  /** The values mirror the library's live state, so there is nothing to reset. */
  reset(): void {}
}
