/** Log texts of the browser client bundle route. */

export const clientBundleMissingMessage = (path: string): string =>
  `GET ${path} answers 404: the browser client bundle is not built. Run "npm run build:client" (or install @websocket-tool/client), ` +
  'or set clientBundlePath to "off".';
