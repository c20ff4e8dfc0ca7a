import type { ChildProcess } from 'node:child_process';
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
});
