import { showValue } from '../config/config.messages.js';

/** Log and error texts of handler discovery and dispatch, each naming what is wrong and what to do. */

export const duplicateHandlerMessage = (type: string, first: string, second: string): string =>
  `Message type "${type}" has two handlers: ${first} and ${second}. Each type may have one @OnWsMessage handler.`;

export const reservedTypeMessage = (type: string, where: string): string =>
  `${where} claims the reserved message type "${type}": types starting with "system." belong to WebSocketTool. Rename it.`;

export const invalidHandlerTypeMessage = (type: unknown, where: string): string =>
  `${where} uses @OnWsMessage(${showValue(type)}): the type must be a non-empty string of at most 200 characters.`;

export const requestScopedHandlerMessage = (where: string): string =>
  `${where} is request-scoped or transient; @OnWsMessage and hook decorators only work on static providers, so it is skipped.`;

export const hookFailedMessage = (hook: string, where: string): string => `${hook} hook ${where} threw; the connection continues.`;

export const handlerFailedMessage = (type: string, where: string): string =>
  `Handler ${where} for "${type}" failed; the sender got a system.error "handler_error".`;

export const clientRequestErrorMessage = (clientId: string, text: string): string =>
  `Client "${clientId}" answered the request with an error: ${text}`;

export const clientRequestDroppedMessage = (clientId: string): string =>
  `The request to client "${clientId}" was not queued: its outbound queue is full or the message cannot be serialized.`;

export const clientOfflineMessage = (clientId: string): string => `Client "${clientId}" is connected nowhere, or left before replying.`;

export const clientRequestTimeoutMessage = (clientId: string, timeoutMs: number): string =>
  `Client "${clientId}" did not reply within ${timeoutMs} ms.`;
