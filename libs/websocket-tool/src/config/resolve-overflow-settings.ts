import { isPlainObject } from '../protocol/json-guards.js';
import { invalidOverflowOptionMessage } from './config.messages.js';
import type { OverflowPolicyName, OverflowSettings } from './overflow-options.interface.js';
import type { ResolvedSettingsError } from './resolved-settings-error.js';

const PATTERN = /^[^\s\p{Cc}]{1,200}$/u;
const KEY = /^[A-Za-z0-9_$-]{1,64}(\.[A-Za-z0-9_$-]{1,64}){0,7}$/;
const ENTRY_KEYS = new Set(['type', 'policy', 'key']);
const POLICIES = new Set<OverflowPolicyName>(['disconnect', 'drop-newest', 'drop-oldest', 'coalesce']);

/**
 * Checks `options.overflow` and returns the problems (empty when valid) and the entries. `resolveSettings`
 * calls it; the result is `settings.overflow`.
 */
export function resolveOverflowSettings(value: unknown): { problems: ResolvedSettingsError[]; overflow: readonly OverflowSettings[] } {
  const problems: ResolvedSettingsError[] = [];
  const bad = (path: string, shown: unknown, rule: string) =>
    problems.push({ source: `option "${path}"`, value: shown, message: invalidOverflowOptionMessage(path, shown, rule) });
  const none = Object.freeze([]) as readonly OverflowSettings[];

  if (value === undefined) return { problems, overflow: none };
  if (!Array.isArray(value)) {
    bad('overflow', typeof value, "an array like [{ type: 'price.*', policy: 'coalesce', key: 'symbol' }]");
    return { problems, overflow: none };
  }
  const overflow: OverflowSettings[] = [];
  value.forEach((entry: unknown, i) => {
    const at = `overflow[${i}]`;
    if (!isPlainObject(entry)) {
      bad(at, typeof entry, 'an object { type, policy, key? }');
      return;
    }
    const before = problems.length;
    for (const key of Object.keys(entry)) {
      if (!ENTRY_KEYS.has(key)) bad(`${at}.${key}`, key, 'left out: use type, policy and key');
    }
    const { type, policy, key } = entry;
    if (typeof type !== 'string' || !PATTERN.test(type)) {
      bad(`${at}.type`, type, "a message type or a glob with '*' (1 to 200 characters, no spaces), like 'price.*'");
    }
    if (!POLICIES.has(policy as OverflowPolicyName))
      bad(`${at}.policy`, policy, "'disconnect', 'drop-newest', 'drop-oldest' or 'coalesce'");
    if (policy === 'coalesce' && (typeof key !== 'string' || !KEY.test(key))) {
      bad(`${at}.key`, key, "the content field naming the key, dotted when nested, like 'symbol' or 'item.id'");
    } else if (policy !== 'coalesce' && key !== undefined) {
      bad(`${at}.key`, key, "left out: only the 'coalesce' policy has a key");
    }
    if (problems.length === before) {
      overflow.push(
        Object.freeze({
          type: type as string,
          policy: policy as OverflowPolicyName,
          key: policy === 'coalesce' ? Object.freeze((key as string).split('.')) : null,
        }),
      );
    }
  });
  return { problems, overflow: problems.length > 0 ? none : Object.freeze(overflow) };
}
