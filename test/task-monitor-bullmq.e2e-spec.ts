import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, QueueEventsProducer, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import {
  TaskMonitor,
  TaskMonitorBullMqBridge,
  TaskMessageType,
  createJobLogger,
  type WebSocketToolModuleOptions,
} from '@websocket-tool/nestjs';
import { ReportJobsModule, reportJobsWebSocketOptions } from '../apps/sample/src/jobs/index.js';
import { REPORTS_QUEUE } from '../apps/sample/src/jobs/report-jobs.constants.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { redisAnswers } from './utils/redis-ping.js';
import { WsTestClient, type Envelope } from './utils/ws-test-client.js';

const REDIS = { host: '127.0.0.1', port: 6379 } as const;
const QUEUE = 'reports';
const SKIP_NOTE = 'Redis is not reachable at 127.0.0.1:6379: start redis-server there to run the BullMQ bridge tests.';

const eventsOf = (client: WsTestClient, taskId: string): Envelope[] =>
  client.messages.filter((m) => m.type.startsWith('tasks_worker.') && m.meta?.task_id === taskId);

const isDone = (taskId: string) => (m: Envelope) =>
  (m.type === TaskMessageType.Success || m.type === TaskMessageType.Failed) && m.meta?.task_id === taskId;

async function subscribe(client: WsTestClient, taskId: string): Promise<void> {
  expect((await client.request({ type: 'system.subscribe', content: { topic: `task:${taskId}` } })).type).toBe('system.subscribed');
}

const summary = (events: Envelope[]) =>
  events.map((e) => [e.type.replace('tasks_worker.', ''), e.content, e.meta.percent ?? e.meta.level ?? null]);

