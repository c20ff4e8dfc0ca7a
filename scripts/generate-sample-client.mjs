#!/usr/bin/env node
// Regenerates the sample page's typed client (apps/sample/src/page/browser/ws-api.ts) from the built sample
// app's own AsyncAPI document: starts the app on a free port, runs `websocket-tool-client generate` against
// /ws/asyncapi.json, stops the app. With --check it writes nothing and fails when the file has drifted
// (test/generated-client.e2e-spec.ts does the same). Run after `npm run build`.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const at = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const OUT = 'apps/sample/src/page/browser/ws-api.ts';

const port = await new Promise((resolve, reject) => {
  const server = createServer();
  server.on('error', reject);
  server.listen(0, '127.0.0.1', () => {
    const { port: free } = server.address();
    server.close(() => resolve(free));
  });
});
const app = spawn(process.execPath, [at('apps/sample/dist/main.js')], {
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
  stdio: 'ignore',
});
try {
  const url = `http://127.0.0.1:${port}/ws/asyncapi.json`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error('the sample app did not start: run `npm run build` first');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const args = [at('libs/websocket-tool-client/dist/generate/cli.js'), 'generate', url, '-o', at(OUT), ...process.argv.slice(2)];
  const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
  process.exitCode = result.status ?? 1;
} finally {
  app.kill('SIGTERM');
}
