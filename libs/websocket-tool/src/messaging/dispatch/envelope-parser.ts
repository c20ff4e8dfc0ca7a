import { WsErrorCode } from '../../protocol/error-codes.js';
import { exceedsJsonDepth, stripDangerousKeys } from '../../protocol/json-guards.js';
import { isPlainObject } from '../../protocol/json-guards.js';
import type { Correlation } from './envelope.js';
import type { InboundData } from './inbound-data.js';

/** Longest message type accepted. */
export const MAX_TYPE_LENGTH = 200;
/**
 * Longest client-chosen string the server sends back: `meta.id` (in every
 * reply) and `meta.ping_id` (in `system.pong`). Anything longer is refused,
 * so a client that never reads cannot make the server hold copies of large
 * strings it chose.
 */
export const MAX_ECHOED_LENGTH = 128;

/** True for a value the server may echo back: absent, a number, or a short string. */
export const isEchoable = (value: unknown): boolean =>
  value === undefined || value === null || typeof value === 'number' || (typeof value === 'string' && value.length <= MAX_ECHOED_LENGTH);

/** A parsed inbound envelope: a plain object with a valid `type` and an object `meta` if any. */
export type ParsedEnvelope = Record<string, unknown> & { type: string };

/** Why a frame is not a message: the `system.error` code and text its sender gets. */
export class ParseFailure {
  constructor(
    readonly code: string,
    readonly text: string,
  ) {}
}

/**
 * Turns one frame into an envelope, checking in this order: binary, nesting
 * depth, JSON, `meta.id`, shape; then drops `__proto__`-like keys. The
 * failures are built once, so a bad frame allocates nothing here either.
 */
export class EnvelopeParser {
  /** The usable `meta.id` of the last frame parsed; undefined when it had none or failed before the shape check. */
  id: Correlation = undefined;
  private readonly binary = new ParseFailure(WsErrorCode.UnsupportedBinary, 'Binary frames are not supported: send JSON text frames.');
  private readonly tooDeep: ParseFailure;
  private readonly invalidJson = new ParseFailure(WsErrorCode.InvalidJson, 'The frame is not valid JSON.');
  private readonly badId = new ParseFailure(
    WsErrorCode.InvalidMessage,
    `"meta.id" must be a number or a string of at most ${MAX_ECHOED_LENGTH} characters.`,
  );
  private readonly badShape = new ParseFailure(
    WsErrorCode.InvalidMessage,
    `A message must be a JSON object with a string "type" of 1 to ${MAX_TYPE_LENGTH} characters and an object "meta" if any.`,
  );

  constructor(private readonly maxJsonDepth: number) {
    this.tooDeep = new ParseFailure(WsErrorCode.InvalidMessage, `The message nests deeper than ${maxJsonDepth} levels.`);
  }

  /** The envelope, or why the frame is not one (`id` then tells whether the refusal echoes a `meta.id`). */
  parse(data: InboundData, isBinary: boolean): ParsedEnvelope | ParseFailure {
    this.id = undefined;
    if (isBinary) return this.binary;
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Buffer.from(data).toString('utf8');
    if (exceedsJsonDepth(text, this.maxJsonDepth)) return this.tooDeep;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return this.invalidJson;
    }
    const meta = isPlainObject(parsed) ? parsed.meta : undefined;
    const id = isPlainObject(meta) && (typeof meta.id === 'string' || typeof meta.id === 'number') ? meta.id : undefined;
    if (!isEchoable(id)) return this.badId;
    this.id = id;
    if (
      !isPlainObject(parsed) ||
      typeof parsed.type !== 'string' ||
      parsed.type.length === 0 ||
      parsed.type.length > MAX_TYPE_LENGTH ||
      (meta !== undefined && meta !== null && !isPlainObject(meta))
    ) {
      return this.badShape;
    }
    stripDangerousKeys(parsed, text);
    return parsed as ParsedEnvelope;
  }
}
