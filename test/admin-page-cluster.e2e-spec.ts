import { Redis } from 'ioredis';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CLUSTER_SKIP_NOTE,
  NODE_DEFAULTS,
  redisServerInstalled,
  startCluster,
  TestRedisServer,
  uniquePrefix,
  type ClusterNode,
} from './fixtures/cluster.fixture.js';
import { CHROMIUM, recordPageProblems } from './utils/chromium.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { sleep, WsTestClient } from './utils/ws-test-client.js';

/** The few DOM calls the in-page checks use (this build has no DOM types). */
interface PageElement {
  textContent: string | null;
  className: string;
  hidden: boolean;
  children: ArrayLike<PageElement>;
  getAttribute(name: string): string | null;
}
declare const document: {
  getElementById(id: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
};

/** Every row of a table body as the texts of its cells (the action cell included). */
const tableRows = (page: Page, bodyId: string): Promise<string[][]> =>
  page.evaluate(
    (id) => Array.from(document.querySelectorAll(`#${id} tr`), (tr) => Array.from(tr.children, (td) => td.textContent ?? '')),
    bodyId,
  );

/**
 * The dashboard of a cluster: two in-process nodes on a redis-server this
 * file starts on a spare port (the machine's shared Redis is never touched).
 */
describe('admin dashboard page in Chromium: cluster mode', () => {
  let installed = false;
  let redis: TestRedisServer | null = null;
  let browser: Browser;
  let nodes: ClusterNode[] = [];
  let single: TestApp | undefined;
  let inspector: Redis | null = null;
  const contexts: BrowserContext[] = [];
  const clients: WsTestClient[] = [];

  const connect = async (base: string, clientId = ''): Promise<WsTestClient> => {
    const client = await WsTestClient.connect(`${base}/ws${clientId ? '/' + clientId : ''}`);
    clients.push(client);
    return client;
  };

  /** Opens the dashboard and records console errors, page errors and dialogs other than confirmations. */
  async function openDashboard(http: string): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    contexts.push(context);
    const page = await context.newPage();
    const problems = recordPageProblems(page);
    const res = await page.goto(`${http}/ws-admin`);
    expect(res?.status()).toBe(200);
    await page.waitForFunction(() => document.getElementById('conn')?.textContent === 'live', undefined, { timeout: 10_000 });
    return { page, problems };
  }

  beforeAll(async () => {
    browser = await chromium.launch(CHROMIUM);
    installed = redisServerInstalled();
    if (!installed) {
      if (process.env.CI) throw new Error(`${CLUSTER_SKIP_NOTE} In CI these tests must run.`);
      return;
    }
    redis = await TestRedisServer.start();
  }, 60_000);

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await Promise.all(contexts.splice(0).map((c) => c.close()));
    await Promise.all(nodes.map((n) => n.close()));
    nodes = [];
    await single?.close();
    single = undefined;
    inspector?.disconnect();
    inspector = null;
  });

  afterAll(async () => {
    await browser?.close();
    await redis?.kill();
  });

  it('shows each client with its node, sorts by node, and summarizes the nodes, one that does not answer included', async (ctx) => {
    ctx.skip(!installed, CLUSTER_SKIP_NOTE);
    const server = redis as TestRedisServer;
    const prefix = uniquePrefix('page');
    // A short request timeout: the page polls every second, also while a node does not answer.
    nodes = await startCluster(server.url, prefix, 2, {}, { requestTimeoutSeconds: 0.5 });
    const [n1, n2] = nodes;
    await connect(n1.ws, 'pc-a1');
    await connect(n1.ws, 'pc-a2');
    const b1 = await connect(n2.ws, 'pc-b1');
    await connect(n2.ws);

    const { page, problems } = await openDashboard(n1.http);
    await page.waitForFunction(() => document.querySelectorAll('#clients-body tr').length === 4, undefined, { timeout: 5000 });
    expect(await page.evaluate(() => document.getElementById('node-head')?.hidden)).toBe(false);
    const rows = await tableRows(page, 'clients-body');
    // Client, Node, Type, ...: the Node column sits after the client id and the other columns follow.
    const byClient = new Map(rows.map((cells) => [cells[0], cells]));
    expect(byClient.get('pc-a1')?.slice(1, 3)).toEqual([n1.nodeId, 'named']);
    expect(byClient.get('pc-a2')?.slice(1, 3)).toEqual([n1.nodeId, 'named']);
    expect(byClient.get('pc-b1')?.slice(1, 3)).toEqual([n2.nodeId, 'named']);
    const anonymous = rows.find((cells) => cells[2] === 'anonymous') as string[];
    expect(anonymous[1]).toBe(n2.nodeId);
    // The health score keeps its colour in its new place.
    expect(await page.evaluate(() => document.querySelectorAll('#clients-body tr')[0].children[9].className)).toMatch(/^num score-/);

    // Sorted on the server by node, then by client id within a node.
    const byNode = (order: 'asc' | 'desc') =>
      rows
        .map((cells) => [cells[1], cells[0]])
        .toSorted((a, b) => (a[0] + '\n' + a[1] < b[0] + '\n' + b[1] ? -1 : 1) * (order === 'asc' ? 1 : -1))
        .map(([, id]) => id);
    const clientOrder = () =>
      page.evaluate(() => Array.from(document.querySelectorAll('#clients-body tr'), (tr) => tr.getAttribute('data-client-id')));
    await page.click('#node-head');
    await page.waitForFunction(() => document.getElementById('node-head')?.textContent === 'Node ▲');
    await expect.poll(clientOrder, { timeout: 5000 }).toEqual(byNode('asc'));
    await page.click('#node-head');
    await expect.poll(clientOrder, { timeout: 5000 }).toEqual(byNode('desc'));

    // One row per node: its id, its connections, its health, its link to Redis, and whether it answers.
    const expected = [
      [`${n1.nodeId} (this node)`, '2', 'healthy', 'up', 'yes'],
      [n2.nodeId, '2', 'healthy', 'up', 'yes'],
    ].toSorted((a, b) => (a[0] < b[0] ? -1 : 1));
    await expect.poll(() => tableRows(page, 'nodes-body'), { timeout: 5000 }).toEqual(expected);
    expect(await page.evaluate(() => document.getElementById('nodes')?.hidden)).toBe(false);
    expect(await page.textContent('#nodes-sub')).toContain('2 of 2 answer');
    expect(await page.textContent('#active')).toBe('4');

    // A node that is live in Redis but answers nothing (as a hung process would) shows as such.
    inspector = new Redis(server.url);
    await inspector.zadd(`${prefix}:nodes`, Date.now() + 120_000, `${prefix}-ghost`);
    await expect
      .poll(() => tableRows(page, 'nodes-body'), { timeout: 10_000 })
      .toEqual([...expected, [`${prefix}-ghost`, '–', '–', '–', 'no answer']].toSorted((a, b) => (a[0] < b[0] ? -1 : 1)));
    await page.waitForFunction(() => document.getElementById('nodes-sub')?.textContent?.includes('2 of 3 answer'));
    await page.waitForFunction(() => document.getElementById('clients-summary')?.textContent?.includes('-ghost missing (no answer)'));
    await inspector.zrem(`${prefix}:nodes`, `${prefix}-ghost`);
    await page.waitForFunction(() => document.querySelectorAll('#nodes-body tr').length === 2, undefined, { timeout: 10_000 });

    // Disconnect from node 1's page closes a client of node 2.
    await page.click('tr[data-client-id="pc-b1"] button.disconnect');
    expect(await b1.closed).toEqual({ code: 4000, reason: 'server_disconnect' });
    await page.waitForSelector('tr[data-client-id="pc-b1"]', { state: 'detached', timeout: 5000 });
    await expect.poll(() => tableRows(page, 'nodes-body'), { timeout: 5000 }).toContainEqual([n2.nodeId, '1', 'healthy', 'up', 'yes']);
    expect(problems).toEqual([]);
  }, 60_000);

  it('a single-node page shows no Node column and no Nodes section', async () => {
    single = await createTestApp({ ...NODE_DEFAULTS });
    await connect(single.ws, 'solo');
    const { page, problems } = await openDashboard(single.http);
    await page.waitForSelector('tr[data-client-id="solo"]', { timeout: 3000 });
    // Two more polls: nothing turns cluster mode on later.
    await sleep(2200);
    const [row] = await tableRows(page, 'clients-body');
    expect(row.slice(0, 3)).toEqual(['solo', 'named', '127.0.0.1']);
    // Thirteen columns (the User column last, empty without a user) and the Disconnect cell: no Node column.
    expect(row).toHaveLength(14);
    expect(row[12]).toBe('');
    expect(await page.evaluate(() => document.getElementById('node-head')?.hidden)).toBe(true);
    expect(await page.evaluate(() => document.getElementById('nodes')?.hidden)).toBe(true);
    expect(await page.evaluate(() => document.querySelectorAll('#nodes-body tr').length)).toBe(0);
    expect(problems).toEqual([]);
  });
});
