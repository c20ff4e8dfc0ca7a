import swc from 'unplugin-swc';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      // Tests exercise the library's source through its public entry point.
      '@websocket-tool/nestjs': fileURLToPath(new URL('./libs/websocket-tool/src/index.ts', import.meta.url)),
      '@websocket-tool/client': fileURLToPath(new URL('./libs/websocket-tool-client/src/index.ts', import.meta.url)),
    },
  },
  test: {
    include: ['libs/**/*.spec.ts', 'test/**/*.e2e-spec.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    setupFiles: ['reflect-metadata'],
  },
  // SWC emits the decorator metadata that Nest's dependency injection reads.
  plugins: [
    swc.vite({
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        target: 'es2023',
      },
      module: { type: 'es6' },
    }),
  ],
});
