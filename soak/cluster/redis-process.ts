import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../test/utils/free-port.js';
import { waitFor } from '../../test/reliability/support/wait-for.js';
import { redisAnswers } from '../../test/utils/redis-ping.js';

/** The machine's own Redis, never used by the soak. */
const SHARED_REDIS_PORT = 6379;

/**
 * A `redis-server` of the soak's own on a spare port of 127.0.0.1, without
 * persistence, that can be killed (SIGKILL: a crash) and started again on
 * the same port. It dies with the soak: a server still running when this
 * process exits is killed then.
 */
export class RedisProcess {
  private child: ChildProcess | null = null;
  private readonly onExit = () => this.child?.kill('SIGKILL');

  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<RedisProcess> {
    let port = await freePort();
    if (port === SHARED_REDIS_PORT) port = await freePort();
    const redis = new RedisProcess(port);
    process.once('exit', redis.onExit);
    await redis.restart();
    return redis;
  }

  private get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the server (again) on its port; resolves once it answers PING. */
  async restart(): Promise<void> {
    if (this.running) return;
    this.child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
      { stdio: 'ignore' },
    );
    let failed: Error | null = null;
    this.child.on('error', (err) => (failed = err));
    await waitFor(
      async () => {
        if (failed) throw new Error(`redis-server could not be started (the cluster tiers need it installed): ${failed.message}`);
        return redisAnswers(this.port);
      },
      `redis-server on port ${this.port} to answer`,
      10_000,
      50,
    );
  }

  /** Kills the server with SIGKILL and waits until it has exited. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /** Kills the server for good. */
  async stop(): Promise<void> {
    await this.kill();
    process.off('exit', this.onExit);
  }
}
