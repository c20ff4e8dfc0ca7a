import type { ChildProcess } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './utils/free-port.js';
import { WsTestClient } from './utils/ws-test-client.js';
import { startSample } from './utils/sample-process.js';

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

  // The sample reads apps/sample/.env; a developer's own file is left alone (and the test skipped).
  const sampleEnvFile = fileURLToPath(new URL('../apps/sample/.env', import.meta.url));
  it.skipIf(existsSync(sampleEnvFile))(
    'takes FP_WST_* settings from apps/sample/.env and names the file as their source',
    async () => {
      writeFileSync(sampleEnvFile, 'FP_WST_MAX_CLIENT_ERRORS=3\n');
      try {
        const port = await freePort();
        child = await startSample(port);
        const res = await fetch(`http://127.0.0.1:${port}/info/config`);
        const { settings } = (await res.json()) as { settings: Array<{ option: string; value: unknown; source: string }> };
        expect(settings.find((s) => s.option === 'maxClientErrors')).toMatchObject({ value: 3, source: 'env-file' });
        expect(settings.find((s) => s.option === 'maxQueueSize')).toMatchObject({ value: 10000, source: 'default' });
      } finally {
        rmSync(sampleEnvFile, { force: true });
      }
    },
    30_000,
  );
});
