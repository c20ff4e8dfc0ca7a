// The close codes are part of the wire protocol, defined once in the client package.
export { CloseCode, type CloseCodeName } from '@websocket-tool/client/protocol';

/**
 * Why a connection ended, as reported to `@OnWsDisconnect` hooks and metrics.
 *
 * @publicApi
 */
export type DisconnectReason =
  | 'client'
  | 'server'
  | 'heartbeat_timeout'
  | 'send_error'
  | 'rate_limited'
  | 'duplicate_client'
  | 'slow_consumer'
  | 'shutdown'
  | 'token_expired';

/** Every disconnect reason, in a fixed order (metric label values). */
export const DISCONNECT_REASONS: readonly DisconnectReason[] = [
  'client',
  'server',
  'heartbeat_timeout',
  'send_error',
  'rate_limited',
  'duplicate_client',
  'slow_consumer',
  'shutdown',
  'token_expired',
];

/**
 * Trims a close reason to the 123 bytes a close frame can carry, without
 * splitting a UTF-8 sequence.
 */
export function toCloseReason(reason: string): string {
  const bytes = Buffer.from(reason, 'utf8');
  if (bytes.length <= 123) return reason;
  return bytes
    .subarray(0, 123)
    .toString('utf8')
    .replace(/\uFFFD+$/, '');
}
