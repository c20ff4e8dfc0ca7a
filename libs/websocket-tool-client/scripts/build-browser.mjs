// Builds the browser bundle (an IIFE that defines the globals) next to the ESM build.
import { build } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the bundle goes; the server library serves this file. */
export const BROWSER_BUNDLE_FILE = fileURLToPath(new URL('../dist/websocket-tool-client.browser.js', import.meta.url));

/**
 * Bundles `src/browser.ts` into `dist/websocket-tool-client.browser.js`.
 * Written to a temporary file and renamed, so a server reading the file never
 * sees half of it.
 */
export async function buildBrowserBundle() {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('../src/browser.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020'],
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
    // Node-only; browsers always have a native WebSocket.
    external: ['ws'],
  });
  const code = result.outputFiles[0].contents;
  mkdirSync(dirname(BROWSER_BUNDLE_FILE), { recursive: true });
  const temporary = `${BROWSER_BUNDLE_FILE}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, code);
  renameSync(temporary, BROWSER_BUNDLE_FILE);
  return BROWSER_BUNDLE_FILE;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = await buildBrowserBundle();
  process.stdout.write(`browser bundle: ${file}\n`);
}
