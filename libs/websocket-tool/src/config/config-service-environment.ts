import { existsSync, readFileSync } from 'node:fs';
import { ENV_PREFIX } from './config.constants.js';
import type { SettingsEnvironment } from './settings-environment.js';

/**
 * What the library needs of `@nestjs/config`'s `ConfigService`, typed here so
 * that the optional peer's types stay out of ours.
 */
export interface ConfigServiceLike {
  get(propertyPath: string): unknown;
}

/**
 * The `FP_WST_*` variables of the process as the library found them when it
 * was loaded, which in an ESM app is before the app module's decorators run
 * `ConfigModule.forRoot()` (that call copies `.env` values into process.env).
 */
const BOOT_ENV: Readonly<Record<string, string | undefined>> = Object.freeze(
  Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith(ENV_PREFIX))),
);

/** Where a `.env` file ConfigModule read sets a variable, and its text there (before expansion). */
interface EnvFileEntry {
  file: string;
  text: string;
}

/**
 * The variables of the `.env` files `ConfigModule.forRoot()` read, each from
 * the first file that has it (ConfigModule lets earlier files win). ConfigService
 * keeps the paths and the parser it was given (`setEnvFilePaths`, `setParser`)
 * but has no getter for them; it re-reads the files the same way when
 * `set()` is called. Without them (another ConfigService) no value is
 * attributed to a file.
 */
function envFileVariables(configService: ConfigServiceLike): Map<string, EnvFileEntry> {
  const { envFilePaths, parser } = configService as unknown as { envFilePaths?: unknown; parser?: unknown };
  const found = new Map<string, EnvFileEntry>();
  if (!Array.isArray(envFilePaths) || typeof parser !== 'function') return found;
  for (const file of envFilePaths) {
    if (typeof file !== 'string' || !existsSync(file)) continue;
    const parsed = (parser as (content: Buffer) => Record<string, unknown>)(readFileSync(file));
    for (const [name, text] of Object.entries(parsed)) {
      if (name.startsWith(ENV_PREFIX) && !found.has(name)) found.set(name, { file, text: String(text) });
    }
  }
  return found;
}

/**
 * `FP_WST_*` variables read through the app's `ConfigService`, so `.env` files,
 * `envFilePath`, `expandVariables`, `load` factories and `validate` all apply.
 * Each value is attributed honestly:
 *
 * - `config`: ConfigService's own configuration (a `load` factory, a `validate`
 *   result) holds a value that process.env does not;
 * - `env-file`: a `.env` file ConfigModule read sets the variable to this value
 *   (or to a text it expanded, with `expandVariables`), and process.env did not
 *   hold this value when the library was loaded (ConfigModule copied it there,
 *   or overrode the old value with `override: true`);
 * - `env`: anything else, the process environment.
 */
export function configServiceEnvironment(
  configService: ConfigServiceLike,
  bootEnv: Readonly<Record<string, string | undefined>> = BOOT_ENV,
  env: NodeJS.ProcessEnv = process.env,
): SettingsEnvironment {
  const files = envFileVariables(configService);
  return (name) => {
    const value = configService.get(name);
    if (value === undefined || value === null) return undefined;
    const text = env[name];
    if (text === undefined || String(value) !== text) return { value, source: 'config' };
    const entry = files.get(name);
    const fromFile = entry !== undefined && (entry.text === text || entry.text.includes('$'));
    if (fromFile && bootEnv[name] !== text) return { value, source: 'env-file', file: entry.file };
    return { value, source: 'env' };
  };
}
