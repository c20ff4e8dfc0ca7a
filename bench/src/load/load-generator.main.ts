import { BENCH_HOST, RESULT_LINE_KEY, WS_PATH } from '../shared/bench-protocol.constants.js';
import type { LoadConfig, ScenarioConfig } from '../shared/load-config.interface.js';
import type { LoadResult } from '../shared/load-result.interface.js';
import { envMs, exitWithParent } from '../shared/process-lifetime.js';
import type { BenchConnection, BenchSink } from './bench-connection.interface.js';
import { PayloadFactory } from './payload-factory.js';
import type { ScenarioContext } from './scenario-context.js';
import { runShards } from './scenarios/shards.scenario.js';
import { runCluster } from './scenarios/cluster.scenario.js';
import { runConnect } from './scenarios/connect.scenario.js';
import { runEcho } from './scenarios/echo.scenario.js';
import { runFanOut } from './scenarios/fan-out.scenario.js';
import { runManyConnections } from './scenarios/many-connections.scenario.js';
import { runMemory } from './scenarios/memory.scenario.js';
import { runDelta } from './scenarios/delta.scenario.js';
import { runRecovery } from './scenarios/recovery.scenario.js';
import { runPresence } from './scenarios/presence.scenario.js';
import { runTopics } from './scenarios/topics.scenario.js';
import { ServerProbe } from './server-probe.js';
import { SocketIoBenchConnection } from './socket-io-bench-connection.js';
import { EVENT_DATA_CODEC, WEBSOCKET_TOOL_CODEC } from './wire-codec.js';
import { WsBenchConnection } from './ws-bench-connection.js';

/**
 * The load-generator process: reads its `LoadConfig` from the
 * `BENCH_LOAD_CONFIG` environment variable, runs one scenario against one
 * target, prints one `{"benchResult": …}` line and exits. Progress goes to
 * stderr. It never runs longer than `BENCH_MAX_LIFETIME_MS`.
 */
const maxLifetimeMs = envMs('BENCH_MAX_LIFETIME_MS', 10 * 60 * 1000);
exitWithParent(maxLifetimeMs);

const log = (text: string): void => {
  process.stderr.write(`[load] ${text}\n`);
};

function opener(config: LoadConfig): (sink: BenchSink, port?: number) => Promise<BenchConnection> {
  const payloads = new PayloadFactory(config.payloadBytes);
  const timeout = config.connectTimeoutMs;
  switch (config.protocol) {
    case 'socket-io':
      return (sink, port = config.port) => SocketIoBenchConnection.open(`http://${BENCH_HOST}:${port}`, payloads, sink, timeout);
    case 'websocket-tool':
    case 'event-data': {
      const codec = config.protocol === 'websocket-tool' ? WEBSOCKET_TOOL_CODEC : EVENT_DATA_CODEC;
      return (sink, port = config.port) => WsBenchConnection.open(`ws://${BENCH_HOST}:${port}${WS_PATH}`, codec, payloads, sink, timeout);
    }
  }
}

function run(ctx: ScenarioContext, scenario: ScenarioConfig): Promise<LoadResult> {
  switch (scenario.kind) {
    case 'fan-out':
      return runFanOut(ctx, scenario);
    case 'echo':
      return runEcho(ctx, scenario);
    case 'connect':
      return runConnect(ctx, scenario);
    case 'memory':
      return runMemory(ctx, scenario);
    case 'topics':
      return runTopics(ctx, scenario);
    case 'cluster':
      return runCluster(ctx, scenario);
    case 'shards':
      return runShards(ctx, scenario);
    case 'recovery':
      return runRecovery(ctx, scenario);
    case 'delta':
      return runDelta(ctx, scenario);
    case 'presence':
      return runPresence(ctx, scenario);
    case 'many-connections':
      return runManyConnections(ctx, scenario);
  }
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env.BENCH_LOAD_CONFIG ?? 'null') as LoadConfig | null;
  if (!config) throw new Error('BENCH_LOAD_CONFIG is not set');
  const ctx: ScenarioContext = {
    config,
    server: new ServerProbe(config.serverPid, config.clockTicksPerSecond, config.memoryFile),
    // Leaves time to report before the lifetime guard fires.
    deadline: performance.now() + maxLifetimeMs - 5000,
    open: opener(config),
    log,
  };
  const result = await run(ctx, config.scenario);
  process.stdout.write(JSON.stringify({ [RESULT_LINE_KEY]: result }) + '\n', () => process.exit(0));
}

main().catch((err: unknown) => {
  log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
