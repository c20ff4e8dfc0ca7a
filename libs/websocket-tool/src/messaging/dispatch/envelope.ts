import type { WsOutboundMessage } from '../../protocol/envelope.interface.js';
import { isPlainObject } from '../../protocol/json-guards.js';

/** A request's `meta.id`, echoed in every reply to it. */
export type Correlation = string | number | undefined;

const ENVELOPE_KEYS = new Set(['type', 'content', 'meta']);

/** True when a handler returned a whole message (`{ type, content?, meta? }`) rather than a content. */
export const isEnvelope = (value: unknown): value is WsOutboundMessage =>
  isPlainObject(value) && typeof value.type === 'string' && Object.keys(value).every((k) => ENVELOPE_KEYS.has(k));