describe('TaskMonitor BullMQ bridge (real Redis)', () => {
  // A prefix of its own per run, so parallel runs and leftovers never mix.
  const prefix = `wst-test-${process.pid}-${Date.now()}`;
  let redisUp = false;
  let t: TestApp | null = null;
  let tasks: TaskMonitor;
  let queue: Queue | null = null;
  let worker: Worker | null = null;
  let producer: QueueEventsProducer | null = null;
  const clients: WsTestClient[] = [];

  beforeAll(async () => {
    redisUp = await redisAnswers();
    if (!redisUp) {
      if (process.env.CI) throw new Error(`${SKIP_NOTE} In CI these tests must run.`);
      return;
    }
    t = await createTestApp({
      rateLimitConnectionsPerWindow: 1000,
      taskMonitor: { bullmq: { queues: [QUEUE], connection: { ...REDIS }, prefix } },
    });
    tasks = t.app.get(TaskMonitor);
    expect(t.app.get(TaskMonitorBullMqBridge).enabled).toBe(true);
    await t.app.get(TaskMonitorBullMqBridge).ready();

    queue = new Queue(QUEUE, { connection: { ...REDIS }, prefix });
    producer = new QueueEventsProducer(QUEUE, { connection: { ...REDIS }, prefix });
    worker = new Worker(
      QUEUE,
      async (job: Job) => {
        // 'remote' logs as a worker in another process would: through a producer, not the TaskMonitor.
        const log = createJobLogger(job, job.name === 'remote' ? (producer as QueueEventsProducer) : tasks);
        if (job.name === 'failing') {
          await job.updateProgress(20);
          await log.info('about to fail');
          throw new Error('report source unavailable');
        }
        await job.updateProgress(10);
        await log.info('step 1');
        await job.updateProgress({ percent: 60, message: 'Half way' });
        await log.warn('step 2');
        await job.updateProgress(100);
        return { url: `/reports/${job.id}` };
      },
      { connection: { ...REDIS }, prefix },
    );
    await worker.waitUntilReady();
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await worker?.close();
    await producer?.close();
    if (queue) {
      await queue.obliterate({ force: true });
      await queue.close();
    }
    await t?.close();
    if (redisUp) {
      // Remove every key of this run, whatever obliterate and the closing connections left.
      const redis = new Redis({ ...REDIS, lazyConnect: true, maxRetriesPerRequest: 1 });
      await redis.connect();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    }
  });

  const connect = async (path: string) => {
    const client = await WsTestClient.connect(`${(t as TestApp).ws}${path}`);
    clients.push(client);
    return client;
  };

  it('a job with progress and logs reaches the subscriber and the owner, in order', async (ctx) => {
    ctx.skip(!redisUp, SKIP_NOTE);
    const sub = await connect('/ws/bq-sub');
    const owner = await connect('/ws/bq-owner');
    const bystander = await connect('/ws/bq-bystander');
    const jobId = randomUUID();
    await subscribe(sub, jobId);

    await (queue as Queue).add('generate-report', { owner: 'bq-owner' }, { jobId });

    const expected = [
      ['task_started', 'generate-report', null],
      ['task_progress', null, 10],
      ['logs', 'step 1', 'INFO'],
      ['task_progress', 'Half way', 60],
      ['logs', 'step 2', 'WARNING'],
      ['task_progress', null, 100],
      ['task_success', '[END OF LOG]', null],
    ];
    for (const client of [sub, owner]) {
      const done = await client.next(isDone(jobId), 15_000);
      expect(done.meta).toMatchObject({ event: '__TASK_DONE__', task_id: jobId, result: { url: `/reports/${jobId}` } });
      const events = eventsOf(client, jobId);
      expect(summary(events)).toEqual(expected);
      expect(events.map((e) => e.meta.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    }
    await bystander.request({ type: 'system.ping' });
    expect(eventsOf(bystander, jobId)).toEqual([]);
    // The lines are in the job's own log as well.
    expect((await (queue as Queue).getJobLogs(jobId)).logs).toEqual(['[INFO] step 1', '[WARNING] step 2']);
  });

  it('a failing job sends task_failed with the reason', async (ctx) => {
    ctx.skip(!redisUp, SKIP_NOTE);
    const sub = await connect('/ws/bq-fail');
    const jobId = randomUUID();
    await subscribe(sub, jobId);
    await (queue as Queue).add('failing', {}, { jobId, attempts: 1 });
    const failed = await sub.next(isDone(jobId), 15_000);
    expect(failed).toMatchObject({
      type: 'tasks_worker.task_failed',
      content: 'report source unavailable',
      meta: { task_id: jobId, error: 'report source unavailable' },
    });
    expect(summary(eventsOf(sub, jobId))).toEqual([
      ['task_started', 'failing', null],
      ['task_progress', null, 20],
      ['logs', 'about to fail', 'INFO'],
      ['task_failed', 'report source unavailable', null],
    ]);
    expect(tasks.get(jobId)).toMatchObject({ state: 'failed', error: 'report source unavailable' });
  });

  it('a worker elsewhere streams its lines through a QueueEventsProducer; a late subscriber gets the history', async (ctx) => {
    ctx.skip(!redisUp, SKIP_NOTE);
    const owner = await connect('/ws/bq-remote');
    const jobId = randomUUID();
    await (queue as Queue).add('remote', { owner: { clientId: 'bq-remote' } }, { jobId });
    await owner.next(isDone(jobId), 15_000);
    expect(summary(eventsOf(owner, jobId)).map((row) => row[1])).toEqual([
      'remote',
      null,
      'step 1',
      'Half way',
      'step 2',
      null,
      '[END OF LOG]',
    ]);

    const late = await connect('/ws/bq-late');
    await subscribe(late, jobId);
    const history = eventsOf(late, jobId);
    expect(history.map((e) => e.meta.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(history.every((e) => e.meta.history === true)).toBe(true);
  });
});

describe('the sample "generate report" demo on BullMQ (REDIS_URL set)', () => {
  const prefix = `wst-sample-${process.pid}-${Date.now()}`;
  const redisUrl = `redis://${REDIS.host}:${REDIS.port}`;
  let redisUp = false;
  let t: TestApp | null = null;
  let page: WsTestClient | null = null;

  beforeAll(async () => {
    redisUp = await redisAnswers();
    if (!redisUp) {
      if (process.env.CI) throw new Error(`${SKIP_NOTE} In CI these tests must run.`);
      return;
    }
    const reportJobs = { redisUrl, prefix, stepMs: 5 };
    const options = { rateLimitConnectionsPerWindow: 1000, isGlobal: true, ...reportJobsWebSocketOptions(reportJobs) };
    t = await createTestApp(options as WebSocketToolModuleOptions, { imports: [ReportJobsModule.register(reportJobs)] });
    await t.app.get(TaskMonitorBullMqBridge).ready();
  });

  afterAll(async () => {
    page?.close();
    await t?.close();
    if (redisUp) {
      const queue = new Queue(REPORTS_QUEUE, { connection: { ...REDIS }, prefix });
      await queue.obliterate({ force: true });
      await queue.close();
      const redis = new Redis({ ...REDIS, lazyConnect: true, maxRetriesPerRequest: 1 });
      await redis.connect();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    }
  });

  it('report.generate queues a job; the @nestjs/bullmq worker runs it and the page sees it live', async (ctx) => {
    ctx.skip(!redisUp, SKIP_NOTE);
    page = await WsTestClient.connect(`${(t as TestApp).ws}/ws/bq-page`);
    const reply = await page.request({ type: 'report.generate', content: { title: 'Q4' } });
    const { task_id: taskId, topic, mode } = reply.content as { task_id: string; topic: string; mode: string };
    expect(mode).toBe('bullmq');
    expect((await page.request({ type: 'system.subscribe', content: { topic } })).type).toBe('system.subscribed');
    const done = await page.next(isDone(taskId), 15_000);
    expect(done).toMatchObject({ type: 'tasks_worker.task_success', meta: { result: { title: 'Q4', pages: 12 } } });
    const events = eventsOf(page, taskId);
    expect(events.map((e) => e.meta.seq)).toEqual(events.map((_, i) => i + 1));
    expect(summary(events)).toEqual([
      ['task_started', 'Report "Q4"', null],
      ['logs', 'Collecting data...', 'INFO'],
      ['task_progress', 'Collecting data', 20],
      ['logs', 'Crunching numbers...', 'INFO'],
      ['task_progress', 'Crunching numbers', 40],
      ['logs', 'Drawing charts...', 'INFO'],
      ['task_progress', 'Drawing charts', 60],
      ['logs', 'Writing the summary...', 'INFO'],
      ['task_progress', 'Writing the summary', 80],
      ['logs', 'Exporting the PDF...', 'INFO'],
      ['task_progress', 'Exporting the PDF', 100],
      ['task_success', '[END OF LOG]', null],
    ]);
  });
});
