import { createServer, type Server, type Socket } from 'node:net';
import { preciseNow } from '../../test/reliability/support/echo-probe.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Holds the port of a dead Redis and drops every connection to it at once,
 * noting when each came: the nodes' reconnection attempts. Redis can then be
 * started again right after a round of failed attempts, when the nodes wait
 * longest before they try again.
 */
export class PortWatch {
  private readonly attempts: number[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {
    server.on('connection', (socket) => {
      this.attempts.push(preciseNow());
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => this.sockets.delete(socket));
      socket.destroy();
    });
  }

  static listen(port: number): Promise<PortWatch> {
    return new Promise((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve(new PortWatch(server)));
    });
  }

  /** Connection attempts so far. */
  get count(): number {
    return this.attempts.length;
  }

  /**
   * Waits for a quiet second and then for `expected` attempts: one round of
   * all the nodes' connections. Resolves with the time of the last one, or
   * NaN after `timeoutMs`.
   */
  async nextRound(expected: number, timeoutMs: number): Promise<number> {
    const deadline = preciseNow() + timeoutMs;
    while (preciseNow() < deadline && preciseNow() - (this.attempts.at(-1) ?? 0) < 1000) await sleep(20);
    const from = this.attempts.length;
    while (preciseNow() < deadline) {
      if (this.attempts.length - from >= expected) return this.attempts[this.attempts.length - 1];
      await sleep(5);
    }
    return Number.NaN;
  }

  /** Frees the port. */
  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
