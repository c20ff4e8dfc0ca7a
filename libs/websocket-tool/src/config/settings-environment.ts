import type { EnvironmentSource } from './resolved-settings.interface.js';

/** A value found for an `FP_WST_*` variable, and where it was found. */
export interface EnvironmentValue {
  /** Text from the environment or a `.env` file; any value from a `ConfigService` `load` factory. */
  value: unknown;
  source: EnvironmentSource;
  /** The `.env` file, for `env-file`; error messages name it. */
  file?: string;
}

/**
 * Looks up one `FP_WST_*` variable; undefined (or an empty text) means unset.
 *
 * @publicApi
 */
export type SettingsEnvironment = (name: string) => EnvironmentValue | undefined;

/** The process environment (or any record of variables) as a `SettingsEnvironment`. */
export function processEnvironment(env: NodeJS.ProcessEnv = process.env): SettingsEnvironment {
  return (name) => {
    const value = env[name];
    return value === undefined ? undefined : { value, source: 'env' };
  };
}
