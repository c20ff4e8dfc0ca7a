/** A message as the original plugin's pages received it. */
export interface LegacyMessage {
  type?: string;
  meta?: { event?: string } & Record<string, unknown>;
  [key: string]: unknown;
}

/** A handler registered through `WebSocketRegistry.registerHandler` or `safeRegisterHandler`. */
export type LegacyHandler = (message: LegacyMessage) => void;

/**
 * The original plugin's `window.WebSocketRegistry`, kept so pages written for
 * it keep working. Unlike the original, one throwing handler no longer stops
 * the others.
 *
 * @publicApi
 */
export interface LegacyRegistry {
  handlers: Record<string, LegacyHandler[]>;
  registerHandler(type: string, callback: LegacyHandler): void;
  /** Calls every handler of `message.type` (or `message.meta.event`). */
  emit(message: LegacyMessage): void;
  clearHandlers(type?: string | null): void;
  getRegisteredTypes(): string[];
}

export function createLegacyRegistry(report: (error: unknown, type: string) => void): LegacyRegistry {
  const registry: LegacyRegistry = {
    // No prototype, so a message type such as "constructor" is just a key.
    handlers: Object.create(null) as Record<string, LegacyHandler[]>,
    registerHandler(type, callback) {
      if (typeof type !== 'string' || typeof callback !== 'function') return;
      (registry.handlers[type] ??= []).push(callback);
    },
    emit(message) {
      const type = message?.type || message?.meta?.event;
      if (typeof type !== 'string') return;
      for (const callback of (registry.handlers[type] ?? []).slice()) {
        try {
          callback(message);
        } catch (error) {
          report(error, type);
        }
      }
    },
    clearHandlers(type = null) {
      if (type === null || type === undefined) {
        for (const key of Object.keys(registry.handlers)) delete registry.handlers[key];
      } else {
        delete registry.handlers[type];
      }
    },
    getRegisteredTypes() {
      return Object.keys(registry.handlers);
    },
  };
  return registry;
}
