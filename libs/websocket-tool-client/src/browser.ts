/**
 * Entry of the browser bundle (`/ws-client.js`): defines the global
 * `WebSocketToolClient`, plus `WebSocketRegistry` and `safeRegisterHandler`
 * for pages written for the original plugin. With
 * `<script src="/ws-client.js" data-connect>` it also connects at once and
 * exposes the client as `window.webSocketToolClient`.
 */
import { defaultLogger } from './client-logger.interface.js';
import type { WebSocketToolClientOptions } from './client-options.interface.js';
import { createLegacyRegistry, type LegacyHandler, type LegacyMessage, type LegacyRegistry } from './legacy-registry.js';
import type { MessageMap } from './message.interface.js';
import { WebSocketToolClient } from './websocket-tool-client.js';

/** Options of the browser bundle's client. */
export interface BrowserClientOptions extends WebSocketToolClientOptions {
  /** Forward every message to `window.WebSocketRegistry` (the original plugin's handlers). @default true */
  legacyRegistry?: boolean;
}

interface BrowserGlobals {
  WebSocketToolClient?: typeof BrowserWebSocketToolClient;
  WebSocketRegistry?: LegacyRegistry;
  safeRegisterHandler?: (type: string, callback: LegacyHandler) => void;
  __WebSocketRegistryQueue?: Array<{ type: string; callback: LegacyHandler }>;
  webSocketToolClient?: BrowserWebSocketToolClient;
  document?: { currentScript?: { dataset?: Record<string, string | undefined> } | null };
  localStorage?: { getItem(key: string): string | null; setItem(key: string, value: string): void };
  crypto?: { randomUUID?: () => string };
}

const host = globalThis as unknown as BrowserGlobals;
const logger = defaultLogger();
const registry: LegacyRegistry =
  host.WebSocketRegistry ?? createLegacyRegistry((error, type) => logger.error(`A WebSocketRegistry handler for "${type}" threw.`, error));

/** The client, connected to `/ws` of the page's own host unless told otherwise. */
class BrowserWebSocketToolClient<TIn extends MessageMap = MessageMap> extends WebSocketToolClient<TIn> {
  constructor(url = '/ws', options: BrowserClientOptions = {}) {
    super(url, options);
    if (options.legacyRegistry !== false) this.on('*', (message) => registry.emit(message as unknown as LegacyMessage));
  }
}

/** The page's persistent client id, as the original service worker kept it. */
function storedClientId(): string | undefined {
  try {
    const storage = host.localStorage;
    let id = storage?.getItem('clientId') ?? undefined;
    if (!id && storage && host.crypto?.randomUUID) {
      id = host.crypto.randomUUID();
      storage.setItem('clientId', id);
    }
    return id;
  } catch {
    // Storage can be blocked (privacy settings): connect anonymously.
    return undefined;
  }
}

const dataset = host.document?.currentScript?.dataset;

host.WebSocketToolClient = BrowserWebSocketToolClient;
host.WebSocketRegistry = registry;
host.safeRegisterHandler = (type, callback) => registry.registerHandler(type, callback);
for (const queued of host.__WebSocketRegistryQueue?.splice(0) ?? []) registry.registerHandler(queued.type, queued.callback);

if (dataset && dataset.connect !== undefined) {
  host.webSocketToolClient = new BrowserWebSocketToolClient(dataset.connect || '/ws', {
    clientId: dataset.clientId || storedClientId(),
  });
}
