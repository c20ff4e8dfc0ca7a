import { describe, expect, it } from 'vitest';
import { resolveSettings } from './resolve-settings.js';
import { SETTINGS_TABLE } from './settings-table.js';
import { WebSocketToolSettingsSchema } from './websocket-tool-settings.schema.js';
import { getMetadataStorage } from 'class-validator';

describe('resolveSettings', () => {
  it('uses the seed defaults', () => {
    const s = resolveSettings({}, {});
    expect(s).toMatchObject({
      maxQueueSize: 10000,
      consumerPoolSize: 4,
      enableHeartbeat: true,
      heartbeatInterval: 30,
      heartbeatTimeout: 60,
      maxClientErrors: 10,
      taskRestartInterval: 5,
      rateLimitMessagesPerWindow: 60,
      rateLimitMessageWindow: 60,
      rateLimitConnectionsPerWindow: 10,
      rateLimitConnectionWindow: 60,
      rateLimitBurstMultiplier: 2,
      rateLimitDisconnectAfter: 3,
      path: '/ws',
      maxPayloadBytes: 65536,
      perMessageDeflate: false,
    });
    expect(s.sources.maxQueueSize).toBe('default');
    expect(Object.isFrozen(s)).toBe(true);
  });

  it('applies defaults < options < environment', () => {
    const s = resolveSettings(
      { maxQueueSize: 500, consumerPoolSize: 2 },
      { FP_WST_MAX_QUEUE_SIZE: '20000', FP_WST_ENABLE_HEARTBEAT: 'false' },
    );
    expect(s.maxQueueSize).toBe(20000);
    expect(s.sources.maxQueueSize).toBe('env');
    expect(s.consumerPoolSize).toBe(2);
    expect(s.sources.consumerPoolSize).toBe('options');
    expect(s.enableHeartbeat).toBe(false);
    expect(s.rateLimitBurstMultiplier).toBe(2);
  });

  it.each([
    ['FP_WST_MAX_QUEUE_SIZE', 'abc', /FP_WST_MAX_QUEUE_SIZE="abc" is invalid: it must be an integer from 1/],
    ['FP_WST_MAX_QUEUE_SIZE', '0', /FP_WST_MAX_QUEUE_SIZE="0" is invalid/],
    ['FP_WST_MAX_QUEUE_SIZE', '1.5', /FP_WST_MAX_QUEUE_SIZE="1.5"/],
    ['FP_WST_ENABLE_HEARTBEAT', 'maybe', /FP_WST_ENABLE_HEARTBEAT="maybe" is invalid: it must be true or false/],
    ['FP_WST_RATE_LIMIT_BURST_MULTIPLIER', '0.5', /FP_WST_RATE_LIMIT_BURST_MULTIPLIER="0.5"/],
    ['FP_WST_PATH', 'no-slash', /FP_WST_PATH="no-slash"/],
  ])('rejects %s=%s naming the variable, the value and the rule', (name, value, pattern) => {
    expect(() => resolveSettings({}, { [name]: value })).toThrow(pattern);
  });

  it('names the option when a bad value comes from forRoot options', () => {
    expect(() => resolveSettings({ maxQueueSize: -1 }, {})).toThrow(/option "maxQueueSize"=-1 is invalid/);
    expect(() => resolveSettings({ heartbeatInterval: 30, heartbeatTimeout: 10 }, {})).toThrow(
      /heartbeatTimeout.*not less than heartbeatInterval/,
    );
    expect(() => resolveSettings({ maxQueSize: 1 } as never, {})).toThrow(/option "maxQueSize" is not a WebSocketTool option/);
  });

  it('has a validation rule for every row of the settings table', () => {
    const validated = new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(WebSocketToolSettingsSchema, '', true, false)
        .map((m) => m.propertyName),
    );
    expect([...validated].sort()).toEqual(SETTINGS_TABLE.map((s) => s.key).sort());
    expect(SETTINGS_TABLE.find((s) => s.key === 'maxQueueSize')?.env).toBe('FP_WST_MAX_QUEUE_SIZE');
    expect(SETTINGS_TABLE.find((s) => s.key === 'rateLimitMessagesPerWindow')?.env).toBe('FP_WST_RATE_LIMIT_MESSAGES_PER_WINDOW');
  });
});
