const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * True if the JSON text nests objects/arrays deeper than `maxDepth`. Scans
 * the text (strings skipped) so a hostile frame is refused before parsing.
 */
export function exceedsJsonDepth(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

const DANGEROUS_KEYS = ['__proto__', 'constructor', 'prototype'];
/**
 * A text that can hold one of the keys once parsed: the literal quoted key,
 * or any `\u` escape, since `"\u005f_proto__"` parses to `__proto__` and no
 * other JSON escape spells a letter or `_`. A false positive (`\\u`, an
 * escaped backslash before a `u`) only costs the walk.
 */
const MAYBE_DANGEROUS = /"(?:__proto__|constructor|prototype)"|\\u/;

/**
 * Removes `__proto__`, `constructor` and `prototype` keys from parsed JSON,
 * at any depth, so no handler that merges the content into another object
 * can change a prototype. Keys are compared after parsing, so an escaped
 * spelling is removed too; the walk only runs when the text could hold one.
 */
export function stripDangerousKeys(value: unknown, text: string): void {
  if (!MAYBE_DANGEROUS.test(text)) return;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === null || typeof current !== 'object') continue;
    if (!Array.isArray(current)) {
      for (const key of DANGEROUS_KEYS) {
        if (Object.prototype.hasOwnProperty.call(current, key)) delete (current as Record<string, unknown>)[key];
      }
    }
    for (const child of Object.values(current)) {
      if (child !== null && typeof child === 'object') stack.push(child);
    }
  }
}

/** True for `{...}` values: not null, not arrays. One definition for both packages, in the client's protocol. */
export { isPlainObject } from '@websocket-tool/client/protocol';
