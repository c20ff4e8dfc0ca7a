// The error codes are part of the wire protocol, defined once in the client package.
export { WsErrorCode } from '@websocket-tool/client/protocol';
