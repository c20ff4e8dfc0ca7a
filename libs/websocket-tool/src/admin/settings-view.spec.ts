import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../config/resolve-settings.js';
import { describeSettings } from './settings-view.js';

describe('the settings view', () => {
  it('shows the Redis URL with its credentials replaced, and where it came from', () => {
    const settings = resolveSettings({}, { FP_WST_REDIS_URL: 'redis://:s3cret@redis:6379' });
    const row = describeSettings(settings).find((s) => s.option === 'redisUrl');
    expect(row).toMatchObject({ env: 'FP_WST_REDIS_URL', value: 'redis://***@redis:6379', source: 'env' });
    expect(JSON.stringify(describeSettings(settings))).not.toContain('s3cret');
  });
});
