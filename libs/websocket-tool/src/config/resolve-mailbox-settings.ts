import { isPlainObject } from '../protocol/json-guards.js';
import { invalidTopicOptionMessage } from './config.messages.js';
import type { MailboxSettings } from './mailbox-options.interface.js';
import type { ResolvedSettingsError } from './resolved-settings-error.js';

const KEYS = new Set(['size', 'ttlSeconds']);
export const MAX_MAILBOX_SIZE = 10_000;
export const MAX_MAILBOX_TTL_SECONDS = 86_400;

/**
 * Checks `options.mailbox` and returns the problems (empty when valid) and the
 * mailbox with its ttl in milliseconds, or null when the option is absent.
 * `resolveSettings` calls it; the result is `settings.mailbox`.
 */
export function resolveMailboxSettings(value: unknown): { problems: ResolvedSettingsError[]; mailbox: MailboxSettings | null } {
  const problems: ResolvedSettingsError[] = [];
  const bad = (path: string, shown: unknown, rule: string) =>
    problems.push({ source: `option "${path}"`, value: shown, message: invalidTopicOptionMessage(path, shown, rule) });
  if (value === undefined) return { problems, mailbox: null };
  if (!isPlainObject(value)) {
    bad('mailbox', typeof value, 'an object like { size: 100, ttlSeconds: 300 }');
    return { problems, mailbox: null };
  }
  for (const key of Object.keys(value)) {
    if (!KEYS.has(key)) bad(`mailbox.${key}`, key, 'left out: use size and ttlSeconds');
  }
  const { size, ttlSeconds } = value;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > MAX_MAILBOX_SIZE) {
    bad('mailbox.size', size, `an integer from 1 to ${MAX_MAILBOX_SIZE}`);
  }
  if (typeof ttlSeconds !== 'number' || !Number.isFinite(ttlSeconds) || ttlSeconds <= 0 || ttlSeconds > MAX_MAILBOX_TTL_SECONDS) {
    bad('mailbox.ttlSeconds', ttlSeconds, `a number of seconds more than 0 and at most ${MAX_MAILBOX_TTL_SECONDS}`);
  }
  if (problems.length > 0) return { problems, mailbox: null };
  return { problems, mailbox: Object.freeze({ size: size as number, ttlMs: Math.round((ttlSeconds as number) * 1000) }) };
}
