import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './utils/free-port.js';
import { WsTestClient, sleep } from './utils/ws-test-client.js';

const MAIN = new URL('../apps/sample/dist/main.js', import.meta.url).pathname;

async function startSample(port: number): Promise<ChildProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first (npm test does).`);
  const child = spawn(process.execPath, [MAIN], { env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' }, stdio: 'pipe' });
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

describe('the sample app (built, as its own process)', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('serves the page, echoes, chats in rooms, and drains on SIGTERM: 1001 for everyone, exit code 0', async () => {
    const port = await freePort();
    child = await startSample(port);
    const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(page).toContain('WebSocketTool sample');

    const alice = await WsTestClient.connect(`ws://127.0.0.1:${port}/ws/alice`);
    const bob = await WsTestClient.connect(`ws://127.0.0.1:${port}/ws/bob`);
    expect((await alice.request({ type: 'echo', content: 'hi' })).content).toBe('hi');
    bob.send({ type: 'system.subscribe', content: { topic: 'room-1' } });
    await bob.next('system.subscribed');
    alice.send({ type: 'chat.message', content: { text: 'hello room' }, meta: { topic: 'room-1' } });
    expect((await bob.next('chat.message')).content).toMatchObject({ text: 'hello room', name: 'alice' });
    const bad = await alice.request({ type: 'chat.message', content: { text: 42 } });
    expect(bad.meta.code).toBe('validation_failed');

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await alice.closed).toEqual({ code: 1001, reason: 'shutdown' });
    expect(await bob.closed).toEqual({ code: 1001, reason: 'shutdown' });
    expect(await exited).toBe(0);
  }, 30_000);
});
