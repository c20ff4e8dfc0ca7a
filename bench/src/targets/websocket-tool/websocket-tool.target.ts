import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { WebSocketToolAdapter } from '@websocket-tool/nestjs';
import type { AddressInfo } from 'node:net';
import { BENCH_HOST } from '../../shared/bench-protocol.constants.js';
import { announceReady, failStart, guardTargetLifetime } from '../target-process.js';
import { WebSocketToolBenchModule } from './websocket-tool-bench.module.js';

async function main(): Promise<void> {
  guardTargetLifetime();
  const variant = process.argv.includes('--defaults') ? 'defaults' : 'tuned';
  const history = process.argv.includes('--history');
  const presence = process.argv.includes('--presence');
  const interval = process.argv.indexOf('--heartbeat-interval');
  const heartbeatInterval = interval >= 0 ? Number(process.argv[interval + 1]) : undefined;
  const app = await NestFactory.create(WebSocketToolBenchModule.register(variant, history, presence, heartbeatInterval), {
    logger: ['error', 'warn'],
  });
  app.useWebSocketAdapter(new WebSocketToolAdapter(app));
  await app.listen(0, BENCH_HOST);
  announceReady((app.getHttpServer().address() as AddressInfo).port);
}

main().catch(failStart);
