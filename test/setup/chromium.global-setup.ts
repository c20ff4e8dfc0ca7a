import type { TestProject } from 'vitest/node';
import { ensureChromium, realChromiumHost } from '../utils/chromium-locator.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Chromium the browser tests launch, found (or installed) once per run. */
    chromiumPath: string;
  }
}

/**
 * Global setup of the browser test project: finds a Chromium, installing one
 * if the machine has none, and hands its path to the test files. Vitest runs
 * it only when a browser test file is part of the run.
 */
export function setup(project: TestProject): void {
  const chromium = ensureChromium(realChromiumHost((line) => process.stdout.write(`${line}\n`)));
  project.provide('chromiumPath', chromium.path);
}
