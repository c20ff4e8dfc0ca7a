import { isPlainObject } from './protocol/is-plain-object.js';
import type { WsMessage } from './message.interface.js';

/**
 * Reads one inbound frame as a message envelope. Returns a reason string for
 * a frame that is not one (the protocol is JSON text objects with a `type`).
 */
export function parseMessage(data: unknown): WsMessage | string {
  if (typeof data !== 'string') return 'Ignored a binary frame: the protocol is JSON text.';
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return 'Ignored a frame that is not JSON.';
  }
  if (!isPlainObject(parsed) || typeof parsed.type !== 'string') return 'Ignored a frame without a string "type".';
  return {
    type: parsed.type,
    content: parsed.content === undefined ? null : parsed.content,
    meta: isPlainObject(parsed.meta) ? parsed.meta : {},
    ...(typeof parsed.timestamp === 'string' ? { timestamp: parsed.timestamp } : {}),
  };
}
