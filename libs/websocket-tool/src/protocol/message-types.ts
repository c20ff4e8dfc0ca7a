// The message types are part of the wire protocol, defined once in the client package.
export { SystemMessageType, LEGACY_PONG_TYPE } from '@websocket-tool/client/protocol';
