import { defineConfig } from 'vitest/config';
import base from '../vitest.config.js';

/** The soak (npm run soak): the project's test setup, its own files, one at a time, no time limit of its own. */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['soak/**/*.soak.ts'],
    testTimeout: 40 * 60 * 1000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
