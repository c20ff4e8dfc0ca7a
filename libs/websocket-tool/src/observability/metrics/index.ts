export { WsMetricsService } from './ws-metrics.service.js';
export {
  WS_METRICS,
  OTHER_HANDLER_TYPE,
  HANDLER_DURATION_BUCKETS,
  QUEUE_WAIT_BUCKETS,
  type WsMetricDefinition,
  type WsMetricKey,
  type WsMetricType,
} from './metrics.constants.js';
export { BucketHistogram } from './bucket-histogram.js';
export { ScrapedHistogram, type HistogramSeries, type ScrapedSample } from './scraped-histogram.js';
