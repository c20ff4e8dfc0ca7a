import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The browser bundle's export of the client package. */
export const CLIENT_BUNDLE_SPECIFIER = '@websocket-tool/client/browser';

/**
 * Where the built browser bundle is: resolved through the client package
 * from this file's location (an installed or workspace-linked package), else
 * beside this library in a source checkout (`libs/websocket-tool-client`).
 * Null if it is not built.
 */
export function resolveClientBundleFile(): string | null {
  try {
    return createRequire(import.meta.url).resolve(CLIENT_BUNDLE_SPECIFIER);
  } catch {
    // Not installed (or not built): try the checkout layout below.
  }
  // src/client-bundle/ and dist/client-bundle/ are both three levels below libs/.
  const sibling = fileURLToPath(new URL('../../../websocket-tool-client/dist/websocket-tool-client.browser.js', import.meta.url));
  return existsSync(sibling) ? sibling : null;
}
