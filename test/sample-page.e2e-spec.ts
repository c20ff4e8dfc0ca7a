import type { ChildProcess } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './utils/free-port.js';
import { startSample } from './utils/sample-process.js';
import { CHROMIUM } from './utils/chromium.js';
import { WsTestClient } from './utils/ws-test-client.js';

/** The page's DOM, as seen by the functions run inside Chromium. */
declare const document: { getElementById(id: string): { textContent: string | null } | null };

describe('the sample page: live report task and who is in a chat room (Chromium, built sample app)', () => {
  let browser: Browser;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    browser = await chromium.launch(CHROMIUM);
  });
  afterAll(() => browser?.close());
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('starts a report, shows live progress and log, then success; a failing report shows its error', async () => {
    const port = await freePort();
    child = await startSample(port);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text());
    });
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'online');

    await page.fill('#task-title', 'Q3 <b>sales</b>');
    await page.click('#generate');
    // Progress moves while the task runs, then it succeeds.
    await page.waitForFunction(
      () => {
        const p = document.getElementById('task-percent')?.textContent ?? '';
        return p !== '0%' && p !== '100%';
      },
      undefined,
      { timeout: 10_000 },
    );
    await page.waitForFunction(() => document.getElementById('task-state')?.textContent === 'succeeded', undefined, { timeout: 15_000 });
    expect(await page.textContent('#task-percent')).toBe('100%');
    const log = await page.textContent('#task-log');
    expect(log).toContain('started: Report "Q3 <b>sales</b>"');
    expect(log).toContain('Exporting the PDF...');
    expect(log).toContain('[END OF LOG]');
    expect(await page.locator('#task-log b').count()).toBe(0);

    await page.check('#task-fail');
    await page.click('#generate');
    await page.waitForFunction(() => document.getElementById('task-state')?.textContent === 'failed', undefined, { timeout: 15_000 });
    expect(await page.textContent('#task-log')).toContain('failed: The chart service did not answer');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('joining a room lists its members, and the list follows who joins and leaves', async () => {
    const port = await freePort();
    child = await startSample(port);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'online');
    const visitor = await WsTestClient.connect(`ws://127.0.0.1:${port}/ws/visitor`);
    await visitor.request({ type: 'system.subscribe', content: { topic: 'room:lobby' } });

    await page.fill('#joinRoom', 'lobby');
    await page.click('#join button');
    await page.waitForFunction(() => (document.getElementById('members')?.textContent ?? '').startsWith('#lobby · 2 here: '));
    const line = (await page.textContent('#members')) ?? '';
    expect(line).toContain('visitor');
    expect(line).toContain('(you)');

    const late = await WsTestClient.connect(`ws://127.0.0.1:${port}/ws/latecomer`);
    await late.request({ type: 'system.subscribe', content: { topic: 'room:lobby' } });
    await page.waitForFunction(() => (document.getElementById('members')?.textContent ?? '').includes('latecomer'));
    visitor.close();
    await visitor.closed;
    await page.waitForFunction(() => !(document.getElementById('members')?.textContent ?? '').includes('visitor'));
    expect((await page.textContent('#members')) ?? '').toMatch(/^#lobby · 2 here: /);
    late.close();
    expect(errors).toEqual([]);
  }, 30_000);
});
