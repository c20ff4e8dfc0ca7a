/**
 * A message as the server sends it: `type`, `content`, `meta` and an ISO-8601
 * UTC `timestamp`. Replies and errors caused by a message carry its
 * correlation id in `meta.id`.
 *
 * @publicApi
 */
export interface WsMessage<TContent = unknown> {
  type: string;
  content: TContent;
  meta: Record<string, unknown>;
  timestamp?: string;
}

/**
 * A message to send. `meta` is optional; `request()` adds `meta.id`.
 *
 * @publicApi
 */
export interface WsOutgoingMessage<TContent = unknown> {
  type: string;
  content?: TContent;
  meta?: Record<string, unknown>;
}

/**
 * Maps inbound message types to their content types, for typed handlers:
 * `new WebSocketToolClient<{ 'chat.message': { text: string } }>(url)`.
 *
 * @publicApi
 */
export type MessageMap = Record<string, unknown>;

/** A handler for inbound messages. A returned promise that rejects is reported like a throw. @publicApi */
export type MessageHandler<TContent = unknown> = (message: WsMessage<TContent>) => void | Promise<void>;

/** Removes the handler or listener it was returned for. @publicApi */
export type Unsubscribe = () => void;
