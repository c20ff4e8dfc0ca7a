import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WebSocketToolAdapter } from '@websocket-tool/nestjs';
import { AppModule } from './app.module.js';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  // Routes /ws and /ws/<clientId> and runs the handshake checks.
  app.useWebSocketAdapter(new WebSocketToolAdapter(app));
  // Graceful shutdown on SIGTERM/SIGINT: queued messages go out, clients get 1001,
  // then the process exits with 0.
  app.enableShutdownHooks([], { useProcessExit: true });
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port, process.env.HOST ?? '0.0.0.0');
  Logger.log(`Sample app on http://localhost:${port} (WebSocket: ws://localhost:${port}/ws)`, 'Sample');
}

void bootstrap();
