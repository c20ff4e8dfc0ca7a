#!/usr/bin/env node
// Bundles the TypeScript of the served pages' scripts into the files their controllers serve:
// the admin dashboard's inline script (in the published library) and the sample page's two scripts.
// Each is an IIFE for browsers; `npm run typecheck` type-checks the sources (their own tsconfig, DOM lib).
import { build } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const at = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));

/** Entry point and output of each page script. `inline`: placed in a `<script>` element of the page. */
export const PAGE_SCRIPTS = [
  {
    entry: 'libs/websocket-tool/src/admin/page/browser/main.ts',
    out: 'libs/websocket-tool/dist/admin/page/admin-page.browser.js',
    inline: true,
  },
  { entry: 'apps/sample/src/page/browser/sample-page.main.ts', out: 'apps/sample/dist/page/sample-page.browser.js', inline: false },
  { entry: 'apps/sample/src/page/browser/task-panel.main.ts', out: 'apps/sample/dist/page/task-panel.browser.js', inline: false },
];

async function bundle({ entry, out, inline }) {
  const result = await build({
    entryPoints: [at(entry)],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020'],
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    charset: 'utf8',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].text;
  // An inline script ends at the first `</script`; esbuild escapes it in strings, this catches the rest.
  if (inline && /<\/script|<!--/i.test(code)) throw new Error(`${entry}: the bundle contains "</script" or "<!--" and cannot be inlined`);
  const file = at(out);
  mkdirSync(dirname(file), { recursive: true });
  // Written to a temporary file and renamed, so a server reading the file never sees half of it.
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, code);
  renameSync(temporary, file);
  return out;
}

for (const script of PAGE_SCRIPTS) process.stdout.write(`page script: ${await bundle(script)}\n`);
