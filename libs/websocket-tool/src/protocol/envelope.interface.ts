/**
 * The message envelope in both directions.
 *
 * Inbound frames need a string `type`; `content` and `meta` are optional.
 * Outbound frames always carry all four fields, `timestamp` as ISO-8601 UTC
 * with a `Z`. A correlation id in `meta.id` is echoed on every reply and
 * `system.error` the inbound message causes.
 *
 * @publicApi
 */
export interface WsEnvelope<TContent = unknown> {
  type: string;
  content?: TContent;
  meta?: Record<string, unknown>;
  timestamp?: string;
}

/**
 * A message to send: `timestamp` is filled in when it is serialized.
 *
 * @publicApi
 */
export interface WsOutboundMessage<TContent = unknown> {
  type: string;
  content?: TContent;
  meta?: Record<string, unknown>;
}

/**
 * An inbound message after parsing, as handlers receive it.
 *
 * @publicApi
 */
export interface WsInboundMessage<TContent = unknown> {
  type: string;
  content: TContent;
  meta: Record<string, unknown>;
}
