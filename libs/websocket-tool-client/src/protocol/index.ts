// The wire protocol both packages speak: the server library imports these through
// `@websocket-tool/client/protocol`, so there is one copy.
export {
  SystemMessageType,
  LEGACY_PONG_TYPE,
  TASK_TOPIC_PREFIX,
  ACK_ID_META,
  REQUEST_ID_META,
  ClientReplyErrorCode,
  UnsubscribeReason,
} from './message-types.js';
export {
  CloseCode,
  ClientCloseCode,
  TERMINAL_CLOSE_CODES,
  isTerminalCloseCode,
  shouldReconnectByDefault,
  type CloseCodeName,
} from './close-codes.js';
export { WsErrorCode } from './error-codes.js';
export { isPlainObject } from './is-plain-object.js';
