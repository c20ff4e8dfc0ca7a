import { Injectable, type INestApplication } from '@nestjs/common';
import { BroadcastService, OnWsMessage, WsEmits, type WsInboundMessage } from '@websocket-tool/nestjs';
import { IsString, MaxLength } from 'class-validator';
import { mkdir, writeFile } from 'node:fs/promises';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { WsTestClient, sleep } from './utils/ws-test-client.js';
import { CHROMIUM, recordPageProblems } from './utils/chromium.js';

/** Where the README's screenshot lives; rewritten only when WST_UPDATE_SCREENSHOTS=1. */
const SCREENSHOT = new URL('../docs/images/admin-dashboard.png', import.meta.url);
const HOSTILE = '<img src=x onerror=alert(1)>';

/** The few DOM calls the in-page checks use (this build has no DOM types). */
interface PageElement {
  textContent: string | null;
  hidden?: boolean;
  children: ArrayLike<PageElement>;
  getAttribute(name: string): string | null;
}
declare const document: {
  getElementById(id: string): PageElement | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
};

/** Text of one cell of a client's row in the table. */
const rowText = (page: Page, id: string, column: number) =>
  page.evaluate(
    ([clientId, col]) => document.querySelector(`tr[data-client-id="${clientId}"]`)?.children[col as number]?.textContent ?? null,
    [id, column] as const,
  );

@Injectable()
class DemoHandlers {
  @OnWsMessage('echo')
  echo(message: WsInboundMessage) {
    return message.content;
  }

  @OnWsMessage('chat.message')
  chat(message: WsInboundMessage) {
    return { type: 'chat.ack', content: message.content };
  }
}

class NoteDto {
  @IsString()
  @MaxLength(20)
  title!: string;
}

/** Handlers whose protocol descriptions and examples are markup, to show they stay text. */
@WsEmits('note.seen', NoteDto, { description: HOSTILE })
@Injectable()
class HostileDocs {
  @OnWsMessage('note.add', {
    dto: NoteDto,
    description: HOSTILE,
    example: { title: HOSTILE },
    reply: { type: 'note.added', description: HOSTILE },
  })
  add(message: WsInboundMessage<NoteDto>) {
    return { type: 'note.added', content: message.content };
  }
}

/** The texts of the cells of the Protocol view's row for a type and direction (`in`: clients send it). */
const protocolRow = (page: Page, type: string, direction: 'in' | 'out') =>
  page.evaluate(
    ([t, d]) =>
      Array.from(document.querySelectorAll(`#protocol-body tr[data-type="${t}"][data-direction="${d}"]`)).map((tr) =>
        Array.from(tr.children).map((td) => td.textContent),
      ),
    [type, direction] as const,
  );

