/**
 * `@websocket-tool/nestjs/prometheus`: what needs `@willsoto/nestjs-prometheus`
 * (an optional peer), kept out of the main entry point.
 */
export { ProtectedPrometheusController } from './protected-prometheus.controller.js';
