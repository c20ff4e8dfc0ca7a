/** Log texts of the WebSocket endpoint, each naming what is wrong and what to do. */

export const adapterMissingMessage = (path: string): string =>
  `WebSocketTool serves "${path}" and "${path}/<clientId>" only through WebSocketToolAdapter, and the app uses another WebSocket adapter. ` +
  'Call app.useWebSocketAdapter(new WebSocketToolAdapter(app)) before app.listen().';
