import { spawnSync } from 'node:child_process';
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Where a Chromium was found. */
export type ChromiumSource = 'env' | 'playwright-cache' | 'system';

/** A Chromium the browser tests can launch. */
export interface FoundChromium {
  path: string;
  source: ChromiumSource;
  /** What pointed at it: the env variable, the cache folder or the system name. */
  detail: string;
}

/** What the locator reads and runs; the real machine by default, fakes in its unit test. */
export interface ChromiumHost {
  env: Record<string, string | undefined>;
  home: string;
  /** Effective user id, or `undefined` where there is none (Windows). */
  uid: number | undefined;
  isExecutable(path: string): boolean;
  /** Entry names of a folder, `[]` if it does not exist. */
  list(dir: string): string[];
  /** Runs a command with its output captured; resolves to its exit status and combined output. */
  run(command: string, args: string[]): { status: number; output: string };
  /** One line of progress for the person running the tests. */
  log(line: string): void;
}

/** Environment variables that name a Chromium, read in this order. */
export const CHROMIUM_ENV_VARS = ['CHROMIUM_PATH', 'PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH'] as const;

/** System binaries tried in this order, as absolute paths first, then on `PATH`. */
export const SYSTEM_CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'] as const;
const SYSTEM_DIRS = ['/usr/bin', '/usr/local/bin', '/snap/bin'];

/** What to run by hand when nothing could be found or installed. */
export const CHROMIUM_MISSING_MESSAGE =
  'No Chromium for the browser tests and none could be installed: run `sudo apt-get install -y chromium` ' +
  '(or `npx playwright-core install chromium`), or set CHROMIUM_PATH to a Chromium binary.';

/**
 * Finds a Chromium without installing anything: an env variable, then
 * Playwright's browser cache (newest revision first), then the system's.
 * An env variable that names a missing file is an error, not a reason to
 * look elsewhere: the person who set it wants that browser.
 */
export function locateChromium(host: ChromiumHost): FoundChromium | null {
  for (const name of CHROMIUM_ENV_VARS) {
    const path = host.env[name];
    if (!path) continue;
    if (!host.isExecutable(path)) throw new Error(`${name}=${path} is not an executable file: point it at a Chromium binary or unset it.`);
    return { path, source: 'env', detail: name };
  }

  const cache = host.env.PLAYWRIGHT_BROWSERS_PATH || join(host.home, '.cache', 'ms-playwright');
  const revisions = host
    .list(cache)
    .filter((entry) => /^chromium-\d+$/.test(entry))
    .toSorted((a, b) => Number(b.slice('chromium-'.length)) - Number(a.slice('chromium-'.length)));
  for (const revision of revisions) {
    for (const folder of ['chrome-linux', 'chrome-linux64']) {
      const path = join(cache, revision, folder, 'chrome');
      if (host.isExecutable(path)) return { path, source: 'playwright-cache', detail: cache };
    }
  }

  const pathDirs = (host.env.PATH ?? '').split(delimiter).filter(Boolean);
  const dirs = [...SYSTEM_DIRS, ...pathDirs.filter((d) => !SYSTEM_DIRS.includes(d))];
  for (const name of SYSTEM_CHROMIUM_NAMES) {
    for (const dir of dirs) {
      const path = join(dir, name);
      if (host.isExecutable(path)) return { path, source: 'system', detail: name };
    }
  }
  return null;
}

/**
 * Finds a Chromium, or installs one and finds it then: with apt-get when
 * running as root on a machine that has it (Debian's `chromium` package),
 * else with Playwright's installer (which downloads from Playwright's CDN).
 * Throws `CHROMIUM_MISSING_MESSAGE`, one line, when neither gives a browser.
 */
export function ensureChromium(host: ChromiumHost): FoundChromium {
  const found = locateChromium(host);
  if (found) {
    host.log(`Chromium for the browser tests: ${found.path} (${describe(found)})`);
    return found;
  }

  const failures: string[] = [];
  if (host.uid === 0 && host.isExecutable('/usr/bin/apt-get')) {
    host.log('Chromium for the browser tests: none found, installing it with `apt-get install -y chromium` ...');
    const update = host.run('apt-get', ['update']);
    const install = update.status === 0 ? host.run('apt-get', ['install', '-y', 'chromium']) : update;
    const installed = install.status === 0 ? locateChromium(host) : null;
    if (installed) {
      host.log(`Chromium for the browser tests: ${installed.path} (installed with apt-get)`);
      return installed;
    }
    failures.push(`apt-get failed: ${lastLine(install.output)}`);
  }

  host.log("Chromium for the browser tests: none found, installing it with Playwright's installer ...");
  const playwright = host.run(process.execPath, [playwrightCli(), 'install', 'chromium']);
  const downloaded = playwright.status === 0 ? locateChromium(host) : null;
  if (downloaded) {
    host.log(`Chromium for the browser tests: ${downloaded.path} (installed with Playwright's installer)`);
    return downloaded;
  }
  failures.push(`Playwright's installer failed: ${lastLine(playwright.output)}`);
  throw new Error(`${CHROMIUM_MISSING_MESSAGE} (${failures.join('; ')})`);
}

function describe(found: FoundChromium): string {
  if (found.source === 'env') return `from ${found.detail}`;
  if (found.source === 'playwright-cache') return `Playwright's browser cache in ${found.detail}`;
  return 'system';
}

function lastLine(output: string): string {
  const lines = output.trim().split('\n');
  return (lines[lines.length - 1] ?? '').trim() || 'no output';
}

function playwrightCli(): string {
  return new URL('../../node_modules/playwright-core/cli.js', import.meta.url).pathname;
}

/** The machine this runs on. */
export function realChromiumHost(log: (line: string) => void): ChromiumHost {
  return {
    env: process.env,
    home: homedir(),
    uid: process.getuid?.(),
    isExecutable(path) {
      try {
        accessSync(path, constants.X_OK);
        return statSync(path).isFile();
      } catch {
        return false;
      }
    },
    list(dir) {
      try {
        return readdirSync(dir);
      } catch {
        return [];
      }
    },
    run(command, args) {
      const result = spawnSync(command, args, {
        encoding: 'utf8',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
        maxBuffer: 64 * 1024 * 1024,
      });
      const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`;
      return { status: result.status ?? 1, output };
    },
    log,
  };
}
