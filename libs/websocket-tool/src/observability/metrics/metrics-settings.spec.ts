import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../config/resolve-settings.js';

describe('metrics settings', () => {
  it('are on, with the fp_websocket_tool_ prefix, by default', () => {
    const s = resolveSettings({}, {});
    expect(s.enableMetrics).toBe(true);
    expect(s.metricsPrefix).toBe('fp_websocket_tool_');
  });

  it('take metrics: false as an alias of enableMetrics: false; the full name and the env var win', () => {
    expect(resolveSettings({ metrics: false }, {}).enableMetrics).toBe(false);
    expect(resolveSettings({ metrics: false }, {}).sources.enableMetrics).toBe('options');
    expect('metrics' in resolveSettings({ metrics: false }, {})).toBe(false);
    expect(resolveSettings({ metrics: false, enableMetrics: true }, {}).enableMetrics).toBe(true);
    expect(resolveSettings({ metrics: false }, { FP_WST_ENABLE_METRICS: 'true' }).enableMetrics).toBe(true);
    expect(resolveSettings({}, { FP_WST_ENABLE_METRICS: 'off' }).enableMetrics).toBe(false);
  });

  it('accept any Prometheus-safe prefix, or none', () => {
    expect(resolveSettings({ metricsPrefix: '' }, {}).metricsPrefix).toBe('');
    expect(resolveSettings({ metricsPrefix: 'shop:ws_' }, {}).metricsPrefix).toBe('shop:ws_');
    expect(resolveSettings({}, { FP_WST_METRICS_PREFIX: 'chat_' }).metricsPrefix).toBe('chat_');
  });

  it.each([['9lives_'], ['has-dash_'], ['spa ce'], ['x'.repeat(101)]])('refuse the prefix %j, naming the option and the rule', (prefix) => {
    expect(() => resolveSettings({ metricsPrefix: prefix }, {})).toThrow(
      /option "metricsPrefix"=.* is invalid: it must be up to 100 letters/,
    );
  });

  it('refuse a bad FP_WST_METRICS_PREFIX or FP_WST_ENABLE_METRICS by name', () => {
    expect(() => resolveSettings({}, { FP_WST_METRICS_PREFIX: 'a b' })).toThrow(/FP_WST_METRICS_PREFIX="a b" is invalid/);
    expect(() => resolveSettings({}, { FP_WST_ENABLE_METRICS: 'maybe' })).toThrow(/FP_WST_ENABLE_METRICS="maybe" is invalid/);
  });
});
