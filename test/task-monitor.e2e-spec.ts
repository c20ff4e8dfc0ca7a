import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskMonitor, TaskMessageType, type WebSocketToolModuleOptions } from '@websocket-tool/nestjs';
import type { IncomingMessage } from 'node:http';
import { ReportJobsModule } from '../apps/sample/src/jobs/index.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { WsTestClient, sleep, type Envelope } from './utils/ws-test-client.js';

const LIMITS = { rateLimitConnectionsPerWindow: 1000, rateLimitMessagesPerWindow: 10_000 } as const;

/** The task events a client received for one task, in arrival order. */
const eventsOf = (client: WsTestClient, taskId: string): Envelope[] =>
  client.messages.filter((m) => m.type.startsWith('tasks_worker.') && m.meta?.task_id === taskId);

/** A round trip: everything queued for the client before it has arrived once this resolves. */
const barrier = (client: WsTestClient) => client.request({ type: 'system.ping' });

async function subscribe(client: WsTestClient, topic: string): Promise<void> {
  const ack = await client.request({ type: 'system.subscribe', content: { topic } });
  expect(ack.type).toBe('system.subscribed');
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const isDone = (taskId: string) => (m: Envelope) =>
  (m.type === TaskMessageType.Success || m.type === TaskMessageType.Failed) && m.meta?.task_id === taskId;

describe('TaskMonitor: who gets task events, in what order', () => {
  let t: TestApp;
  let tasks: TaskMonitor;
  const open: WsTestClient[] = [];
  const connect = async (path: string) => {
    const client = await WsTestClient.connect(`${t.ws}${path}`);
    open.push(client);
    return client;
  };

  beforeAll(async () => {
    t = await createTestApp({ ...LIMITS });
    tasks = t.app.get(TaskMonitor);
  });
  afterAll(async () => {
    open.forEach((c) => c.close());
    await t.close();
  });

  it('only the subscriber and the owner get the events, each once and in order', async () => {
    const sub = await connect('/ws/tm-sub');
    const owner = await connect('/ws/tm-owner');
    const bystander = await connect('/ws/tm-bystander');
    await subscribe(sub, 'task:report-1');

    tasks.start('report-1', { name: 'Monthly report', owner: 'tm-owner' });
    expect(tasks.progress('report-1', 25, 'Collecting')).toBe(true);
    tasks.log('report-1', 'info', 'line 1');
    tasks.log('report-1', 'warn', 'careful');
    tasks.progress('report-1', 100);
    tasks.succeed('report-1', { rows: 3 });

    for (const client of [sub, owner]) {
      await client.next(isDone('report-1'));
      const events = eventsOf(client, 'report-1');
      expect(events.map((e) => e.type)).toEqual([
        'tasks_worker.task_started',
        'tasks_worker.task_progress',
        'tasks_worker.logs',
        'tasks_worker.logs',
        'tasks_worker.task_progress',
        'tasks_worker.task_success',
      ]);
      expect(events.map((e) => e.meta.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(events[0]).toMatchObject({ content: 'Monthly report', meta: { task_id: 'report-1', name: 'Monthly report' } });
      expect(events[1]).toMatchObject({ content: 'Collecting', meta: { task_id: 'report-1', percent: 25 } });
      expect(events[2]).toMatchObject({ content: 'line 1', meta: { task_id: 'report-1', level: 'INFO' } });
      expect(events[3]).toMatchObject({ content: 'careful', meta: { level: 'WARNING' } });
      expect(events[5]).toMatchObject({
        content: '[END OF LOG]',
        meta: { event: '__TASK_DONE__', task_id: 'report-1', result: { rows: 3 } },
      });
      expect(events.some((e) => 'history' in e.meta)).toBe(false);
      expect(events.every((e) => e.timestamp.endsWith('Z'))).toBe(true);
    }
    await barrier(bystander);
    expect(bystander.messages.filter((m) => m.type.startsWith('tasks_worker.'))).toEqual([]);
    expect(tasks.get('report-1')).toMatchObject({ state: 'succeeded', percent: 100, seq: 6, name: 'Monthly report' });
  });

  it('a late subscriber gets the history first, then live events, with no gap and no duplicate', async () => {
    tasks.start('late-1', { name: 'Import' });
    for (let i = 1; i <= 5; i++) tasks.log('late-1', 'info', `before ${i}`);
    const late = await connect('/ws/tm-late');
    await subscribe(late, 'task:late-1');
    const history = eventsOf(late, 'late-1');
    expect(history.map((e) => e.meta.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(history.every((e) => e.meta.history === true)).toBe(true);

    tasks.log('late-1', 'info', 'live 1');
    tasks.progress('late-1', 50);
    tasks.succeed('late-1');
    await late.next(isDone('late-1'));
    const all = eventsOf(late, 'late-1');
    expect(all.map((e) => e.meta.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(all.slice(6).map((e) => e.meta.history)).toEqual([undefined, undefined, undefined]);
    expect(all[6].content).toBe('live 1');

    // After the end, a subscriber still gets the whole story until retention runs out.
    const after = await connect('/ws/tm-after');
    await subscribe(after, 'task:late-1');
    expect(eventsOf(after, 'late-1').map((e) => e.meta.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('an owner who subscribes after getting events directly gets no duplicates; a reconnect replays what it missed', async () => {
    const owner = await connect('/ws/tm-own2');
    tasks.start('own-1', { owner: { clientId: 'tm-own2' } });
    tasks.log('own-1', 'info', 'first');
    await owner.next((m) => m.meta?.task_id === 'own-1' && m.content === 'first');
    await subscribe(owner, 'task:own-1');
    tasks.log('own-1', 'info', 'second');
    tasks.succeed('own-1');
    await owner.next(isDone('own-1'));
    expect(eventsOf(owner, 'own-1').map((e) => e.meta.seq)).toEqual([1, 2, 3, 4]);

    // A new connection of the same client (a reconnect) gets the whole history on subscribing.
    owner.close();
    await owner.closed;
    const again = await connect('/ws/tm-own2');
    await subscribe(again, 'task:own-1');
    expect(eventsOf(again, 'own-1').map((e) => e.meta.seq)).toEqual([1, 2, 3, 4]);
  });

  it('a failing task sends task_failed with the message only, never the stack', async () => {
    const sub = await connect('/ws/tm-fail');
    await subscribe(sub, 'task:fail-1');
    const outcome = await tasks.track(
      'fail-1',
      async (task) => {
        task.progress(10, 'Starting');
        task.logger.error(new Error('database is down'));
        throw new Error('boom');
      },
      { name: 'Doomed' },
    );
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect((outcome.error as Error).message).toBe('boom');

    const failed = await sub.next(isDone('fail-1'));
    expect(failed).toMatchObject({ type: 'tasks_worker.task_failed', content: 'boom', meta: { task_id: 'fail-1', error: 'boom' } });
    const events = eventsOf(sub, 'fail-1');
    expect(events.map((e) => e.type)).toEqual([
      'tasks_worker.task_started',
      'tasks_worker.task_progress',
      'tasks_worker.logs',
      'tasks_worker.task_failed',
    ]);
    expect(events[2]).toMatchObject({ content: 'Error: database is down', meta: { level: 'ERROR' } });
    expect(JSON.stringify(events)).not.toMatch(/\n\s+at /);
    expect(tasks.get('fail-1')).toMatchObject({ state: 'failed', error: 'boom' });

    // A finished task takes no more events.
    expect(tasks.progress('fail-1', 90)).toBe(false);
    expect(tasks.succeed('fail-1')).toBe(false);
    await barrier(sub);
    expect(eventsOf(sub, 'fail-1')).toHaveLength(4);
  });

  it('track() reports a success with the returned value', async () => {
    const sub = await connect('/ws/tm-track');
    await subscribe(sub, 'task:track-1');
    const outcome = await tasks.track('track-1', async (task) => {
      task.progress(50);
      task.log('debug', { step: 'half' });
      return 'done';
    });
    expect(outcome).toEqual({ ok: true, result: 'done' });
    await sub.next(isDone('track-1'));
    const events = eventsOf(sub, 'track-1');
    expect(events.map((e) => e.type)).toEqual([
      'tasks_worker.task_started',
      'tasks_worker.task_progress',
      'tasks_worker.logs',
      'tasks_worker.task_success',
    ]);
    expect(events[2]).toMatchObject({ content: '{"step":"half"}', meta: { level: 'DEBUG' } });
    expect(events[3].meta.result).toBe('done');
  });

  it('bad input gets a clear answer and hurts nothing', async () => {
    expect(() => tasks.start('has space')).toThrow(/Task id "has space" is invalid/);
    expect(() => tasks.track('x'.repeat(300), async () => 1)).toThrow(TypeError);
    expect(() => tasks.progress('bad-1', Number.NaN)).toThrow(/Task progress NaN is invalid/);
    expect(() => tasks.start('bad-2', { owner: { nobody: 1 } as never })).toThrow(/Task owner \(a value of type object\) is invalid/);
    expect(tasks.get('bad-1')).toBeUndefined();

    const sub = await connect('/ws/tm-bad');
    await subscribe(sub, 'task:bad-3');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    tasks.start('bad-3');
    tasks.log('bad-3', 'info', 'x'.repeat(20_000));
    tasks.log('bad-3', 'no-such-level', cyclic);
    tasks.succeed('bad-3', cyclic);
    await sub.next(isDone('bad-3'));
    const events = eventsOf(sub, 'bad-3');
    expect((events[1].content as string).length).toBe(8192);
    expect(events[1].content).toMatch(/ \[truncated\]$/);
    expect(events[2].meta.level).toBe('INFO');
    expect(events[3].meta).not.toHaveProperty('result');
  });
});

describe('TaskMonitor: bounded history and memory', () => {
  let t: TestApp;
  let tasks: TaskMonitor;

  beforeAll(async () => {
    t = await createTestApp({ ...LIMITS, taskHistorySize: 3, maxTrackedTasks: 3 });
    tasks = t.app.get(TaskMonitor);
  });
  afterAll(() => t.close());

  it('keeps the last N events, plus the start and the latest progress', async () => {
    tasks.start('long-1', { name: 'Long' });
    tasks.progress('long-1', 10);
    for (let i = 1; i <= 10; i++) tasks.log('long-1', 'info', `line ${i}`);
    const late = await WsTestClient.connect(`${t.ws}/ws/bh-late`);
    await subscribe(late, 'task:long-1');
    const history = eventsOf(late, 'long-1');
    expect(history.map((e) => e.meta.seq)).toEqual([1, 2, 10, 11, 12]);
    expect(history.map((e) => e.content)).toEqual(['Long', null, 'line 8', 'line 9', 'line 10']);
    late.close();
  });

  it('past maxTrackedTasks the oldest finished task is forgotten first', () => {
    // long-1 is still running; two finished tasks join it.
    tasks.start('done-a');
    tasks.succeed('done-a');
    tasks.start('done-b');
    tasks.succeed('done-b');
    tasks.start('new-c');
    expect(tasks.list().map((s) => s.taskId)).toEqual(['long-1', 'done-b', 'new-c']);
    tasks.start('new-d');
    expect(tasks.list().map((s) => s.taskId)).toEqual(['long-1', 'new-c', 'new-d']);
    // With only running tasks left, the oldest one makes room.
    tasks.start('new-e');
    expect(tasks.list().map((s) => s.taskId)).toEqual(['new-c', 'new-d', 'new-e']);
  });
});

describe('TaskMonitor: retention', () => {
  let t: TestApp;
  let tasks: TaskMonitor;

  beforeAll(async () => {
    t = await createTestApp({ ...LIMITS, taskRetention: 0.3 });
    tasks = t.app.get(TaskMonitor);
  });
  afterAll(() => t.close());

  it('forgets a finished task after the retention period, and only finished ones', async () => {
    tasks.start('kept-running');
    tasks.start('short-1');
    const finishedAt = Date.now();
    tasks.succeed('short-1');
    expect(tasks.get('short-1')?.state).toBe('succeeded');
    await waitFor(() => tasks.get('short-1') === undefined, 'the finished task to be forgotten');
    expect(Date.now() - finishedAt).toBeGreaterThanOrEqual(300);
    expect(tasks.get('kept-running')?.state).toBe('running');

    const late = await WsTestClient.connect(`${t.ws}/ws/ret-late`);
    await subscribe(late, 'task:short-1');
    await barrier(late);
    expect(eventsOf(late, 'short-1')).toEqual([]);
    late.close();
  });
});

describe('TaskMonitor: audiences', () => {
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  it("with taskEventsAudience 'all', every client gets every task event, as in the original", async () => {
    const t = await createTestApp({ ...LIMITS, taskEventsAudience: 'all' });
    apps.push(t);
    const tasks = t.app.get(TaskMonitor);
    const a = await WsTestClient.connect(`${t.ws}/ws/all-a`);
    const b = await WsTestClient.connect(`${t.ws}/ws/all-b`);
    tasks.start('all-1');
    tasks.succeed('all-1');
    for (const client of [a, b]) {
      await client.next(isDone('all-1'));
      expect(eventsOf(client, 'all-1').map((e) => e.type)).toEqual(['tasks_worker.task_started', 'tasks_worker.task_success']);
    }
    a.close();
    b.close();
  });

  it('an owner given as { userId } reaches every connection of that user, and no one else', async () => {
    const options: WebSocketToolModuleOptions = {
      ...LIMITS,
      authenticate: (request: IncomingMessage) => {
        const user = new URL(request.url ?? '/', 'http://localhost').searchParams.get('user');
        return user ? { userId: user } : null;
      },
    };
    const t = await createTestApp(options);
    apps.push(t);
    const tasks = t.app.get(TaskMonitor);
    const tab1 = await WsTestClient.connect(`${t.ws}/ws?user=alice`);
    const tab2 = await WsTestClient.connect(`${t.ws}/ws?user=alice`);
    const bob = await WsTestClient.connect(`${t.ws}/ws?user=bob`);
    tasks.start('user-1', { name: 'Alice export', owner: { userId: 'alice' } });
    tasks.progress('user-1', 40);
    tasks.fail('user-1', 'disk full');
    for (const tab of [tab1, tab2]) {
      await tab.next(isDone('user-1'));
      expect(eventsOf(tab, 'user-1').map((e) => e.meta.seq)).toEqual([1, 2, 3]);
    }
    await barrier(bob);
    expect(eventsOf(bob, 'user-1')).toEqual([]);
    [tab1, tab2, bob].forEach((c) => c.close());
  });
});

describe('TaskMonitor: settings', () => {
  it('refuses a bad FP_WST_TASK_EVENTS_AUDIENCE at boot, naming it', async () => {
    process.env.FP_WST_TASK_EVENTS_AUDIENCE = 'everyone';
    try {
      await expect(createTestApp()).rejects.toThrow(/FP_WST_TASK_EVENTS_AUDIENCE="everyone" is invalid: it must be 'subscribers' or 'all'/);
    } finally {
      delete process.env.FP_WST_TASK_EVENTS_AUDIENCE;
    }
  });

  it('refuses a bad taskMonitor option at boot, without showing a password', async () => {
    await expect(createTestApp({ taskMonitor: { bullmq: { queues: [], connection: { host: '127.0.0.1' } } } })).rejects.toThrow(
      /option "taskMonitor.bullmq.queues" is invalid: it must be a non-empty array of queue names/,
    );
    const error = await createTestApp({
      taskMonitor: { bullmq: { queues: ['reports'], connection: 'http://user:s3cret-pass@127.0.0.1:6379' } },
    }).then(
      () => null,
      (err: Error) => err,
    );
    expect(error?.message).toMatch(/taskMonitor.bullmq.connection" is invalid: it must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(error?.message).not.toContain('s3cret');
    await expect(createTestApp({ taskMonitor: { bulmq: {} } as never })).rejects.toThrow(/taskMonitor.bulmq/);
  });
});

describe('the sample "generate report" demo, in process (no REDIS_URL)', () => {
  let t: TestApp;
  const open: WsTestClient[] = [];

  beforeAll(async () => {
    const options = { ...LIMITS, isGlobal: true } as WebSocketToolModuleOptions;
    t = await createTestApp(options, { imports: [ReportJobsModule.register({ stepMs: 5 })] });
  });
  afterAll(async () => {
    open.forEach((c) => c.close());
    await t.close();
  });

  it('report.generate answers with a task id; the page subscribes and sees progress, log lines and the result', async () => {
    const page = await WsTestClient.connect(`${t.ws}/ws/report-page`);
    open.push(page);
    const reply = await page.request({ type: 'report.generate', content: { title: 'Q3 sales' } });
    const { task_id: taskId, topic, mode } = reply.content as { task_id: string; topic: string; mode: string };
    expect(reply.type).toBe('report.generate');
    expect(mode).toBe('in-process');
    expect(topic).toBe(`task:${taskId}`);
    await subscribe(page, topic);
    const done = await page.next(isDone(taskId));
    expect(done).toMatchObject({ type: 'tasks_worker.task_success', meta: { result: { title: 'Q3 sales', pages: 12 } } });
    const events = eventsOf(page, taskId);
    // Events before the subscription came to the sender as owner, the rest as subscriber: each exactly once.
    expect(events.map((e) => e.meta.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]).toMatchObject({ type: 'tasks_worker.task_started', content: 'Report "Q3 sales"' });
    expect(events.filter((e) => e.type === 'tasks_worker.task_progress').map((e) => e.meta.percent)).toEqual([20, 40, 60, 80, 100]);
    expect(events.filter((e) => e.type === 'tasks_worker.logs').map((e) => e.content)).toEqual([
      'Collecting data...',
      'Crunching numbers...',
      'Drawing charts...',
      'Writing the summary...',
      'Exporting the PDF...',
    ]);
  });

  it('a report asked to fail ends with task_failed; bad content gets validation_failed', async () => {
    const page = await WsTestClient.connect(`${t.ws}/ws/report-fail`);
    open.push(page);
    const reply = await page.request({ type: 'report.generate', content: { fail: true } });
    const taskId = (reply.content as { task_id: string }).task_id;
    const failed = await page.next(isDone(taskId));
    expect(failed).toMatchObject({ type: 'tasks_worker.task_failed', meta: { error: 'The chart service did not answer' } });
    expect(
      eventsOf(page, taskId)
        .filter((e) => e.type === 'tasks_worker.task_progress')
        .map((e) => e.meta.percent),
    ).toEqual([20, 40]);

    const bad = await page.request({ type: 'report.generate', content: { title: 42 } });
    expect(bad).toMatchObject({ type: 'system.error', meta: { code: 'validation_failed' } });
  });
});
