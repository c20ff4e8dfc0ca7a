import { isPlainObject } from './protocol/is-plain-object.js';
import type { WsOutgoingMessage } from './message.interface.js';

/** A message to send, checked: a non-empty type, a plain-object meta; `content` defaults to null. */
export function outgoingMessage(type: string, content: unknown, meta: Record<string, unknown> | undefined): WsOutgoingMessage {
  if (typeof type !== 'string' || type.length === 0) throw new TypeError('A message needs a non-empty string type.');
  if (meta !== undefined && !isPlainObject(meta)) throw new TypeError('A message meta must be a plain object.');
  return { type, content: content === undefined ? null : content, meta: meta ?? {} };
}

/** The message as JSON; throws a `TypeError` naming the message type if it cannot be serialized. */
export function serializeMessage(message: WsOutgoingMessage): string {
  try {
    return JSON.stringify(message);
  } catch (error) {
    throw new TypeError(`The "${message.type}" message cannot be sent as JSON: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}
