/** Log and error texts of the Prometheus metrics, each naming what is wrong and what to do. */

export const metricsOffWithoutPromClientMessage = (): string =>
  'prom-client is not installed, so WebSocketTool exports no metrics. To export them, install prom-client and ' +
  '@willsoto/nestjs-prometheus and register PrometheusModule in the app; set enableMetrics: false to silence this line.';

export const metricsPackageMissingMessage = (source: string): string =>
  `${source} asks for metrics, but the "prom-client" package is not installed. Install it (npm install prom-client ` +
  '@willsoto/nestjs-prometheus, and register PrometheusModule in the app), or turn metrics off.';

export const metricNameTakenMessage = (name: string): string =>
  `Metric "${name}" is already registered in prom-client's registry (another WebSocketTool app in this process, or an app metric ` +
  'with that name), so this instance exports no metrics. Give each instance its own metricsPrefix, or close the other app first.';
