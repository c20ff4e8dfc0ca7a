import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { AddressInfo } from 'node:net';
import { BENCH_HOST } from '../../shared/bench-protocol.constants.js';
import { announceReady, failStart, guardTargetLifetime } from '../target-process.js';
import { SocketIoBenchModule } from './socket-io-bench.module.js';

async function main(): Promise<void> {
  guardTargetLifetime();
  const app = await NestFactory.create(SocketIoBenchModule, { logger: ['error', 'warn'] });
  app.useWebSocketAdapter(new IoAdapter(app));
  await app.listen(0, BENCH_HOST);
  announceReady((app.getHttpServer().address() as AddressInfo).port);
}

main().catch(failStart);
