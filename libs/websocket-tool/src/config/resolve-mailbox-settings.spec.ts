import { describe, expect, it } from 'vitest';
import { resolveSettings } from './resolve-settings.js';
import { SettingsValidationError } from './resolved-settings-error.js';
import { resolveMailboxSettings } from './resolve-mailbox-settings.js';

const messages = (value: unknown) => resolveMailboxSettings(value).problems.map((p) => p.message);

describe('resolveMailboxSettings', () => {
  it('is off without the option, and resolves the ttl in milliseconds', () => {
    expect(resolveMailboxSettings(undefined)).toEqual({ problems: [], mailbox: null });
    expect(resolveMailboxSettings({ size: 100, ttlSeconds: 300 }).mailbox).toEqual({ size: 100, ttlMs: 300_000 });
    expect(resolveMailboxSettings({ size: 1, ttlSeconds: 0.5 }).mailbox).toEqual({ size: 1, ttlMs: 500 });
  });

  it('names each wrong field and its rule', () => {
    expect(messages(5)).toEqual(['option "mailbox"="number" is invalid: it must be an object like { size: 100, ttlSeconds: 300 }.']);
    expect(messages({ size: 0, ttlSeconds: -1, max: 3 })).toEqual([
      'option "mailbox.max"="max" is invalid: it must be left out: use size and ttlSeconds.',
      'option "mailbox.size"=0 is invalid: it must be an integer from 1 to 10000.',
      'option "mailbox.ttlSeconds"=-1 is invalid: it must be a number of seconds more than 0 and at most 86400.',
    ]);
    expect(messages({ size: 1.5, ttlSeconds: 86_401 })).toHaveLength(2);
    expect(messages({})).toHaveLength(2);
  });

  it('resolveSettings throws one SettingsValidationError listing them, and exposes settings.mailbox', () => {
    expect(() => resolveSettings({ mailbox: { size: 0, ttlSeconds: 1 } }, {})).toThrow(SettingsValidationError);
    expect(() => resolveSettings({ mailbox: { size: 0, ttlSeconds: 1 } }, {})).toThrow(/mailbox\.size/);
    expect(resolveSettings({}, {}).mailbox).toBeNull();
    expect(resolveSettings({ mailbox: { size: 10, ttlSeconds: 60 } }, {}).mailbox).toEqual({ size: 10, ttlMs: 60_000 });
  });
});
