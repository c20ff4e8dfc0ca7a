export { WebSocketToolClient } from './websocket-tool-client.js';
export type { SendOutcome } from './outbox.js';
export type { RequestOptions } from './requests.js';
export type { RequestHandler } from './server-requests.js';
export type { SubscribeOptions } from './topics.js';
export { TopicEventType, type TopicRecoveredEvent, type TopicGapEvent, type ClientEventMap } from './topic-events.js';
export type { TopicPosition } from './topic-positions.js';
export type { WebSocketToolClientOptions, CloseInfo, TokenTransport } from './client-options.interface.js';
export type { ClientState, ClientStateEvent, ClientStats } from './client-state.interface.js';
export type { WsMessage, WsOutgoingMessage, MessageMap, MessageHandler, Unsubscribe } from './message.interface.js';
export type { WebSocketLike, WebSocketConstructorLike } from './websocket-like.interface.js';
export type { ClientClock } from './clock.interface.js';
export type { ClientLogger } from './client-logger.interface.js';
export type { DropPolicy, DropReason } from './offline-queue.js';
export { WsRequestError, WsRequestFailedError } from './request-errors.js';
export { backoffCeiling, backoffDelay, retryAfterDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
export { parseRetryAfter, type HandshakeRefusal } from './handshake-refusal.js';
export {
  SystemMessageType,
  ClientCloseCode,
  TERMINAL_CLOSE_CODES,
  TASK_TOPIC_PREFIX,
  ACK_ID_META,
  REQUEST_ID_META,
  ClientReplyErrorCode,
  UnsubscribeReason,
  isTerminalCloseCode,
  shouldReconnectByDefault,
} from './protocol/index.js';
export { WILDCARD } from './handler-registry.js';
export { createLegacyRegistry, type LegacyRegistry, type LegacyHandler, type LegacyMessage } from './legacy-registry.js';
