import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { WebSocketToolAdapter } from '@websocket-tool/nestjs';
import { AppModule } from './app.module.js';

async function bootstrap(): Promise<void> {
  // forceCloseConnections: keep-alive HTTP clients must not hold a deploy's shutdown open.
  const app = await NestFactory.create(AppModule, { forceCloseConnections: true });
  // Routes /ws and /ws/<clientId> and runs the handshake checks.
  app.useWebSocketAdapter(new WebSocketToolAdapter(app));
  // Graceful shutdown on SIGTERM/SIGINT: queued messages go out, clients get 1001,
  // then the process exits with 0.
  app.enableShutdownHooks([], { useProcessExit: true });
  // OpenAPI description of the admin API (and the app's routes), browsable at /api-docs.
  const openApi = new DocumentBuilder().setTitle('WebSocketTool sample').addBearerAuth().addBasicAuth().build();
  SwaggerModule.setup('api-docs', app, SwaggerModule.createDocument(app, openApi));
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port, process.env.HOST ?? '0.0.0.0');
  Logger.log(`Sample app on http://localhost:${port} (WebSocket: ws://localhost:${port}/ws)`, 'Sample');
  Logger.log(`Admin dashboard: http://localhost:${port}/ws-admin · API docs: http://localhost:${port}/api-docs`, 'Sample');
}

void bootstrap();
