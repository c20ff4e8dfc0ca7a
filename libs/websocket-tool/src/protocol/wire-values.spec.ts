import { describe, expect, it } from 'vitest';
import { CloseCode } from './close-codes.js';
import { WsErrorCode } from './error-codes.js';
import { LEGACY_PONG_TYPE, SystemMessageType } from './message-types.js';

// The constants come from the client package; these are the values clients already in the field expect.
describe('the protocol values on the wire', () => {
  it('keeps the system message types', () => {
    expect(Object.values(SystemMessageType)).toEqual([
      'system.client_connected',
      'system.error',
      'system.rate_limited',
      'system.ping',
      'system.pong',
      'system.heartbeat',
      'system.subscribe',
      'system.subscribed',
      'system.unsubscribe',
      'system.unsubscribed',
      'system.topic_gap',
      'system.mailbox',
      'system.ack',
      'system.reply',
      'system.delta',
      'system.delta_reset',
      'system.presence.join',
      'system.presence.leave',
      'system.token_expiring',
      'system.refresh',
      'system.refreshed',
    ]);
    expect(LEGACY_PONG_TYPE).toBe('pong');
  });

  it('keeps the close codes and reasons', () => {
    expect(Object.values(CloseCode).map(({ code, reason }) => `${code} ${reason}`)).toEqual([
      '1000 normal',
      '1001 shutdown',
      '1008 policy_violation',
      '1008 rate_limited',
      '1009 message_too_big',
      '1011 internal_error',
      '4000 server_disconnect',
      '4001 heartbeat_timeout',
      '4002 send_error',
      '4003 slow_consumer',
      '4004 token_expired',
      '4500 duplicate_client',
    ]);
  });

  it('keeps the error codes', () => {
    expect(Object.values(WsErrorCode)).toEqual([
      'invalid_json',
      'invalid_message',
      'unknown_type',
      'validation_failed',
      'handler_error',
      'handler_timeout',
      'forbidden',
      'unsupported_binary',
      'invalid_topic',
      'too_many_topics',
      'refresh_refused',
    ]);
  });
});
