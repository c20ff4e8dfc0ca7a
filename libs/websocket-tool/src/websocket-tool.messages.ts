/** Every log and error text of the library, each naming what is wrong and what to do. */

const show = (value: unknown): string => {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? text.slice(0, 77) + '...' : text;
};

export const invalidSettingMessage = (source: string, value: unknown, rule: string, where?: string): string =>
  `${source}=${show(value)}${where ? ` (${where})` : ''} is invalid: it must be ${rule}.`;

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
  `WebSocketTool serves "${path}" and "${path}/<clientId>" only through WebSocketToolAdapter, and the app uses another WebSocket adapter. ` +
  'Call app.useWebSocketAdapter(new WebSocketToolAdapter(app)) before app.listen().';

export const metricsOffWithoutPromClientMessage = (): string =>
  'prom-client is not installed, so WebSocketTool exports no metrics. To export them, install prom-client and ' +
  '@willsoto/nestjs-prometheus and register PrometheusModule in the app; set enableMetrics: false to silence this line.';

export const metricsPackageMissingMessage = (source: string): string =>
  `${source} asks for metrics, but the "prom-client" package is not installed. Install it (npm install prom-client ` +
  '@willsoto/nestjs-prometheus, and register PrometheusModule in the app), or turn metrics off.';

export const metricNameTakenMessage = (name: string): string =>
  `Metric "${name}" is already registered in prom-client's registry (another WebSocketTool app in this process, or an app metric ` +
  'with that name), so this instance exports no metrics. Give each instance its own metricsPrefix, or close the other app first.';

export const adminLocalOnlyMessage = (paths: string): string =>
  `The admin API and page (${paths}) answer only local requests (127.0.0.1, ::1). To open them to other machines set ` +
  'FP_WST_ADMIN_TOKEN (option adminToken) and send "Authorization: Bearer <token>", or give an adminGuard; ' +
  'FP_WST_ENABLE_ADMIN=false turns them off.';

export const adminLocalOnlyRefusedMessage = (): string =>
  'The WebSocketTool admin routes answer only local requests (from 127.0.0.1 or ::1, without proxy headers). ' +
  'To allow remote access, set FP_WST_ADMIN_TOKEN on the server and send "Authorization: Bearer <token>".';

export const adminUnauthorizedMessage = (): string =>
  'Admin token missing or wrong: send "Authorization: Bearer <token>" (or HTTP Basic with the token as password).';

export const adminCrossSiteMessage = (): string => "Admin requests made by another site's page are refused.";

export const adminTokenShortMessage = (length: number, min: number): string =>
  `The admin token (FP_WST_ADMIN_TOKEN / adminToken) is only ${length} characters long; use a random secret of at least ${min}.`;

export const adminGuardUnavailableMessage = (name: string, reason: string): string =>
  `The adminGuard ${name || 'class'} could not be created (${reason}). Register it as a provider the app can resolve, or pass an instance.`;

export const clientNotConnectedMessage = (clientId: string): string => `Client ${show(clientId)} is not connected.`;

export const sendQueueFullMessage = (dropped: number, queued: number): string =>
  `The outbound queue is full: the message was dropped for ${dropped} recipient(s) and queued for ${queued}. Retry later.`;

/** The original plugin's answer to a send when nobody is connected. */
export const noActiveConnectionsMessage = (): string => 'No active WebSocket connections';

export const broadcastQueueFullMessage = (): string => 'Failed to queue broadcast message';

export const sendTargetConflictMessage = (): string =>
  'Give one target: client_id (query or body, the same in both) or topic, or neither to send to everyone.';

export const invalidTopicMessage = (maxLength: number): string => `A topic is 1 to ${maxLength} characters of letters, digits and ._:@/-`;

export const clientBundleMissingMessage = (path: string): string =>
  `GET ${path} answers 404: the browser client bundle is not built. Run "npm run build:client" (or install @websocket-tool/client), ` +
  'or set clientBundlePath to "off".';

export const websocketToolConfigFactoryMessage = (): string =>
  'websocketToolConfig is registered by WebSocketToolModule once the settings are resolved; ' +
  'remove it from ConfigModule.forRoot({ load }) and inject websocketToolConfig.KEY or read configService.get("websocketTool").';
