import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { sleep } from './ws-test-client.js';

const MAIN = new URL('../../apps/sample/dist/main.js', import.meta.url).pathname;

/** Starts the built sample app as its own process on 127.0.0.1:`port` and waits until it answers. */
export async function startSample(port: number, env: Record<string, string> = {}): Promise<ChildProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first (npm test does).`);
  const child = spawn(process.execPath, [MAIN], { env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...env }, stdio: 'pipe' });
  child.stdout?.resume();
  child.stderr?.resume();
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`);
      if (res.ok) return child;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error('sample app did not start');
}
