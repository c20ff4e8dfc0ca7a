import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import { SETTINGS_TABLE } from '../config/settings-table.js';
import { redactRedisUrl } from '../config/redis-url.js';
import type { ConfigEntryDto } from './dto/info.dto.js';

/** Shown instead of the value of a secret setting. */
export const REDACTED = '[redacted]';

/** Settings whose name says they hold a secret; their values are never shown. */
export const isSecretSetting = (name: string): boolean => /token|secret|password|key/i.test(name);

/** Every setting in force, in table order, with its env var, default and source; secrets redacted. */
export function describeSettings(settings: WebSocketToolSettings): ConfigEntryDto[] {
  const values = settings as unknown as Record<string, unknown>;
  const sources = settings.sources as Record<string, ConfigEntryDto['source']>;
  return SETTINGS_TABLE.map((s) => {
    const secret = isSecretSetting(s.key);
    const value = values[s.key];
    return {
      option: s.key,
      env: s.env,
      value: secret && value !== '' && value !== undefined ? REDACTED : s.key === 'redisUrl' ? redactRedisUrl(String(value)) : value,
      default: secret && s.default !== '' ? REDACTED : s.default,
      source: sources[s.key] ?? 'default',
      rule: s.rule,
    };
  });
}
