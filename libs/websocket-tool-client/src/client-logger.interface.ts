/**
 * Where the client reports problems it handled (a throwing handler, an
 * unreadable frame). Defaults to the host's `console`.
 *
 * @publicApi
 */
export interface ClientLogger {
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

const noop = (): void => undefined;

/**
 * The host console: a browser or Node client has no logging framework of its
 * own, and the developer console is where page authors look.
 */
export function defaultLogger(): ClientLogger {
  const host = (globalThis as { console?: Partial<ClientLogger> }).console;
  return {
    warn: (message, ...details) => (host?.warn ?? noop).call(host, `[WebSocketTool] ${message}`, ...details),
    error: (message, ...details) => (host?.error ?? noop).call(host, `[WebSocketTool] ${message}`, ...details),
  };
}
