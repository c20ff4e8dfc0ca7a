import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { WsAdapter } from '@nestjs/platform-ws';
import type { AddressInfo } from 'node:net';
import { BENCH_HOST } from '../../shared/bench-protocol.constants.js';
import { announceReady, failStart, guardTargetLifetime } from '../target-process.js';
import { NestWsBenchModule } from './nest-ws-bench.module.js';

async function main(): Promise<void> {
  guardTargetLifetime();
  const app = await NestFactory.create(NestWsBenchModule, { logger: ['error', 'warn'] });
  app.useWebSocketAdapter(new WsAdapter(app));
  await app.listen(0, BENCH_HOST);
  announceReady((app.getHttpServer().address() as AddressInfo).port);
}

main().catch(failStart);
