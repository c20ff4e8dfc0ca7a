import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  WebSocketToolAdapter,
  WebSocketToolModule,
  type WebSocketToolModuleExtras,
  type WebSocketToolModuleOptions,
} from '@websocket-tool/nestjs';
import type { AddressInfo } from 'node:net';

export interface TestApp {
  app: INestApplication;
  /** `http://127.0.0.1:<port>` */
  http: string;
  /** `ws://127.0.0.1:<port>` */
  ws: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Boots a real app on 127.0.0.1:0 with WebSocketToolModule and the given
 * extra providers/imports, installed with WebSocketToolAdapter.
 */
export async function createTestApp(
  options: WebSocketToolModuleOptions & WebSocketToolModuleExtras = {},
  metadata: ModuleMetadata = {},
  configure?: (app: INestApplication) => void,
  /** A fixed port, to restart a server where its clients expect it. */
  listenPort = 0,
): Promise<TestApp> {
  const moduleRef = await Test.createTestingModule({
    imports: [WebSocketToolModule.forRoot(options), ...(metadata.imports ?? [])],
    providers: metadata.providers ?? [],
    controllers: metadata.controllers ?? [],
  }).compile();
  // Keep-alive HTTP connections (a polling page) must not hold close() open.
  const app = moduleRef.createNestApplication({ logger: ['error', 'warn'], forceCloseConnections: true });
  app.useWebSocketAdapter(new WebSocketToolAdapter(app));
  configure?.(app);
  await app.listen(listenPort, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  let closed = false;
  return {
    app,
    port,
    http: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}`,
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
    },
  };
}
