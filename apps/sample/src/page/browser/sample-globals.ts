import type { WebSocketToolClient } from '@websocket-tool/client';

// What the page's other scripts define: the client bundle (`<script src="/ws-client.js">`) defines the
// `WebSocketToolClient` class, and the page script shares its current client with the task panel.
declare global {
  /** The class of the served client bundle (types only: these scripts do not bundle the client). */
  var WebSocketToolClient: typeof import('@websocket-tool/client').WebSocketToolClient;

  interface Window {
    /** The page's current client, for the task panel (see the `sample:client` event). */
    sampleClient?: WebSocketToolClient;
  }

  interface DocumentEventMap {
    /** Dispatched on `document` each time the page (re)creates its client. */
    'sample:client': CustomEvent<WebSocketToolClient>;
  }
}

/** Name of the event that hands the page's client to the task panel. */
export const CLIENT_EVENT = 'sample:client';
