// The message types are part of the wire protocol, defined once in the client package.
export {
  SystemMessageType,
  LEGACY_PONG_TYPE,
  ACK_ID_META,
  REQUEST_ID_META,
  ClientReplyErrorCode,
  UnsubscribeReason,
} from '@websocket-tool/client/protocol';
