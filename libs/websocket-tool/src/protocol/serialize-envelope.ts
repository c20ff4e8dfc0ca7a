import type { WsOutboundMessage } from './envelope.interface.js';

/**
 * Serializes an outbound message once. Throws whatever `JSON.stringify`
 * throws (cycles, BigInt, stack overflow on absurd nesting): callers decide
 * what that means for them.
 */
export function serializeEnvelope(message: WsOutboundMessage, timestamp = new Date().toISOString()): string {
  return JSON.stringify({
    type: message.type,
    content: message.content === undefined ? null : message.content,
    meta: message.meta ?? {},
    timestamp,
  });
}
