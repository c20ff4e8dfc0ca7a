import type { WebSocketToolOptions } from './websocket-tool-options.interface.js';

/**
 * The settings given in seconds, in milliseconds: derived once when the
 * settings are resolved, not settable. Code reads `settings.heartbeatIntervalMs`,
 * never `settings.heartbeatInterval * 1000`.
 *
 * @publicApi
 */
export interface WebSocketToolDurations {
  /** `heartbeatInterval` in milliseconds. */
  readonly heartbeatIntervalMs: number;
  /** `heartbeatTimeout` in milliseconds. */
  readonly heartbeatTimeoutMs: number;
  /** `taskRestartInterval` in milliseconds. */
  readonly taskRestartIntervalMs: number;
  /** `rateLimitMessageWindow` in milliseconds. */
  readonly rateLimitMessageWindowMs: number;
  /** `rateLimitConnectionWindow` in milliseconds. */
  readonly rateLimitConnectionWindowMs: number;
  /** `slowConsumerTimeout` in milliseconds. */
  readonly slowConsumerTimeoutMs: number;
  /** `shutdownTimeout` in milliseconds. */
  readonly shutdownTimeoutMs: number;
  /** `handlerTimeout` in milliseconds (0: no timeout). */
  readonly handlerTimeoutMs: number;
  /** `taskRetention` in milliseconds. */
  readonly taskRetentionMs: number;
  /** `handshakeTimeout` in milliseconds. */
  readonly handshakeTimeoutMs: number;
  /** `healthWindow` in milliseconds. */
  readonly healthWindowMs: number;
  /** `tokenExpiryNotice` in milliseconds. */
  readonly tokenExpiryNoticeMs: number;
}

/** Every setting given in seconds, and the name of its value in milliseconds. */
export const DURATION_SETTINGS: { readonly [K in keyof WebSocketToolDurations]: keyof WebSocketToolOptions } = {
  heartbeatIntervalMs: 'heartbeatInterval',
  heartbeatTimeoutMs: 'heartbeatTimeout',
  taskRestartIntervalMs: 'taskRestartInterval',
  rateLimitMessageWindowMs: 'rateLimitMessageWindow',
  rateLimitConnectionWindowMs: 'rateLimitConnectionWindow',
  slowConsumerTimeoutMs: 'slowConsumerTimeout',
  shutdownTimeoutMs: 'shutdownTimeout',
  handlerTimeoutMs: 'handlerTimeout',
  taskRetentionMs: 'taskRetention',
  handshakeTimeoutMs: 'handshakeTimeout',
  healthWindowMs: 'healthWindow',
  tokenExpiryNoticeMs: 'tokenExpiryNotice',
};

/** The milliseconds of every duration setting among `values` (in seconds, already validated). */
export function durationsInMs(values: Readonly<Record<string, unknown>>): WebSocketToolDurations {
  const durations: Record<string, number> = {};
  for (const [ms, seconds] of Object.entries(DURATION_SETTINGS)) durations[ms] = (values[seconds] as number) * 1000;
  return durations as unknown as WebSocketToolDurations;
}