describe('admin dashboard page in Chromium', () => {
  let browser: Browser;
  let t: TestApp | undefined;
  const contexts: BrowserContext[] = [];
  const clients: WsTestClient[] = [];

  async function start(options = {}, configure?: (app: INestApplication) => void): Promise<TestApp> {
    t = await createTestApp({ rateLimitConnectionsPerWindow: 1000, ...options }, { providers: [DemoHandlers] }, configure);
    return t;
  }

  async function connect(app: TestApp, path: string, userAgent?: string): Promise<WsTestClient> {
    const client = await WsTestClient.connect(`${app.ws}${path}`, userAgent ? { headers: { 'user-agent': userAgent } } : {});
    clients.push(client);
    return client;
  }

  /** Opens the dashboard and records console errors, page errors and dialogs other than confirmations. */
  async function openDashboard(app: TestApp, width = 1400, height = 1000, path = '/ws-admin'): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: { width, height } });
    contexts.push(context);
    const page = await context.newPage();
    const problems = recordPageProblems(page);
    const res = await page.goto(`${app.http}${path}`);
    expect(res?.status()).toBe(200);
    await page.waitForFunction(() => document.getElementById('conn')?.textContent === 'live', undefined, { timeout: 10_000 });
    return { page, problems };
  }

  beforeAll(async () => {
    browser = await chromium.launch(CHROMIUM);
  }, 60_000);
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await Promise.all(contexts.splice(0).map((c) => c.close()));
    await t?.close();
    t = undefined;
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('loads with no console errors, shows health and stats, and is small and self-contained', async () => {
    const app = await start();
    const requests: string[] = [];
    const { page, problems } = await openDashboard(app);
    page.on('request', (r) => requests.push(r.url()));
    await page.waitForFunction(() => document.getElementById('health')?.textContent === 'healthy');
    await page.waitForFunction(() => document.querySelectorAll('#config-body tr').length > 20);
    expect(await page.textContent('#active')).toBe('0');
    await sleep(1500);
    expect(requests.length).toBeGreaterThan(0);
    for (const url of requests) expect(url.startsWith(app.http + '/')).toBe(true);
    expect(problems).toEqual([]);
    const html = await (await fetch(`${app.http}/ws-admin`)).text();
    expect(Buffer.byteLength(html)).toBeLessThan(64 * 1024);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet|https?:\/\//);
  });

  it('shows a client that connects within 3 s, and its counters move when it sends', async () => {
    const app = await start();
    const { page, problems } = await openDashboard(app);
    const alice = await connect(app, '/ws/alice');
    await page.waitForSelector('tr[data-client-id="alice"]', { timeout: 3000 });
    expect(await rowText(page, 'alice', 1)).toBe('named');
    expect(await rowText(page, 'alice', 5)).toBe('0');
    for (let i = 0; i < 4; i++) await alice.request({ type: 'echo', content: i });
    await page.waitForFunction(() => document.querySelector('tr[data-client-id="alice"]')?.children[5]?.textContent === '4', undefined, {
      timeout: 5000,
    });
    await page.waitForFunction(() => document.getElementById('active')?.textContent === '1');
    expect(problems).toEqual([]);
  });

  it('Disconnect asks for confirmation and closes that client with 4000', async () => {
    const app = await start();
    const { page, problems } = await openDashboard(app);
    const bob = await connect(app, '/ws/bob');
    const carol = await connect(app, '/ws/carol');
    await page.waitForSelector('tr[data-client-id="bob"]');
    let confirmed = '';
    page.once('dialog', (d) => {
      confirmed = d.message();
    });
    await page.click('tr[data-client-id="bob"] button.disconnect');
    expect(await bob.closed).toEqual({ code: 4000, reason: 'server_disconnect' });
    expect(confirmed).toContain('Disconnect client "bob"');
    await page.waitForSelector('tr[data-client-id="bob"]', { state: 'detached', timeout: 5000 });
    expect(carol.socket.readyState).toBe(carol.socket.OPEN);
    expect(problems).toEqual([]);
  });

  it('the Send form delivers to one client, a topic and everyone, and shows the result', async () => {
    const app = await start();
    const { page, problems } = await openDashboard(app);
    const dave = await connect(app, '/ws/dave');
    const erin = await connect(app, '/ws/erin');
    erin.send({ type: 'system.subscribe', content: { topic: 'ops' } });
    await erin.next('system.subscribed');

    await page.selectOption('#send-target', 'client');
    await page.fill('#send-to', 'dave');
    await page.fill('#send-type', 'admin_message');
    await page.fill('#send-content', '{"text":"hello dave"}');
    await page.check('#send-content-json');
    await page.fill('#send-meta', '{"level":"warning"}');
    await page.click('#send-button');
    expect(await dave.next('admin_message')).toMatchObject({ content: { text: 'hello dave' }, meta: { level: 'warning' } });
    await page.waitForFunction(() => document.getElementById('send-result')?.textContent?.startsWith('202 Message queued for client dave'));

    await page.selectOption('#send-target', 'topic');
    await page.fill('#send-to', 'ops');
    await page.uncheck('#send-content-json');
    await page.fill('#send-content', 'to the ops topic');
    await page.fill('#send-meta', '');
    await page.click('#send-button');
    expect((await erin.next('admin_message')).content).toBe('to the ops topic');

    await page.selectOption('#send-target', 'all');
    await page.fill('#send-content', HOSTILE);
    await page.click('#send-button');
    expect((await dave.next((m) => m.type === 'admin_message' && m.content === HOSTILE)).content).toBe(HOSTILE);
    expect((await erin.next((m) => m.type === 'admin_message' && m.content === HOSTILE)).content).toBe(HOSTILE);
    expect(dave.ofType('admin_message').map((m) => m.content)).not.toContain('to the ops topic');

    await page.selectOption('#send-target', 'client');
    await page.fill('#send-to', 'nobody');
    await page.click('#send-button');
    await page.waitForFunction(() => document.getElementById('send-result')?.textContent === '404 Client "nobody" is not connected.');
    // The browser itself logs the 404 answer; nothing else may appear.
    expect(problems).toEqual(['console: Failed to load resource: the server responded with a status of 404 (Not Found)']);
  });

  it('Protocol view: every message type with its direction, schema and example, hostile descriptions shown as text', async () => {
    t = await createTestApp({ rateLimitConnectionsPerWindow: 1000 }, { providers: [DemoHandlers, HostileDocs] });
    const { page, problems } = await openDashboard(t);
    await page.waitForSelector('#protocol-body tr[data-type="note.add"]');
    const [asked] = await protocolRow(page, 'note.add', 'in');
    expect(asked!.slice(0, 3)).toEqual(['note.add', 'client → server', HOSTILE]);
    expect(JSON.parse(asked![3]!)).toEqual({
      content: { type: 'object', properties: { title: { type: 'string', maxLength: 20 } }, required: ['title'] },
    });
    expect(JSON.parse(asked![4]!)).toEqual({ type: 'note.add', content: { title: HOSTILE } });
    expect((await protocolRow(page, 'note.added', 'out'))[0]!.slice(1, 3)).toEqual(['server → client, reply to note.add', HOSTILE]);
    expect((await protocolRow(page, 'note.seen', 'out'))[0]!.slice(1, 3)).toEqual(['server → client', HOSTILE]);
    for (const type of ['echo', 'chat.message', 'system.subscribe']) expect(await protocolRow(page, type, 'in')).toHaveLength(1);
    for (const type of ['system.error', 'system.client_connected', 'tasks_worker.logs'])
      expect(await protocolRow(page, type, 'out')).toHaveLength(1);
    const link = await page.getAttribute('#protocol-json', 'href');
    expect(link).toBe('/ws/asyncapi.json');
    expect((await page.request.get(`${t.http}${link}`)).status()).toBe(200);
    expect(await page.evaluate(() => document.querySelectorAll('main img, main script').length)).toBe(0);
    expect(problems).toEqual([]);
  });

  it('renders a hostile user agent as literal text: no element is created and no script runs', async () => {
    const app = await start();
    const { page, problems } = await openDashboard(app);
    await connect(app, '/ws/mallory', HOSTILE);
    await page.waitForSelector('tr[data-client-id="mallory"]');
    expect(await rowText(page, 'mallory', 3)).toBe(HOSTILE);
    await page.fill('#client-search', 'onerror');
    await page.waitForFunction(() => document.getElementById('page-info')?.textContent?.includes('of 1 matching'));
    await sleep(1200);
    expect(await page.evaluate(() => document.querySelectorAll('main img, main script').length)).toBe(0);
    expect(problems).toEqual([]);
  });

  it('lists topics with subscribers, offset and messages kept, and updates them as clients come and go', async () => {
    const app = await start({ topics: [{ pattern: 'chat:*', history: { size: 3, ttlSeconds: 60 } }] });
    const { page, problems } = await openDashboard(app);
    const topicCell = (topic: string, col: number) =>
      page.evaluate(([name, c]) => document.querySelector(`tr[data-topic="${name}"]`)?.children[c as number]?.textContent ?? null, [
        topic,
        col,
      ] as const);
    await page.waitForFunction(() => document.getElementById('topics-empty')?.hidden === false);
    const a = await connect(app, '/ws/t-a');
    const b = await connect(app, '/ws/t-b');
    for (const c of [a, b]) await c.request({ type: 'system.subscribe', content: { topic: 'chat:room' } });
    await a.request({ type: 'system.subscribe', content: { topic: 'plain/news' } });
    const broadcast = app.app.get(BroadcastService);
    for (let i = 0; i < 5; i++) broadcast.publish('chat:room', { type: 'msg', content: i });
    await page.waitForFunction(() => document.querySelector('tr[data-topic="chat:room"]')?.children[2]?.textContent === '5', undefined, {
      timeout: 3000,
    });
    expect(await topicCell('chat:room', 1)).toBe('2');
    expect(await topicCell('chat:room', 3)).toBe('3');
    expect(await topicCell('chat:room', 4)).toMatch(/^[0-9a-z]{8}$/);
    expect(await topicCell('plain/news', 1)).toBe('1');
    expect(await topicCell('plain/news', 2)).toBe('—');
    expect(await topicCell('plain/news', 4)).toBe('no history');
    expect(await page.textContent('#topics-sub')).toBe('2 with subscribers, 1 with history');
    a.close();
    await page.waitForSelector('tr[data-topic="plain/news"]', { state: 'detached', timeout: 3000 });
    await page.waitForFunction(() => document.querySelector('tr[data-topic="chat:room"]')?.children[1]?.textContent === '1');
    expect(problems).toEqual([]);
  });

  it("shows a topic's members when its row is clicked, with their users and info as text", async () => {
    const app = await start({
      authenticate: (request: { url?: string }) => ({
        userId: new URL(request.url ?? '/', 'http://x').searchParams.get('user') ?? undefined,
      }),
      topics: [{ pattern: 'room:*', presence: true }],
      presenceInfo: () => ({ name: HOSTILE }),
    });
    const { page, problems } = await openDashboard(app);
    for (const user of ['ann', 'ann', 'ben']) {
      const client = await connect(app, `/ws?user=${user}`);
      await client.request({ type: 'system.subscribe', content: { topic: 'room:lobby' } });
    }
    await page.waitForSelector('tr[data-topic="room:lobby"]', { timeout: 3000 });
    await page.click('tr[data-topic="room:lobby"]');
    await page.waitForFunction(() => document.querySelectorAll('#presence-body tr').length === 3, undefined, { timeout: 3000 });
    expect(await page.textContent('#presence-sub')).toBe('3 members · 2 users');
    const rows = await page.evaluate(() =>
      Array.from(document.querySelectorAll('#presence-body tr'), (tr) => Array.from(tr.children, (td) => td.textContent).slice(0, 4)),
    );
    expect(rows.map((r) => r.slice(1, 3)).toSorted()).toEqual([
      ['ann', 'local'],
      ['ann', 'local'],
      ['ben', 'local'],
    ]);
    expect(rows[0][3]).toBe(JSON.stringify({ name: HOSTILE }));
    // The clients table shows each one's user.
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('#clients-body tr')).some((tr) => tr.children[12]?.textContent === 'ben'),
    );
    await page.fill('#presence-topic', 'plain');
    await page.click('#presence-form button');
    await page.waitForFunction(() => document.getElementById('presence-sub')?.textContent === 'no presence on this topic');
    expect(await page.evaluate(() => document.querySelectorAll('main img, main script').length)).toBe(0);
    // The 404 of the topic without presence is the browser's own log line of that answer, nothing else.
    expect(problems.filter((p) => !p.includes('status of 404'))).toEqual([]);
  });

  it('renders hostile topic names from the API as literal text', async () => {
    const app = await start();
    // Valid topic names cannot hold markup; the page must not trust the API for that, so the answer is forged here.
    const forged = { topics: [{ topic: HOSTILE, subscribers: 1, history: { epoch: '<b>e</b>', offset: 1, size: 1 } }], total: 1 };
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    contexts.push(context);
    const page = await context.newPage();
    const problems = recordPageProblems(page);
    await page.route('**/ws/topics', (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(forged) }),
    );
    await page.goto(`${app.http}/ws-admin`);
    await page.waitForFunction(() => document.querySelectorAll('#topics-body tr').length === 1, undefined, { timeout: 5000 });
    await sleep(1200);
    const row = await page.evaluate(() =>
      [...(document.querySelectorAll('#topics-body td') as unknown as PageElement[])].map((td) => td.textContent),
    );
    expect(row).toEqual([HOSTILE, '1', '1', '1', '<b>e</b>', '—']);
    expect(await page.evaluate(() => document.querySelectorAll('main img, main script, #topics-body b').length)).toBe(0);
    expect(problems).toEqual([]);
  });

  it('pages, searches and sorts the client table on the server', async () => {
    const app = await start();
    for (let i = 0; i < 30; i++) await connect(app, `/ws/user-${String(i).padStart(2, '0')}`);
    const { page, problems } = await openDashboard(app);
    await page.waitForFunction(() => document.getElementById('page-info')?.textContent === '1–25 of 30');
    await page.click('#next');
    await page.waitForFunction(() => document.getElementById('page-info')?.textContent === '26–30 of 30');
    await page.click('th[data-sort="client_id"]');
    await page.click('th[data-sort="client_id"]');
    await page.waitForFunction(() => document.querySelector('#clients-body tr')?.getAttribute('data-client-id') === 'user-29');
    await page.fill('#client-search', 'user-1');
    await page.waitForFunction(() => document.getElementById('page-info')?.textContent === '1–10 of 10 matching');
    expect(problems).toEqual([]);
  });

  it('finds the API under a global prefix and custom admin paths', async () => {
    const app = await start({ adminPrefix: '/ops', adminPagePath: '/dashboard' }, (nest) => nest.setGlobalPrefix('api'));
    const { page, problems } = await openDashboard(app, 1400, 1000, '/api/ops/dashboard');
    await connect(app, '/ws/frank');
    await page.waitForSelector('tr[data-client-id="frank"]', { timeout: 3000 });
    expect(problems).toEqual([]);
  });

  it('shows "disconnected" when the server stops', async () => {
    const app = await start();
    const { page } = await openDashboard(app);
    await app.close();
    await page.waitForFunction(() => document.getElementById('conn')?.textContent === 'disconnected', undefined, { timeout: 10_000 });
  });

  it('takes a screenshot of the populated dashboard', async () => {
    const app = await start({ rateLimitMessagesPerWindow: 30, rateLimitBurstMultiplier: 1, rateLimitDisconnectAfter: 1000 });
    const { page, problems } = await openDashboard(app, 1440, 1150);
    const agents = [
      'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0',
      'Mozilla/5.0 (Macintosh) Safari/17.4',
      'python-websockets/12.0',
      'okhttp/4.12',
    ];
    const named = ['alice', 'bob', 'dashboard-7', 'worker:eu-1', 'mobile-42'];
    const all: WsTestClient[] = [];
    for (const [i, id] of named.entries()) all.push(await connect(app, `/ws/${id}`, agents[i % agents.length]));
    for (let i = 0; i < 3; i++) all.push(await connect(app, '/ws', agents[(i + 2) % agents.length]));
    all[0].send({ type: 'system.subscribe', content: { topic: 'room-1' } });
    all[3].send({ type: 'system.subscribe', content: { topic: 'room-1' } });
    for (let round = 0; round < 12; round++) {
      for (const [i, c] of all.entries()) for (let k = 0; k <= (i + round) % 3; k++) c.send({ type: 'echo', content: round });
      await sleep(500);
    }
    // One noisy client trips the rate limit, so the rate-limit panels have something to show.
    for (let i = 0; i < 35; i++) all[4].send({ type: 'chat.message', content: i });
    await page.waitForFunction(() => Number(document.getElementById('ratelimit')?.textContent) > 0, undefined, { timeout: 10_000 });
    await page.waitForFunction(() => document.querySelectorAll('#clients-body tr').length === 8);
    await sleep(1200);
    const png = await page.screenshot({ fullPage: false });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(20_000);
    if (process.env.WST_UPDATE_SCREENSHOTS === '1') {
      await mkdir(new URL('.', SCREENSHOT), { recursive: true });
      await writeFile(SCREENSHOT, png);
    }
    expect(problems).toEqual([]);
  });
});
