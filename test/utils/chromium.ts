import type { LaunchOptions, Page } from 'playwright-core';
import { inject } from 'vitest';

/** Flags for a headless Chromium on a CI machine: no sandbox (root), no GPU, no background network. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function chromiumPath(): string {
  const path = inject('chromiumPath');
  if (!path) {
    throw new Error(
      'No Chromium path was provided to this test file: add it to BROWSER_TESTS in vitest.config.ts so the browser global setup runs for it.',
    );
  }
  return path;
}

/**
 * The Chromium the browser global setup found or installed (test/setup/chromium.global-setup.ts).
 * Playwright gives every launch a fresh temporary user-data-dir and removes it on close.
 */
export const CHROMIUM: LaunchOptions = {
  executablePath: chromiumPath(),
  args: [...CHROMIUM_ARGS],
};

/**
 * Records what a page should never do: console errors, uncaught page errors,
 * and dialogs other than confirmations (which are accepted). Returns the
 * list, filled as they happen.
 */
export function recordPageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => {
    if (d.type() !== 'confirm') problems.push(`dialog: ${d.type()} ${d.message()}`);
    void d.accept();
  });
  return problems;
}
