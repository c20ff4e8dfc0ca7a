import type { LaunchOptions, Page } from 'playwright-core';

/** Debian's Chromium, headless, with the flags this machine needs (no sandbox as root, no background network). */
export const CHROMIUM: LaunchOptions = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--disable-sync',
  ],
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
