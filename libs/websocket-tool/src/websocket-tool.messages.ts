/** Every log and error text of the library, each naming what is wrong and what to do. */

const show = (value: unknown): string => {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? text.slice(0, 77) + '...' : text;
};

export const invalidSettingMessage = (source: string, value: unknown, rule: string): string =>
  `${source}=${show(value)} is invalid: it must be ${rule}.`;

export const unknownOptionMessage = (key: string): string =>
  `option "${key}" is not a WebSocketTool option; check its spelling against docs/configuration.md.`;

export const duplicateHandlerMessage = (type: string, first: string, second: string): string =>
  `Message type "${type}" has two handlers: ${first} and ${second}. Each type may have one @OnWsMessage handler.`;

export const reservedTypeMessage = (type: string, where: string): string =>
  `${where} claims the reserved message type "${type}": types starting with "system." belong to WebSocketTool. Rename it.`;

export const invalidHandlerTypeMessage = (type: unknown, where: string): string =>
  `${where} uses @OnWsMessage(${show(type)}): the type must be a non-empty string of at most 200 characters.`;

export const requestScopedHandlerMessage = (where: string): string =>
  `${where} is request-scoped or transient; @OnWsMessage and hook decorators only work on static providers, so it is skipped.`;

export const hookFailedMessage = (hook: string, where: string): string => `${hook} hook ${where} threw; the connection continues.`;

export const handlerFailedMessage = (type: string, where: string): string =>
  `Handler ${where} for "${type}" failed; the sender got a system.error "handler_error".`;

export const loopRestartedMessage = (name: string, reason: string): string =>
  `Background loop "${name}" had stopped (${reason}); the supervisor restarted it.`;

export const adapterMissingMessage = (path: string): string =>
  `WebSocketTool is loaded but the app does not use WebSocketToolAdapter, so "${path}/<clientId>" and the handshake checks are off. ` +
  'Call app.useWebSocketAdapter(new WebSocketToolAdapter(app)) before app.listen().';
