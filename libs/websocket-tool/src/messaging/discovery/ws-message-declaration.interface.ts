/** A class-validator DTO class. @publicApi */
export type WsDtoClass = new (...args: never[]) => object;

/**
 * A message the server sends, as the protocol document (`/ws/asyncapi.json`)
 * describes it. The content's schema comes from the DTO's class-validator
 * decorators: the same class that would validate it, never a second copy.
 *
 * @publicApi
 */
export interface WsMessageDeclaration {
  /** The message's `type`. */
  type: string;
  /** The DTO of its `content`; without one the content is any JSON. */
  dto?: WsDtoClass;
  /** A DTO of the fields its `meta` carries, when they matter to clients. */
  meta?: WsDtoClass;
  /** What the message means, for the protocol document (plain text). */
  description?: string;
  /** An example `content`. */
  example?: unknown;
}

/**
 * What a handler answers, as the protocol document describes it.
 *
 * @publicApi
 */
export interface WsReplyDeclaration {
  /**
   * The reply's `type`, when the handler returns a whole message
   * (`{ type, content }`) rather than a content.
   * @default the request's type
   */
  type?: string;
  /** The DTO of the reply's `content`; without one the content is any JSON. */
  dto?: WsDtoClass;
  /** What the reply means (plain text). */
  description?: string;
  /** An example reply `content`. */
  example?: unknown;
}
