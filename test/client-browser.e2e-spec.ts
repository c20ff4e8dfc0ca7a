import { Controller, Get, Header, type Type } from '@nestjs/common';
import { BroadcastService, ConnectionRegistry, type WebSocketToolModuleOptions } from '@websocket-tool/nestjs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CHAT_ROOM_TOPICS } from '../apps/sample/src/chat/chat-rooms.js';
import { ChatHandlers } from '../apps/sample/src/chat/chat.handlers.js';
import { PageController } from '../apps/sample/src/page/page.controller.js';
import { buildBrowserBundle } from '../libs/websocket-tool-client/scripts/build-browser.mjs';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { CHROMIUM } from './utils/chromium.js';

/** A page written for the original plugin: the registry script only, connected by its data attributes. */
@Controller()
class LegacyPageController {
  @Get('legacy.html')
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return '<!doctype html><title>legacy</title><script src="/ws-client.js" data-connect data-client-id="legacy-page"></script>';
  }
}

/** Polls page state until it matches (the page is driven by a real network). */
const POLL = { timeout: 15_000, interval: 25 };

describe('the client bundle in Chromium, served by the library', () => {
  let browser: Browser;
  const apps: TestApp[] = [];
  const contexts: BrowserContext[] = [];

  /** The sample app's page and chat handlers (and its chat rooms' history) on a test app. */
  async function startSample(options: WebSocketToolModuleOptions = {}, port = 0, controllers: Type[] = []): Promise<TestApp> {
    const app = await createTestApp(
      { topics: CHAT_ROOM_TOPICS, ...options },
      { providers: [ChatHandlers], controllers: [PageController, ...controllers] },
      undefined,
      port,
    );
    apps.push(app);
    return app;
  }

  /** A fresh page that fails the test on any uncaught script error. */
  async function openPage(): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    return { page, errors };
  }

  beforeAll(async () => {
    // The server serves the built bundle; build it so this file also runs on its own.
    await buildBrowserBundle();
    browser = await chromium.launch(CHROMIUM);
  }, 60_000);
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('serves the bundle at /ws-client.js with caching headers, at a custom path, or not at all', async () => {
    const t = await startSample();
    const res = await fetch(`${t.http}/ws-client.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const body = await res.text();
    expect(body).toContain('WebSocketToolClient');
    expect(body).toContain('safeRegisterHandler');
    const etag = res.headers.get('etag') as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await fetch(`${t.http}/ws-client.js`, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    await again.arrayBuffer();

    const custom = await startSample({ clientBundlePath: '/assets/wst.js' });
    expect((await fetch(`${custom.http}/assets/wst.js`)).status).toBe(200);
    expect((await fetch(`${custom.http}/ws-client.js`)).status).toBe(404);
    // The sample page follows the setting.
    expect(await (await fetch(`${custom.http}/`)).text()).toContain('<script src="/assets/wst.js"></script>');

    const off = await startSample({ clientBundlePath: '' });
    expect((await fetch(`${off.http}/ws-client.js`)).status).toBe(404);
    process.env.FP_WST_CLIENT_BUNDLE_PATH = 'off';
    try {
      const offByEnv = await startSample();
      expect((await fetch(`${offByEnv.http}/ws-client.js`)).status).toBe(404);
    } finally {
      delete process.env.FP_WST_CLIENT_BUNDLE_PATH;
    }
    await expect(startSample({ clientBundlePath: 'no-slash.js' })).rejects.toThrow(/clientBundlePath/);
  });

  it('the sample page chats in a room, and after a server restart reconnects, re-joins and sends what was typed offline', async () => {
    const t = await startSample();
    const { page, errors } = await openPage();
    await page.goto(`${t.http}/`);
    await page.waitForSelector('#status[data-state="open"]');

    await page.fill('#joinRoom', 'lobby');
    await page.click('#join button');
    await page.waitForSelector('#rooms .chip[data-room="lobby"]:not(.pending)');
    await page.selectOption('#room', 'lobby');
    await page.fill('#text', 'hello lobby');
    await page.click('#chat button');
    await expect.poll(() => page.textContent('#log'), POLL).toMatch(/\[#lobby\] anon-[\w-]+: hello lobby/);
    await expect.poll(() => page.textContent('#system'), POLL).toMatch(/delivered to 1 client/);

    // The network drops; a message sent to the room meanwhile comes back with the reconnect, and the page says so.
    const registry = t.app.get(ConnectionRegistry);
    const [pageClient] = [...registry.values()];
    pageClient.socket.terminate();
    t.app.get(BroadcastService).publish('room:lobby', {
      type: 'chat.message',
      content: { text: 'while you were away', name: 'server' },
      meta: { topic: 'room:lobby' },
    });
    await expect.poll(() => page.textContent('#system'), POLL).toContain('reconnected to #lobby, nothing missed (1 replayed)');
    await expect.poll(() => page.textContent('#log'), POLL).toContain('[#lobby] server: while you were away');
    await page.waitForSelector('#status[data-state="open"]');

    // Record every status text, so a short countdown is not missed between polls.
    await page.evaluate(`(() => {
      const status = document.querySelector('#status');
      window.statusLog = [];
      new MutationObserver(() => window.statusLog.push(status.textContent)).observe(status, { childList: true, characterData: true, subtree: true });
    })()`);
    const port = t.port;
    await t.close();
    await expect
      .poll(() => page.evaluate('window.statusLog.slice()'), POLL)
      .toEqual(expect.arrayContaining([expect.stringMatching(/^reconnecting in \d+ s$/)]));
    expect(await page.textContent('#system')).toContain('connection closed: 1001 shutdown');

    // Typed while the server is down: queued by the client, sent after the reconnect.
    await page.fill('#text', 'typed while offline');
    await page.click('#chat button');

    const restarted = await startSample({}, port);
    await page.waitForSelector('#status[data-state="open"]', { timeout: 45_000 });
    await vi.waitFor(() => expect(restarted.app.get(ConnectionRegistry).subscribers('room:lobby')?.size).toBe(1), {
      timeout: 5000,
      interval: 20,
    });
    await expect.poll(() => page.textContent('#log'), POLL).toMatch(/\[#lobby\] anon-[\w-]+: typed while offline/);
    // The new server's history is new: the page cannot know what it missed, and says so.
    await expect.poll(() => page.textContent('#system'), POLL).toContain('reconnected to #lobby, some messages may be missing');
    restarted.app.get(BroadcastService).publish('room:lobby', {
      type: 'chat.message',
      content: { text: 'from the new server', name: 'server' },
      meta: { topic: 'room:lobby' },
    });
    await expect.poll(() => page.textContent('#log'), POLL).toContain('[#lobby] server: from the new server');
    // Everything from the network is shown as text.
    restarted.app.get(BroadcastService).broadcast({ type: 'chat.message', content: { text: '<img src=x onerror=alert(1)>', name: 'x' } });
    await expect.poll(() => page.textContent('#log'), POLL).toContain('<img src=x onerror=alert(1)>');
    expect(await page.locator('#log img').count()).toBe(0);
    expect(errors).toEqual([]);
  }, 90_000);

  it('keeps pages written for the original working: WebSocketRegistry, safeRegisterHandler and data-connect', async () => {
    const t = await startSample({}, 0, [LegacyPageController]);
    const { page, errors } = await openPage();
    // A page of the original registers handlers before the registry script has loaded.
    await page.addInitScript(`
      window.early = [];
      window.__WebSocketRegistryQueue = [{ type: 'admin_message', callback: (m) => window.early.push(m.content) }];
    `);
    await page.goto(`${t.http}/legacy.html`);
    await expect.poll(() => page.evaluate('window.webSocketToolClient && window.webSocketToolClient.state'), POLL).toBe('open');
    await page.evaluate(`(() => {
      window.late = [];
      safeRegisterHandler('admin_message', () => { throw new Error('a broken legacy handler'); });
      safeRegisterHandler('admin_message', (m) => window.late.push(m.content));
    })()`);
    expect(await page.evaluate('WebSocketRegistry.getRegisteredTypes()')).toEqual(['admin_message']);
    expect(t.app.get(ConnectionRegistry).has('legacy-page')).toBe(true);
    t.app
      .get(BroadcastService)
      .sendToClient('legacy-page', { type: 'admin_message', content: 'maintenance at noon', meta: { level: 'warning' } });
    await expect.poll(() => page.evaluate('window.late.length'), POLL).toBe(1);
    expect(await page.evaluate('[window.early, window.late]')).toEqual([['maintenance at noon'], ['maintenance at noon']]);
    expect(errors).toEqual([]);
  });
});
