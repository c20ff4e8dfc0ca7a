import type { WsOutboundMessage } from './envelope.interface.js';

/**
 * Serializes an outbound message once. Throws whatever `JSON.stringify`
 * throws (cycles, BigInt, stack overflow on absurd nesting): callers decide
 * what that means for them.
 */
export function serializeEnvelope(message: WsOutboundMessage, timestamp = isoNow()): string {
  return JSON.stringify({
    type: message.type,
    content: message.content === undefined ? null : message.content,
    meta: message.meta ?? {},
    timestamp,
  });
}

let cachedAt = 0;
let cachedIso = '';

/** The current time as ISO-8601 UTC, formatted once per millisecond. */
export function isoNow(): string {
  const now = Date.now();
  if (now !== cachedAt) {
    cachedAt = now;
    cachedIso = new Date(now).toISOString();
  }
  return cachedIso;
}
