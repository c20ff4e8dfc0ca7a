import { preciseNow } from '../../test/reliability/support/echo-probe.js';
import type { SoakCluster } from './soak-cluster.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One change of a node's link state, seen at `at` (`preciseNow()`). */
export interface LinkChange {
  node: number;
  state: string;
  at: number;
}

/**
 * Polls every node's health check every `everyMs` and records each change of
 * its Redis link state, so a test can tell when each node lost Redis and
 * when it was back. A node that does not answer counts as `unreachable`.
 */
export class LinkWatch {
  readonly changes: LinkChange[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor(
    private readonly cluster: SoakCluster,
    everyMs = 100,
    maxSeconds = 300,
  ) {
    const last = cluster.nodes.map(() => '');
    const until = preciseNow() + maxSeconds * 1000;
    this.loop = (async () => {
      while (this.running && preciseNow() < until) {
        await Promise.all(
          cluster.nodes.map(async (_, node) => {
            const state = await cluster.linkState(node).catch(() => 'unreachable');
            if (state !== last[node]) {
              last[node] = state;
              this.changes.push({ node, state, at: preciseNow() });
            }
          }),
        );
        await sleep(everyMs);
      }
    })();
  }

  /** When `node` was first seen in `state` at or after `since`; NaN if not (yet). */
  firstAfter(node: number, state: string, since: number): number {
    return this.changes.find((c) => c.node === node && c.state === state && c.at >= since)?.at ?? Number.NaN;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}
