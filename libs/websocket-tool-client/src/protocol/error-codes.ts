/**
 * The `meta.code` of every `system.error` frame. The connection stays open
 * after each of them.
 *
 * @publicApi
 */
export const WsErrorCode = {
  /** The text frame is not valid JSON. */
  InvalidJson: 'invalid_json',
  /** The frame is JSON but not an object with a string `type`, or nests too deep. */
  InvalidMessage: 'invalid_message',
  /** No handler is registered for the type (`meta.original_type` names it). */
  UnknownType: 'unknown_type',
  /** The content failed the handler's DTO validation (`meta.errors` lists why). */
  ValidationFailed: 'validation_failed',
  /** The handler threw or returned something that could not be sent. */
  HandlerError: 'handler_error',
  /** The handler did not finish within `handlerTimeout`. */
  HandlerTimeout: 'handler_timeout',
  /** A guard refused the message. */
  Forbidden: 'forbidden',
  /** A binary frame arrived; the protocol is JSON text only. */
  UnsupportedBinary: 'unsupported_binary',
  /** A topic name is missing, too long or has characters outside the allowed set. */
  InvalidTopic: 'invalid_topic',
  /** The connection already holds `maxTopicsPerClient` subscriptions. */
  TooManyTopics: 'too_many_topics',
  /** A `system.refresh` was refused: no or an invalid token, another user's, or no authentication configured. */
  RefreshRefused: 'refresh_refused',
} as const;

/** @publicApi */
export type WsErrorCode = (typeof WsErrorCode)[keyof typeof WsErrorCode];
