import { defineConfig } from 'vitest/config';
import base from '../vitest.config.js';

// The test suite's projects (node, browser) would replace the soak's own file list.
const { projects: _suiteProjects, ...suite } = base.test ?? {};

/** The soak (npm run soak): the project's test setup, its own files, one at a time, no time limit of its own. */
export default defineConfig({
  ...base,
  test: {
    ...suite,
    include: ['soak/**/*.soak.ts'],
    testTimeout: 40 * 60 * 1000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
