import type { OverflowSettings } from '../config/overflow-options.interface.js';
import { PatternTable } from '../config/pattern-table.js';
import type { FrameOverflow, OutboundFrame } from './outbound-frame.js';

/** Every frame's JSON starts so (see `serializeEnvelope`): the type is the first field. */
const TYPE_START = '{"type":"';
const TYPE_END = '","content":';

/** The message type of a frame's JSON, or null for a frame not made by `serializeEnvelope`. */
export function messageTypeOf(json: string): string | null {
  if (!json.startsWith(TYPE_START)) return null;
  // An unescaped quote cannot occur inside the type's JSON string: the first `","content":` ends it.
  const end = json.indexOf(TYPE_END, TYPE_START.length);
  if (end < 0) return null;
  const raw = json.slice(TYPE_START.length, end);
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return null;
  }
}

/**
 * Which `overflow` entry applies to a message type, resolved once per type and cached, and stamped on each
 * frame once, whatever the number of its recipients. Built only when some entry is not `disconnect`: with
 * none, frames carry no policy and the queues pay nothing.
 *
 * @internal
 */
export class OverflowRules {
  private readonly table: PatternTable<Omit<FrameOverflow, 'type'>, FrameOverflow>;

  private constructor(entries: readonly OverflowSettings[]) {
    this.table = new PatternTable(
      entries.map((entry) => ({
        pattern: entry.type,
        value: entry.policy === 'disconnect' ? null : { policy: entry.policy, key: entry.key },
      })),
      // One object per type, which every frame of that type carries.
      (overflow, type) => ({ ...overflow, type }),
    );
  }

  /** The rules, or null when every type is `disconnect`. */
  static of(entries: readonly OverflowSettings[]): OverflowRules | null {
    return entries.some((e) => e.policy !== 'disconnect') ? new OverflowRules(entries) : null;
  }

  /** Stamps `frame` with its type's policy and, for `coalesce`, its key. */
  classify(frame: OutboundFrame, json: string): void {
    const type = messageTypeOf(json);
    if (type === null) return;
    const overflow = this.match(type);
    if (overflow === null) return;
    frame.overflow = overflow;
    if (overflow.key !== null) frame.coalesceKey = coalesceKeyOf(type, overflow.key, json);
  }

  match(type: string): FrameOverflow | null {
    return this.table.match(type);
  }
}

/** `type`, a separator and the key's JSON; null (the message is its own key) when the content has no such field. */
function coalesceKeyOf(type: string, path: readonly string[], json: string): string | null {
  let value: unknown;
  try {
    value = (JSON.parse(json) as { content?: unknown }).content;
  } catch {
    return null;
  }
  for (const field of path) {
    if (value === null || typeof value !== 'object') return null;
    value = (value as Record<string, unknown>)[field];
  }
  return value === undefined ? null : `${type}\u0000${JSON.stringify(value)}`;
}
