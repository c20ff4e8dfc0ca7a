import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { systemClock, type ClientClock } from './clock.interface.js';
import { defaultLogger, type ClientLogger } from './client-logger.interface.js';
import type { WebSocketToolClientOptions } from './client-options.interface.js';
import { shouldReconnectByDefault } from './protocol/index.js';

/** Named client ids the server accepts (its `CLIENT_ID_PATTERN`). */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;

/** The options with every default filled in. */
export type ResolvedClientOptions = Required<
  Omit<
    WebSocketToolClientOptions,
    'clientId' | 'token' | 'getToken' | 'tokenTransport' | 'protocols' | 'WebSocket' | 'onDrop' | 'onHandlerError' | 'backoff'
  >
> &
  Pick<
    WebSocketToolClientOptions,
    'clientId' | 'token' | 'getToken' | 'tokenTransport' | 'protocols' | 'WebSocket' | 'onDrop' | 'onHandlerError'
  > & {
    backoff: Required<BackoffOptions>;
    clock: ClientClock;
    logger: ClientLogger;
  };

const nonNegative = (name: string, value: number | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new TypeError(`Option "${name}" must be a number of 0 or more, got ${String(value)}.`);
  }
  return value;
};

/** Fills in defaults and refuses values that would make the client misbehave, naming the option. */
export function resolveClientOptions(options: WebSocketToolClientOptions): ResolvedClientOptions {
  if (options.clientId !== undefined && !CLIENT_ID_PATTERN.test(options.clientId)) {
    throw new TypeError(
      `Option "clientId" must be 1 to 128 characters of letters, digits and ._:@- (got ${JSON.stringify(options.clientId)}).`,
    );
  }
  const backoff: Required<BackoffOptions> = {
    initialDelayMs: nonNegative('backoff.initialDelayMs', options.backoff?.initialDelayMs, DEFAULT_BACKOFF.initialDelayMs),
    maxDelayMs: nonNegative('backoff.maxDelayMs', options.backoff?.maxDelayMs, DEFAULT_BACKOFF.maxDelayMs),
    multiplier: nonNegative('backoff.multiplier', options.backoff?.multiplier, DEFAULT_BACKOFF.multiplier),
    retryAfterJitterMs: nonNegative('backoff.retryAfterJitterMs', options.backoff?.retryAfterJitterMs, DEFAULT_BACKOFF.retryAfterJitterMs),
  };
  if (backoff.multiplier < 1) throw new TypeError('Option "backoff.multiplier" must be 1 or more.');
  const policy = options.offlineDropPolicy ?? 'oldest';
  if (policy !== 'oldest' && policy !== 'newest') throw new TypeError('Option "offlineDropPolicy" must be "oldest" or "newest".');
  return {
    ...options,
    autoConnect: options.autoConnect ?? true,
    reconnect: options.reconnect ?? true,
    backoff,
    maxReconnectAttempts: nonNegative('maxReconnectAttempts', options.maxReconnectAttempts, Number.POSITIVE_INFINITY),
    shouldReconnect: options.shouldReconnect ?? shouldReconnectByDefault,
    offlineQueueSize: nonNegative('offlineQueueSize', options.offlineQueueSize, 100),
    offlineDropPolicy: policy,
    requestTimeoutMs: nonNegative('requestTimeoutMs', options.requestTimeoutMs, 30_000),
    pingIntervalMs: nonNegative('pingIntervalMs', options.pingIntervalMs, 25_000),
    deadConnectionTimeoutMs: nonNegative('deadConnectionTimeoutMs', options.deadConnectionTimeoutMs, 60_000),
    logger: options.logger ?? defaultLogger(),
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
  };
}
