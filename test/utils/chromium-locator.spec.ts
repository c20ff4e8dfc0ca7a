import { describe, expect, it } from 'vitest';
import { CHROMIUM_MISSING_MESSAGE, ensureChromium, locateChromium, type ChromiumHost } from './chromium-locator.js';

interface FakeHost extends ChromiumHost {
  logs: string[];
  commands: string[];
}

/** A machine with the given executables; `installs` adds files when a command line succeeds. */
function fakeHost(
  options: {
    files?: string[];
    env?: Record<string, string>;
    uid?: number;
    installs?: Record<string, { status: number; adds?: string[]; output?: string }>;
  } = {},
): FakeHost {
  const files = new Set(options.files ?? []);
  const host: FakeHost = {
    env: { PATH: '/usr/bin:/bin', ...options.env },
    home: '/home/dev',
    uid: options.uid ?? 1000,
    logs: [],
    commands: [],
    isExecutable: (path) => files.has(path),
    list: (dir) => [...new Set([...files].filter((f) => f.startsWith(dir + '/')).map((f) => f.slice(dir.length + 1).split('/')[0]!))],
    run(command, args) {
      const line = [command.endsWith('node') || command === process.execPath ? 'node' : command, ...args].join(' ');
      host.commands.push(line);
      const key = Object.keys(options.installs ?? {}).find((k) => line.includes(k));
      const outcome = key ? options.installs![key]! : { status: 0 };
      for (const f of outcome.adds ?? []) files.add(f);
      return { status: outcome.status, output: outcome.output ?? '' };
    },
    log: (line) => host.logs.push(line),
  };
  return host;
}

const CACHED = '/home/dev/.cache/ms-playwright/chromium-1200/chrome-linux/chrome';

describe('locateChromium', () => {
  it('takes CHROMIUM_PATH first, then PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH, over everything else', () => {
    const files = ['/opt/a/chrome', '/opt/b/chrome', CACHED, '/usr/bin/chromium'];
    const both = { CHROMIUM_PATH: '/opt/a/chrome', PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH: '/opt/b/chrome' };
    expect(locateChromium(fakeHost({ files, env: both }))).toEqual({ path: '/opt/a/chrome', source: 'env', detail: 'CHROMIUM_PATH' });
    expect(locateChromium(fakeHost({ files, env: { PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH: '/opt/b/chrome' } }))).toMatchObject({
      path: '/opt/b/chrome',
      detail: 'PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH',
    });
  });

  it('refuses an env variable that names a missing file instead of looking elsewhere', () => {
    const host = fakeHost({ files: ['/usr/bin/chromium'], env: { CHROMIUM_PATH: '/nope/chrome' } });
    expect(() => locateChromium(host)).toThrow('CHROMIUM_PATH=/nope/chrome is not an executable file');
  });

  it("takes Playwright's cache (newest revision, either folder name) before the system's browser", () => {
    const older = '/home/dev/.cache/ms-playwright/chromium-999/chrome-linux/chrome';
    const newer = '/home/dev/.cache/ms-playwright/chromium-1300/chrome-linux64/chrome';
    const host = fakeHost({ files: [older, newer, '/home/dev/.cache/ms-playwright/firefox-1/firefox', '/usr/bin/chromium'] });
    expect(locateChromium(host)).toEqual({ path: newer, source: 'playwright-cache', detail: '/home/dev/.cache/ms-playwright' });
  });

  it('reads the cache from PLAYWRIGHT_BROWSERS_PATH when it is set', () => {
    const host = fakeHost({ files: ['/browsers/chromium-1/chrome-linux/chrome', CACHED], env: { PLAYWRIGHT_BROWSERS_PATH: '/browsers' } });
    expect(locateChromium(host)?.path).toBe('/browsers/chromium-1/chrome-linux/chrome');
  });

  it("falls back to the system's Chromium, by name order, then on PATH", () => {
    expect(locateChromium(fakeHost({ files: ['/usr/bin/google-chrome', '/usr/bin/chromium-browser'] }))).toEqual({
      path: '/usr/bin/chromium-browser',
      source: 'system',
      detail: 'chromium-browser',
    });
    expect(locateChromium(fakeHost({ files: ['/opt/tools/chromium'], env: { PATH: '/opt/tools' } }))?.path).toBe('/opt/tools/chromium');
    expect(locateChromium(fakeHost({ files: ['/usr/bin/firefox'] }))).toBeNull();
  });
});

describe('ensureChromium', () => {
  it('installs nothing and logs one line when a Chromium is there', () => {
    const host = fakeHost({ files: ['/usr/bin/chromium'] });
    expect(ensureChromium(host).path).toBe('/usr/bin/chromium');
    expect(host.commands).toEqual([]);
    expect(host.logs).toEqual(['Chromium for the browser tests: /usr/bin/chromium (system)']);
  });

  it("as root with apt-get, installs Debian's chromium and uses it", () => {
    const host = fakeHost({
      uid: 0,
      files: ['/usr/bin/apt-get'],
      installs: { 'apt-get install': { status: 0, adds: ['/usr/bin/chromium'] } },
    });
    expect(ensureChromium(host).path).toBe('/usr/bin/chromium');
    expect(host.commands).toEqual(['apt-get update', 'apt-get install -y chromium']);
    expect(host.logs[0]).toMatch(/none found, installing it with `apt-get install -y chromium`/);
    expect(host.logs[1]).toBe('Chromium for the browser tests: /usr/bin/chromium (installed with apt-get)');
  });

  it("without root, uses Playwright's installer and finds the browser in its cache", () => {
    const host = fakeHost({ files: ['/usr/bin/apt-get'], installs: { 'install chromium': { status: 0, adds: [CACHED] } } });
    expect(ensureChromium(host)).toMatchObject({ path: CACHED, source: 'playwright-cache' });
    expect(host.commands).toEqual([expect.stringMatching(/^node .*playwright-core\/cli\.js install chromium$/)]);
  });

  it("when apt-get fails, tries Playwright's installer; when both fail, stops with one line saying what to run", () => {
    const host = fakeHost({
      uid: 0,
      files: ['/usr/bin/apt-get'],
      installs: {
        'apt-get update': { status: 100, output: 'E: Could not get lock' },
        'install chromium': { status: 1, output: 'Downloading...\nError: getaddrinfo ENOTFOUND cdn.playwright.dev' },
      },
    });
    let error: Error | undefined;
    try {
      ensureChromium(host);
    } catch (e) {
      error = e as Error;
    }
    expect(host.commands).toEqual(['apt-get update', expect.stringMatching(/install chromium$/)]);
    expect(error?.message.startsWith(CHROMIUM_MISSING_MESSAGE)).toBe(true);
    expect(error?.message).toContain('apt-get failed: E: Could not get lock');
    expect(error?.message).toContain("Playwright's installer failed: Error: getaddrinfo ENOTFOUND cdn.playwright.dev");
    expect(error?.message).not.toContain('\n');
  });
});
