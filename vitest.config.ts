import swc from 'unplugin-swc';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

const source = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/**
 * Test files that drive Chromium. They run in their own project, whose global
 * setup finds a Chromium (or installs one) only when one of them is in the run.
 */
const BROWSER_TESTS = [
  'test/admin-page.e2e-spec.ts',
  'test/admin-page-cluster.e2e-spec.ts',
  'test/client-browser.e2e-spec.ts',
  'test/sample-page.e2e-spec.ts',
];

/**
 * Tests that load both cores on purpose (10,000 clients, streams of large
 * broadcasts, 1,000 clients recovering at once, 300,000 publishes on three nodes). They run after the others, one file at a time: beside them, the
 * latency bars of the other reliability tests would measure this load.
 */
const LOAD_TESTS = [
  'test/reliability/default-bursts.e2e-spec.ts',
  'test/reliability/slow-consumers.e2e-spec.ts',
  'test/reliability/mass-recovery.e2e-spec.ts',
  'test/reliability/presence-load.e2e-spec.ts',
  'test/reliability/idle-connections.e2e-spec.ts',
  'test/cluster-recovery.e2e-spec.ts',
  'test/reliability/idempotent-publish-load.e2e-spec.ts',
];

export default defineConfig({
  resolve: {
    // Tests exercise the libraries' source through their public entry points (exact names, so subpaths stay apart).
    alias: [
      { find: /^@websocket-tool\/nestjs$/, replacement: source('./libs/websocket-tool/src/index.ts') },
      { find: /^@websocket-tool\/nestjs\/prometheus$/, replacement: source('./libs/websocket-tool/src/prometheus/index.ts') },
      { find: /^@websocket-tool\/client$/, replacement: source('./libs/websocket-tool-client/src/index.ts') },
      { find: /^@websocket-tool\/client\/protocol$/, replacement: source('./libs/websocket-tool-client/src/protocol/index.ts') },
    ],
  },
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    setupFiles: ['reflect-metadata'],
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['libs/**/*.spec.ts', 'test/**/*.spec.ts', 'test/**/*.e2e-spec.ts'],
          exclude: [...configDefaults.exclude, ...BROWSER_TESTS, ...LOAD_TESTS],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: BROWSER_TESTS,
          globalSetup: ['test/setup/chromium.global-setup.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'load', include: LOAD_TESTS, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
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
